import type { DType, NDArray, Shape } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { Function, type Variable, type VariableLike } from "../internal";

// Shape ops move no values (most are views), so each backward is the inverse move.

/** Ops whose backward is a reshape back to the input's shape. */
abstract class Reshaping extends Function {
  backward(gy: Variable): Variable {
    return reshape(gy, (this.inputs[0] as Variable).shape);
  }
}

class Reshape extends Reshaping {
  constructor(private readonly shape: Shape) {
    super();
  }

  forward(x: NDArray): NDArray {
    return nd.reshape(x, this.shape);
  }
}

class Squeeze extends Reshaping {
  constructor(private readonly axis: number | readonly number[] | undefined) {
    super();
  }

  forward(x: NDArray): NDArray {
    return nd.squeeze(x, this.axis);
  }
}

class ExpandDims extends Reshaping {
  constructor(private readonly axis: number | readonly number[]) {
    super();
  }

  forward(x: NDArray): NDArray {
    return nd.expandDims(x, this.axis);
  }
}

class Flatten extends Reshaping {
  forward(x: NDArray): NDArray {
    return nd.flatten(x);
  }
}

class Transpose extends Function {
  constructor(private readonly axes: readonly number[] | undefined) {
    super();
  }

  forward(x: NDArray): NDArray {
    return nd.transpose(x, this.axes);
  }

  backward(gy: Variable): Variable {
    return this.axes === undefined ? transpose(gy) : transpose(gy, inversePermutation(this.axes));
  }
}

class BroadcastTo extends Function {
  constructor(private readonly shape: Shape) {
    super();
  }

  forward(x: NDArray): NDArray {
    return nd.broadcastTo(x, this.shape);
  }

  backward(gy: Variable): Variable {
    return sumTo(gy, (this.inputs[0] as Variable).shape);
  }
}

class SumTo extends Function {
  constructor(private readonly shape: Shape) {
    super();
  }

  forward(x: NDArray): NDArray {
    return nd.sumTo(x, this.shape);
  }

  backward(gy: Variable): Variable {
    return broadcastTo(gy, (this.inputs[0] as Variable).shape);
  }
}

class AsType extends Function {
  constructor(private readonly dtype: DType) {
    super();
  }

  forward(x: NDArray): NDArray {
    return nd.astype(x, this.dtype);
  }

  backward(gy: Variable): Variable {
    return astype(gy, (this.inputs[0] as Variable).dtype);
  }
}

class Copy extends Function {
  forward(x: NDArray): NDArray {
    return nd.copy(x);
  }

  backward(gy: Variable): Variable {
    return gy;
  }
}

/** A contiguous copy of x in a buffer of its own; the gradient passes through unchanged. */
export function copy(x: VariableLike): Variable {
  return new Copy().apply(x);
}

/** The axes that undo `transpose(x, axes)` (negative axes count from the end). */
export function inversePermutation(axes: readonly number[]): number[] {
  const inverse = new Array<number>(axes.length);
  axes.forEach((axis, i) => {
    inverse[(axis + axes.length) % axes.length] = i;
  });
  return inverse;
}

/** x with a new shape of the same size (one entry may be -1); a view when x is contiguous. */
export function reshape(x: VariableLike, shape: Shape): Variable {
  return new Reshape(shape).apply(x);
}

/** x with its axes permuted (reversed without `axes`); a view. */
export function transpose(x: VariableLike, axes?: readonly number[]): Variable {
  return new Transpose(axes).apply(x);
}

/** x broadcast to `shape` (a view); the gradient is summed back with `sumTo`. */
export function broadcastTo(x: VariableLike, shape: Shape): Variable {
  return new BroadcastTo(shape).apply(x);
}

/** x summed down to `shape`, the adjoint of `broadcastTo`; the gradient is broadcast back. */
export function sumTo(x: VariableLike, shape: Shape): Variable {
  return new SumTo(shape).apply(x);
}

/** x without the size-1 axes `axis` (all of them when undefined); a view. */
export function squeeze(x: VariableLike, axis?: number | readonly number[]): Variable {
  return new Squeeze(axis).apply(x);
}

/** x with new size-1 axes at `axis`; a view. */
export function expandDims(x: VariableLike, axis: number | readonly number[]): Variable {
  return new ExpandDims(axis).apply(x);
}

/** x as 1-D. */
export function flatten(x: VariableLike): Variable {
  return new Flatten().apply(x);
}

/** x converted to `dtype`; the gradient is converted back to x's dtype. */
export function astype(x: VariableLike, dtype: DType): Variable {
  return new AsType(dtype).apply(x);
}
