import type { Axis, NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import {
  broadcastTo,
  div,
  exp,
  Function,
  inversePermutation,
  mul,
  reshape,
  sub,
  transpose,
  type Variable,
  type VariableLike,
  where,
} from "../internal";

// Reductions take ndarray's positional (axis, keepdims). Backward reshapes the output's
// gradient to the keepdims shape and broadcasts it back over the reduced axes.

abstract class Reduction extends Function {
  /** The reduced axes, normalised against the input. */
  protected axes: number[] = [];

  constructor(
    protected readonly axis: Axis,
    protected readonly keepdims: boolean,
  ) {
    super();
  }

  forward(x: NDArray): NDArray {
    this.axes = nd.normalizeAxes(this.axis, x.ndim, this.name.toLowerCase(), x.shape);
    return this.reduce(x);
  }

  protected abstract reduce(x: NDArray): NDArray;

  /** `g` (shaped like the output) with the reduced axes restored as size 1. */
  protected kept(g: Variable): Variable {
    return this.keepdims ? g : reshape(g, this.keptShape);
  }

  /** The output's shape with the reduced axes kept as size 1. */
  protected get keptShape(): number[] {
    return nd.reducedShape((this.inputs[0] as Variable).shape, this.axes, true);
  }

  /** How many input elements each output element reduces. */
  protected get count(): number {
    const x = this.inputs[0] as Variable;
    let count = 1;
    for (const a of this.axes) count *= x.shape[a] as number;
    return count;
  }

  /** x − mean(x) over the reduced axes, as recorded Variable ops. */
  protected deviation(): Variable {
    const x = this.inputs[0] as Variable;
    return sub(x, mean(x, this.axes, true));
  }

  /** `g` (shaped like the output) spread over the input's shape. */
  protected spread(g: Variable): Variable {
    return broadcastTo(this.kept(g), (this.inputs[0] as Variable).shape);
  }
}

class Sum extends Reduction {
  protected reduce(x: NDArray): NDArray {
    return nd.sum(x, this.axes, this.keepdims);
  }

  backward(gy: Variable): Variable {
    return this.spread(gy);
  }
}

class Mean extends Reduction {
  protected reduce(x: NDArray): NDArray {
    return nd.mean(x, this.axes, this.keepdims);
  }

  backward(gy: Variable): Variable {
    // Divided before it is spread: one division per output element, not per input element.
    return this.spread(div(gy, this.count));
  }
}

class Variance extends Reduction {
  protected reduce(x: NDArray): NDArray {
    return nd.variance(x, this.axes, this.keepdims);
  }

  backward(gy: Variable): Variable {
    return mul(this.spread(gy), mul(this.deviation(), 2 / this.count)); // 2(xᵢ − x̄)/n
  }
}

class Std extends Reduction {
  protected reduce(x: NDArray): NDArray {
    return nd.std(x, this.axes, this.keepdims);
  }

  backward(gy: Variable): Variable {
    // ∂σ/∂xᵢ = (xᵢ − x̄)/(n·σ). Where σ = 0 every deviation is 0 and PyTorch's gradient is 0;
    // σ is replaced by 1 there first, so no 0/0 (NaN) enters this or a higher derivative.
    const sigma = this.kept(this.outputs[0] as Variable);
    const zeroStd = nd.equal(sigma.data, 0);
    const partial = div(this.deviation(), mul(where(zeroStd, 1, sigma), this.count));
    return mul(this.spread(gy), where(zeroStd, 0, partial));
  }
}

/**
 * max/min send the gradient to the elements equal to the result; ties share it evenly
 * (PyTorch's amax/amin rule), so the shares sum to the output's gradient.
 */
abstract class ExtremeReduction extends Reduction {
  backward(gy: Variable): Variable {
    const x = this.inputs[0] as Variable;
    const y = (this.outputs[0] as Variable).data;
    const yKept = this.keepdims ? y : nd.reshape(y, this.keptShape); // data only: nothing to record
    const hits = nd.astype(nd.equal(x.data, yKept), x.dtype);
    const share = nd.div(hits, nd.sum(hits, this.axes, true));
    return mul(this.spread(gy), share);
  }
}

class Max extends ExtremeReduction {
  protected reduce(x: NDArray): NDArray {
    return nd.max(x, this.axes, this.keepdims);
  }
}

class Min extends ExtremeReduction {
  protected reduce(x: NDArray): NDArray {
    return nd.min(x, this.axes, this.keepdims);
  }
}

class Prod extends Reduction {
  protected reduce(x: NDArray): NDArray {
    return nd.prod(x, this.axes, this.keepdims);
  }

  backward(gy: Variable): Variable {
    const x = this.inputs[0] as Variable;
    const y = this.outputs[0] as Variable;
    if (!nd.sum(nd.equal(x.data, 0)).item()) {
      return mul(this.spread(gy), div(this.spread(y), x)); // ∂y/∂xᵢ = y/xᵢ
    }
    return mul(this.spread(gy), this.productsOfOthers(x));
  }

  /**
   * ∂y/∂xᵢ where y/xᵢ is undefined (x has zeros): the product of the other elements of xᵢ's
   * slice. Each slice of n elements is repeated n times with element i replaced by 1 and
   * multiplied out, all with Variable ops, so second derivatives stay exact. It costs n² per
   * slice, which is why the zero-free case divides instead.
   */
  private productsOfOthers(x: Variable): Variable {
    const kept = x.shape.map((_, i) => i).filter((i) => !this.axes.includes(i));
    const order = [...kept, ...this.axes];
    const keptShape = kept.map((i) => x.shape[i] as number);
    const reducedShape = this.axes.map((i) => x.shape[i] as number);
    const rows = nd.shapeSize(keptShape);
    const n = nd.shapeSize(reducedShape);
    const slices = reshape(transpose(x, order), [rows, 1, n]);
    const own = nd.equal(nd.eye(n), 1); // row i marks element i
    const others = prod(where(own, 1, broadcastTo(slices, [rows, n, n])), -1); // [rows, n]
    return transpose(reshape(others, [...keptShape, ...reducedShape]), inversePermutation(order));
  }
}

class LogSumExp extends Reduction {
  protected reduce(x: NDArray): NDArray {
    return nd.logsumexp(x, this.axes, this.keepdims);
  }

  backward(gy: Variable): Variable {
    const x = this.inputs[0] as Variable;
    const y = this.outputs[0] as Variable;
    return mul(this.spread(gy), exp(sub(x, this.kept(y)))); // the softmax of x
  }
}

/**
 * Sum over `axis` (a number, a list, or undefined for all axes; negatives count from the
 * end), keeping reduced axes as size 1 when `keepdims`. Throws IndexError for a bad axis.
 */
export function sum(x: VariableLike, axis?: Axis, keepdims = false): Variable {
  return new Sum(axis, keepdims).apply(x);
}

/** Mean over `axis` (as `sum`). */
export function mean(x: VariableLike, axis?: Axis, keepdims = false): Variable {
  return new Mean(axis, keepdims).apply(x);
}

/** Maximum over `axis` (as `sum`); the gradient goes to the maxima, shared evenly on ties. */
export function max(x: VariableLike, axis?: Axis, keepdims = false): Variable {
  return new Max(axis, keepdims).apply(x);
}

/** Minimum over `axis` (as `sum`); the gradient goes to the minima, shared evenly on ties. */
export function min(x: VariableLike, axis?: Axis, keepdims = false): Variable {
  return new Min(axis, keepdims).apply(x);
}

/** Product over `axis` (as `sum`); the gradient is exact also where x has zeros. */
export function prod(x: VariableLike, axis?: Axis, keepdims = false): Variable {
  return new Prod(axis, keepdims).apply(x);
}

/** log Σ eˣ over `axis` (as `sum`), computed stably; its gradient is the softmax of x. */
export function logsumexp(x: VariableLike, axis?: Axis, keepdims = false): Variable {
  return new LogSumExp(axis, keepdims).apply(x);
}

/** Population variance (ddof 0) over `axis` (as `sum`); its gradient is 2(x − mean)/n. */
export function variance(x: VariableLike, axis?: Axis, keepdims = false): Variable {
  return new Variance(axis, keepdims).apply(x);
}

/**
 * Population standard deviation over `axis` (as `sum`); its gradient is (x − mean)/(n·std),
 * and 0 where std is 0 (PyTorch's value there).
 */
export function std(x: VariableLike, axis?: Axis, keepdims = false): Variable {
  return new Std(axis, keepdims).apply(x);
}

export { variance as var };
