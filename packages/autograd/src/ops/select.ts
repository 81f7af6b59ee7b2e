import type { NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { Function, mul, unbroadcast, type Variable, type VariableLike } from "../internal";

class Where extends Function {
  forward(condition: NDArray, a: NDArray, b: NDArray): NDArray {
    return nd.where(condition, a, b);
  }

  backward(gy: Variable): (Variable | null)[] {
    const [condition, a, b] = this.inputs as [Variable, Variable, Variable];
    return [
      null,
      this.needsInputGrad(1) ? unbroadcast(where(condition, gy, 0), a.shape) : null,
      this.needsInputGrad(2) ? unbroadcast(where(condition, 0, gy), b.shape) : null,
    ];
  }
}

/**
 * Clipping to [lo, hi], as `minimum(maximum(x, lo), hi)`. x gets the gradient where
 * lo ≤ x ≤ hi (PyTorch's clamp); a Variable bound gets it where it is the result.
 */
class Clip extends Function {
  constructor(
    private readonly hasLo: boolean,
    private readonly hasHi: boolean,
  ) {
    super();
  }

  forward(x: NDArray, ...bounds: NDArray[]): NDArray {
    const [lo, hi] = this.bounds(bounds);
    return nd.clip(x, lo, hi);
  }

  backward(gy: Variable): (Variable | null)[] {
    const [x, ...boundVariables] = this.inputs as [Variable, ...Variable[]];
    const [lo, hi] = this.bounds(boundVariables.map((v) => v.data));
    let inside = nd.full(x.shape, true, "bool");
    const grads: (Variable | null)[] = [];
    if (lo !== null) inside = nd.mul(inside, nd.greaterEqual(x.data, lo));
    if (hi !== null) inside = nd.mul(inside, nd.lessEqual(x.data, hi));
    grads.push(this.needsInputGrad(0) ? unbroadcast(mul(gy, inside), x.shape) : null);
    if (lo !== null) {
      // lo is the result where x < lo, unless hi is lower still.
      let picked = nd.less(x.data, lo);
      if (hi !== null) picked = nd.mul(picked, nd.lessEqual(lo, hi));
      grads.push(this.needsInputGrad(1) ? unbroadcast(mul(gy, picked), lo.shape) : null);
    }
    if (hi !== null) {
      const raised = lo === null ? x.data : nd.maximum(x.data, lo);
      const picked = nd.greater(raised, hi);
      grads.push(this.needsInputGrad(grads.length) ? unbroadcast(mul(gy, picked), hi.shape) : null);
    }
    return grads;
  }

  private bounds(arrays: readonly NDArray[]): [NDArray | null, NDArray | null] {
    const lo = this.hasLo ? (arrays[0] as NDArray) : null;
    const hi = this.hasHi ? (arrays[this.hasLo ? 1 : 0] as NDArray) : null;
    return [lo, hi];
  }
}

/**
 * `condition ? a : b` elementwise with broadcasting; the gradient flows to the branch that was
 * picked. `condition` is a constant (any dtype, non-zero is true).
 */
export function where(condition: VariableLike, a: VariableLike, b: VariableLike): Variable {
  return new Where().apply(condition, a, b);
}

/**
 * x limited to [lo, hi] with broadcasting (`null` leaves a side open); lo > hi gives hi. The
 * gradient reaches x where lo ≤ x ≤ hi, and a Variable bound where it is the result.
 */
export function clip(x: VariableLike, lo: VariableLike | null, hi: VariableLike | null): Variable {
  const bounds = [lo, hi].filter((b): b is VariableLike => b !== null);
  return new Clip(lo !== null, hi !== null).apply(x, ...bounds);
}
