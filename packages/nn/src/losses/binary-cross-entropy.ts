import {
  Function,
  mul,
  neg,
  sigmoid,
  sub,
  type Variable,
  type VariableLike,
} from "@zerograd/autograd";
import type { NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { type LossOptions, reduce, reductionOf } from "./reduction";
import { sameShapeOperands } from "./regression";

/**
 * Elementwise −[t·log σ(x) + (1 − t)·log(1 − σ(x))] in the stable form
 * max(x, 0) − x·t + log(1 + e^−|x|), which never takes the log of 0 (logits of ±100 give
 * exact losses). The gradients are σ(x) − t for x and −x for t; composing the stable form
 * from relu and abs would give the wrong value at x = 0, hence one Function.
 */
class BinaryCrossEntropyWithLogits extends Function {
  forward(x: NDArray, t: NDArray): NDArray {
    const softplus = nd.log(nd.add(nd.exp(nd.neg(nd.abs(x))), 1));
    return nd.add(nd.sub(nd.relu(x), nd.mul(x, t)), softplus);
  }

  backward(gy: Variable): (Variable | null)[] {
    const [x, t] = this.inputs as [Variable, Variable];
    return [
      this.needsInputGrad(0) ? mul(gy, sub(sigmoid(x), t)) : null,
      this.needsInputGrad(1) ? mul(gy, neg(x)) : null,
    ];
  }
}

/**
 * Binary cross-entropy of logits `input` against probabilities `target` in [0, 1] (PyTorch's
 * `F.binary_cross_entropy_with_logits`), computed stably from the logits, reduced by
 * `reduction` (default mean). Both may require grad. Throws ShapeError unless the shapes are
 * equal, DTypeError for integer input.
 */
export function binaryCrossEntropyWithLogits(
  input: VariableLike,
  target: VariableLike,
  options: LossOptions = {},
): Variable {
  const reduction = reductionOf("binaryCrossEntropyWithLogits", options);
  const [x, t] = sameShapeOperands("binaryCrossEntropyWithLogits", input, target);
  return reduce(new BinaryCrossEntropyWithLogits().apply(x, t), reduction);
}
