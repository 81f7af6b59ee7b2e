import type { Axis, NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import {
  broadcastTo,
  div,
  exp,
  Function,
  mul,
  reshape,
  sqrt,
  square,
  sub,
  type Variable,
  type VariableLike,
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
    const x = this.inputs[0] as Variable;
    return this.keepdims ? g : reshape(g, nd.reducedShape(x.shape, this.axes, true));
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
    const x = this.inputs[0] as Variable;
    let count = 1;
    for (const a of this.axes) count *= x.shape[a] as number;
    return div(this.spread(gy), count);
  }
}

/**
 * max/min send the gradient to the elements equal to the result; ties share it evenly
 * (PyTorch's amax/amin rule), so the shares sum to the output's gradient.
 */
abstract class Extreme extends Reduction {
  backward(gy: Variable): Variable {
    const x = this.inputs[0] as Variable;
    const y = (this.outputs[0] as Variable).data;
    const yKept = this.keepdims ? y : nd.reshape(y, nd.reducedShape(x.shape, this.axes, true));
    const hits = nd.astype(nd.equal(x.data, yKept), x.dtype);
    const share = nd.div(hits, nd.sum(hits, this.axes, true));
    return mul(this.spread(gy), share);
  }
}

class Max extends Extreme {
  protected reduce(x: NDArray): NDArray {
    return nd.max(x, this.axes, this.keepdims);
  }
}

class Min extends Extreme {
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
    const zeros = nd.equal(x.data, 0);
    if (!nd.sum(zeros).item()) return mul(this.spread(gy), div(this.spread(y), x)); // ∂y/∂xᵢ = y/xᵢ
    // With zeros, y/xᵢ is undefined: ∂y/∂xᵢ is the product of the others, which is nonzero
    // only at the zero of a slice that has exactly one. (Treated as a constant: the second
    // derivative is not tracked through this branch.)
    const others = nd.where(zeros, 1, x.data);
    const productOfNonzeros = nd.prod(others, this.axes, true);
    const zeroCount = nd.sum(zeros, this.axes, true);
    const partial = nd.where(
      nd.equal(zeroCount, 0),
      nd.div(productOfNonzeros, others),
      nd.where(nd.mul(zeros, nd.equal(zeroCount, 1)), productOfNonzeros, 0),
    );
    return mul(this.spread(gy), nd.astype(partial, x.dtype));
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

/** Population variance (ddof 0) over `axis` (as `sum`): the mean of squared deviations. */
export function variance(x: VariableLike, axis?: Axis, keepdims = false): Variable {
  const deviation = sub(x, mean(x, axis, true));
  return mean(square(deviation), axis, keepdims);
}

/** Population standard deviation over `axis` (as `sum`); its gradient is infinite where it is 0. */
export function std(x: VariableLike, axis?: Axis, keepdims = false): Variable {
  return sqrt(variance(x, axis, keepdims));
}

export { variance as var };
