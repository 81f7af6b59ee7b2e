import type { NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { Function, type Variable, type VariableLike } from "../internal";

class Triangle extends Function {
  constructor(
    private readonly upper: boolean,
    private readonly k: number,
  ) {
    super();
  }

  forward(x: NDArray): NDArray {
    return this.upper ? nd.triu(x, this.k) : nd.tril(x, this.k);
  }

  backward(gy: Variable): Variable {
    // A mask: the kept elements pass their gradient, the zeroed ones get none.
    return this.upper ? triu(gy, this.k) : tril(gy, this.k);
  }
}

/** The lower triangle of the last two axes, batched (ndarray's `tril`); the gradient is masked alike. */
export function tril(x: VariableLike, k = 0): Variable {
  return new Triangle(false, k).apply(x);
}

/** The upper triangle of the last two axes, batched (ndarray's `triu`); the gradient is masked alike. */
export function triu(x: VariableLike, k = 0): Variable {
  return new Triangle(true, k).apply(x);
}
