import { DTypeError, full, isFloat, NDArray, resultType } from "@zerograd/ndarray";
import { AutogradError, isGradEnabled, Variable } from "./internal";

/** What ops and `Function.apply` take: a Variable, or an NDArray or JS number used as a constant. */
export type VariableLike = Variable | NDArray | number;

/**
 * What a Function's backward returns: one gradient per input, `null` for "no gradient"; an
 * NDArray is taken as a constant gradient.
 */
export type Gradients = Variable | NDArray | null | readonly (Variable | NDArray | null)[];

/**
 * A differentiable operation, DeZero's `Function`. Subclass it with `forward` on raw NDArrays
 * and `backward` written with Variable ops (so gradients can be differentiated again), then
 * run it with `new MyFunction().apply(...inputs)`.
 *
 * `apply` records the call in the graph (inputs, outputs, generation) only when grad mode is
 * on and some input requires grad; otherwise the Function is not kept and its outputs do not
 * require grad. A Function whose `forward` returns an array of NDArrays has several outputs,
 * and `apply` returns an array of Variables.
 */
export abstract class Function<Out extends NDArray | NDArray[] = NDArray> {
  /** The inputs of the recorded call (empty when nothing was recorded). */
  inputs: Variable[] = [];
  /** The outputs of the recorded call (empty when nothing was recorded). */
  outputs: Variable[] = [];
  /** The highest generation among the inputs: backward runs later generations first. */
  generation = 0;

  /** Computes the outputs from the inputs' arrays. */
  abstract forward(...xs: NDArray[]): Out;

  /**
   * Gradients of the inputs from the gradients of the outputs (one per output; an output
   * nobody used gets zeros). Written with Variable ops; each gradient must have its input's
   * shape, or backward throws a ShapeError naming this Function. A gradient may also be an
   * NDArray (taken as a constant) or null (no gradient for that input).
   *
   * Backward runs with grad mode on exactly when the caller asked for `createGraph`, so
   * `isGradEnabled()` here tells whether the gradient must itself be differentiable (a fused
   * shortcut on raw arrays is fine when it is false).
   */
  abstract backward(...gys: Variable[]): Gradients;

  /** The name shown in errors and graphs: the class name. */
  get name(): string {
    return this.constructor.name;
  }

  /** Whether input `i` of the recorded call requires grad (PyTorch's `needs_input_grad`). */
  needsInputGrad(i: number): boolean {
    return this.inputs[i]?.requiresGrad ?? false;
  }

  /**
   * Runs `forward` on the inputs' data and returns the output Variable(s). NDArrays and
   * numbers are constants; a number takes the dtype the op's array inputs give it (a weak
   * scalar, as in ndarray).
   */
  apply(...inputs: VariableLike[]): Out extends NDArray[] ? Variable[] : Variable {
    const xs = toVariables(inputs, this.name);
    const ys = this.forward(...xs.map((x) => x.data));
    const multiple = Array.isArray(ys);
    const arrays: NDArray[] = multiple ? ys : [ys];
    for (const y of arrays) {
      if (!(y instanceof NDArray)) {
        throw new AutogradError(`${this.name}.forward must return NDArrays, got ${typeof y}`);
      }
    }
    // Recorded only when an input requires grad and an output can carry one (an int result,
    // such as a cast to int32, ends the graph).
    const record =
      isGradEnabled() && xs.some((x) => x.requiresGrad) && arrays.some((y) => isFloat(y.dtype));
    const outputs = arrays.map(
      (y) => new Variable(y, { requiresGrad: record && isFloat(y.dtype) }),
    );
    if (record) {
      let generation = 0;
      for (const x of xs) if (x.generation > generation) generation = x.generation;
      this.generation = generation;
      this.inputs = xs;
      this.outputs = outputs;
      for (const y of outputs) {
        y.creator = this;
        y.generation = generation + 1;
      }
    }
    return (multiple ? outputs : outputs[0]) as Out extends NDArray[] ? Variable[] : Variable;
  }
}

function toVariables(inputs: readonly VariableLike[], op: string): Variable[] {
  const arrays: NDArray[] = [];
  for (const x of inputs) {
    if (x instanceof Variable) arrays.push(x.data);
    else if (x instanceof NDArray) arrays.push(x);
    else if (typeof x !== "number") {
      const what = x === null ? "null" : Array.isArray(x) ? "a JS array" : typeof x;
      throw new DTypeError(`${op}: expected a Variable, an NDArray or a number, got ${what}`);
    }
  }
  return inputs.map((x) => {
    if (x instanceof Variable) return x;
    if (x instanceof NDArray) return constant(x);
    return constant(full([], x as number, resultType(...arrays, x as number)));
  });
}

function constant(x: NDArray): Variable {
  return new Variable(x, { requiresGrad: false });
}
