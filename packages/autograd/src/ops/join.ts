import type { NDArray, PadWidth } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import {
  Function,
  reshape,
  scatterAdd,
  slice,
  type Variable,
  type VariableLike,
} from "../internal";

class Concat extends Function {
  constructor(private readonly axis: number) {
    super();
  }

  forward(...xs: NDArray[]): NDArray {
    return nd.concat(xs, this.axis);
  }

  backward(gy: Variable): Variable[] {
    const axis = nd.normalizeAxis(this.axis, gy.ndim, "concat");
    const bounds: number[] = [];
    let end = 0;
    for (const x of this.inputs.slice(0, -1)) {
      end += x.shape[axis] as number;
      bounds.push(end);
    }
    return split(gy, bounds, axis);
  }
}

class Stack extends Function {
  constructor(private readonly axis: number) {
    super();
  }

  forward(...xs: NDArray[]): NDArray {
    return nd.stack(xs, this.axis);
  }

  backward(gy: Variable): Variable[] {
    const axis = nd.normalizeAxis(this.axis, gy.ndim, "stack");
    return split(gy, this.inputs.length, axis).map((g, i) =>
      reshape(g, (this.inputs[i] as Variable).shape),
    );
  }
}

class Split extends Function<NDArray[]> {
  constructor(
    private readonly indicesOrSections: number | readonly number[],
    private readonly axis: number,
  ) {
    super();
  }

  forward(x: NDArray): NDArray[] {
    return nd.split(x, this.indicesOrSections, this.axis);
  }

  backward(...gys: Variable[]): Variable {
    const x = this.inputs[0] as Variable;
    const axis = nd.normalizeAxis(this.axis, x.ndim, "split");
    const length = x.shape[axis] as number;
    // Part i is x[bounds[i]:bounds[i+1]] along the axis, with Python's slice rules, as in
    // ndarray's split. Usually the parts tile the axis and the gradient is their concatenation;
    // out-of-order points make parts overlap or vanish, and each is scattered back instead.
    const bounds =
      typeof this.indicesOrSections === "number"
        ? Array.from(
            { length: this.indicesOrSections + 1 },
            (_, i) => i * (length / (this.indicesOrSections as number)), // equal parts, as ndarray requires
          )
        : [0, ...this.indicesOrSections, length];
    const everyPosition = nd.arange(length, undefined, 1, "int32");
    const positions = gys.map((_, i) =>
      nd.slice(everyPosition, [[bounds[i] as number, bounds[i + 1] as number]]),
    );
    const tiled = nd.concat(positions);
    if (tiled.size === length && nd.arrayEqual(tiled, everyPosition)) return concat(gys, axis);
    let g = scatterAdd(
      nd.zeros(x.shape, x.dtype),
      positions[0] as NDArray,
      gys[0] as Variable,
      axis,
    );
    for (let i = 1; i < gys.length; i++) {
      g = scatterAdd(g, positions[i] as NDArray, gys[i] as Variable, axis);
    }
    return g;
  }
}

class Pad extends Function {
  constructor(
    private readonly padWidth: PadWidth,
    private readonly constantValue: number,
  ) {
    super();
  }

  forward(x: NDArray): NDArray {
    return nd.pad(x, this.padWidth, this.constantValue);
  }

  backward(gy: Variable): Variable {
    const x = this.inputs[0] as Variable;
    const { before } = nd.resolvePadWidth(this.padWidth, x.shape);
    return slice(
      gy,
      x.shape.map((d, i) => [before[i] as number, (before[i] as number) + d] as const),
    );
  }
}

/** The inputs joined along an existing `axis`; the gradient is split back. */
export function concat(xs: readonly VariableLike[], axis = 0): Variable {
  return new Concat(axis).apply(...xs);
}

/** The inputs (all of one shape) joined along a new `axis`. */
export function stack(xs: readonly VariableLike[], axis = 0): Variable {
  return new Stack(axis).apply(...xs);
}

/**
 * x cut along `axis` into `sections` equal parts, or at the given indices (NumPy's split); the
 * gradient of the parts is concatenated back (zeros for parts that were not used).
 */
export function split(
  x: VariableLike,
  indicesOrSections: number | readonly number[],
  axis = 0,
): Variable[] {
  return new Split(indicesOrSections, axis).apply(x);
}

/** x surrounded by `constantValue` (NumPy's constant pad); the gradient is the inner slice. */
export function pad(x: VariableLike, padWidth: PadWidth, constantValue = 0): Variable {
  return new Pad(padWidth, constantValue).apply(x);
}
