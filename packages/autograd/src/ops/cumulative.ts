import type { NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { Function, index, reshape, type Variable, type VariableLike } from "../internal";

/** `x` reversed along `axis` (a view). */
function flip(x: Variable, axis: number): Variable {
  return index(x, [...Array<null>(axis).fill(null), [null, null, -1]]);
}

class Cumsum extends Function {
  constructor(private readonly axis: number | undefined) {
    super();
  }

  forward(x: NDArray): NDArray {
    return nd.cumsum(x, this.axis);
  }

  backward(gy: Variable): Variable {
    // y_i = Σ_{j<=i} x_j, so ∂L/∂x_j = Σ_{i>=j} gy_i: a cumulative sum from the far end.
    const x = this.inputs[0] as Variable;
    const axis = this.axis === undefined ? 0 : nd.normalizeAxis(this.axis, x.ndim, "cumsum");
    return reshape(flip(cumsum(flip(gy, axis), axis), axis), x.shape);
  }
}

/**
 * The cumulative sum along `axis`, or over the flattened x without one (ndarray's `cumsum`).
 * The gradient is the cumulative sum of the output gradient taken from the far end.
 */
export function cumsum(x: VariableLike, axis?: number): Variable {
  return new Cumsum(axis === null ? undefined : axis).apply(x);
}
