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
  /** Where each bound sits among the inputs (x is input 0), or null when that side is open. */
  private readonly loIndex: number | null;
  private readonly hiIndex: number | null;

  constructor(hasLo: boolean, hasHi: boolean) {
    super();
    this.loIndex = hasLo ? 1 : null;
    this.hiIndex = hasHi ? (hasLo ? 2 : 1) : null;
  }

  forward(x: NDArray, ...bounds: NDArray[]): NDArray {
    return nd.clip(
      x,
      this.bound([x, ...bounds], this.loIndex),
      this.bound([x, ...bounds], this.hiIndex),
    );
  }

  backward(gy: Variable): (Variable | null)[] {
    const arrays = this.inputs.map((v) => v.data);
    const [x] = arrays as [NDArray];
    const lo = this.bound(arrays, this.loIndex);
    const hi = this.bound(arrays, this.hiIndex);
    const grads: (Variable | null)[] = this.inputs.map(() => null);
    let inside = nd.full(x.shape, true, "bool");
    if (lo !== null) inside = nd.mul(inside, nd.greaterEqual(x, lo));
    if (hi !== null) inside = nd.mul(inside, nd.lessEqual(x, hi));
    if (this.needsInputGrad(0)) grads[0] = unbroadcast(mul(gy, inside), x.shape);
    if (lo !== null && this.loIndex !== null && this.needsInputGrad(this.loIndex)) {
      // lo is the result where x < lo, unless hi is lower still.
      const picked = hi === null ? nd.less(x, lo) : nd.mul(nd.less(x, lo), nd.lessEqual(lo, hi));
      grads[this.loIndex] = unbroadcast(mul(gy, picked), lo.shape);
    }
    if (hi !== null && this.hiIndex !== null && this.needsInputGrad(this.hiIndex)) {
      const picked = nd.greater(lo === null ? x : nd.maximum(x, lo), hi);
      grads[this.hiIndex] = unbroadcast(mul(gy, picked), hi.shape);
    }
    return grads;
  }

  private bound(arrays: readonly NDArray[], index: number | null): NDArray | null {
    return index === null ? null : (arrays[index] as NDArray);
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
