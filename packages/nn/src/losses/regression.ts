import { abs, asVariable, square, sub, type Variable, type VariableLike } from "@zerograd/autograd";
import { DTypeError, formatShape, isFloat, ShapeError, shapesEqual } from "@zerograd/ndarray";
import { type LossOptions, reduce, reductionOf } from "./reduction";

/**
 * input and target as Variables after checking that their shapes are equal and that input is
 * float (PyTorch raises for integer input too). PyTorch would broadcast unequal shapes with a
 * warning; a [N, 1] output against [N] targets silently becomes an [N, N] loss that way, so a
 * mismatch is a ShapeError here.
 */
export function sameShapeOperands(
  op: string,
  input: VariableLike,
  target: VariableLike,
): [Variable, Variable] {
  const x = asVariable(input);
  const t = asVariable(target);
  if (!isFloat(x.dtype)) {
    throw new DTypeError(`${op}: input must be float32 or float64, got ${x.dtype}`);
  }
  if (!shapesEqual(x.shape, t.shape)) {
    throw new ShapeError(
      `${op}: input ${formatShape(x.shape)} and target ${formatShape(t.shape)} must have the same shape`,
    );
  }
  return [x, t];
}

/**
 * Mean squared error (PyTorch's `F.mse_loss`): (input − target)² elementwise, reduced by
 * `reduction` (default mean). Both may require grad. Throws ShapeError unless the shapes are
 * equal, DTypeError for integer input.
 */
export function mseLoss(
  input: VariableLike,
  target: VariableLike,
  options: LossOptions = {},
): Variable {
  const reduction = reductionOf("mseLoss", options);
  const [x, t] = sameShapeOperands("mseLoss", input, target);
  return reduce(square(sub(x, t)), reduction);
}

/**
 * Mean absolute error (PyTorch's `F.l1_loss`): |input − target| elementwise, reduced by
 * `reduction` (default mean); the gradient at input = target is 0. Throws ShapeError unless
 * the shapes are equal, DTypeError for integer input.
 */
export function l1Loss(
  input: VariableLike,
  target: VariableLike,
  options: LossOptions = {},
): Variable {
  const reduction = reductionOf("l1Loss", options);
  const [x, t] = sameShapeOperands("l1Loss", input, target);
  return reduce(abs(sub(x, t)), reduction);
}
