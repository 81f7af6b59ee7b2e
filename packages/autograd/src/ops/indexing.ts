import type { IndexKey as ArrayIndexKey, NDArray, SliceSpec } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { Function, reshape, Variable, type VariableLike } from "../internal";

/** What `take` and `scatterAdd` accept as indices (int32, negatives count from the end). */
export type Indices = NDArray | readonly number[] | number;

class Slice extends Function {
  constructor(private readonly specs: readonly SliceSpec[]) {
    super();
  }

  forward(x: NDArray): NDArray {
    return nd.slice(x, this.specs);
  }

  backward(gy: Variable): Variable {
    // A slice is a take along each sliced axis, so its adjoint is a scatterAdd per axis
    // (innermost first) of the positions the slice picked.
    const x = this.inputs[0] as Variable;
    let g = gy;
    for (let axis = this.specs.length - 1; axis >= 0; axis--) {
      const spec = this.specs[axis];
      if (spec === null || spec === undefined) continue;
      const length = x.shape[axis] as number;
      const positions = nd.slice(nd.arange(length, undefined, 1, "int32"), [spec]);
      const shape = g.shape.map((d, i) => (i === axis ? length : d));
      g = scatterAdd(nd.zeros(shape, g.dtype), positions, g, axis);
    }
    return g;
  }
}

/**
 * A key of {@link index}: ndarray's `IndexKey` (a number, `null`, `[start, stop, step]`,
 * `'...'`, `'newaxis'`, an int32 or bool NDArray), or an int32 or bool Variable standing for its
 * data (index arrays are never differentiated).
 */
export type IndexKey = ArrayIndexKey | Variable;

class Index extends Function {
  constructor(private readonly keys: readonly ArrayIndexKey[]) {
    super();
  }

  forward(x: NDArray): NDArray {
    return nd.index(x, this.keys);
  }

  backward(gy: Variable): Variable {
    // Indexing the flat positions of x with the same keys says where each output element came
    // from; the gradient adds gy there, so repeated indices accumulate.
    const x = this.inputs[0] as Variable;
    const positions = nd.index(
      nd.arange(x.size, undefined, 1, "int32").reshape(x.shape),
      this.keys,
    );
    return reshape(scatterAdd(nd.zeros([x.size], gy.dtype), positions, gy), x.shape);
  }
}

/**
 * NumPy indexing, `x[k0, k1, ...]` written `index(x, [k0, k1, ...])`: see ndarray's `index`
 * for the keys and NumPy's rules. Basic keys give a view of x's data. The gradient scatters
 * back into zeros of x's shape with accumulation (an element picked twice gets both
 * gradients).
 */
export function index(x: VariableLike, keys: readonly IndexKey[]): Variable {
  const unwrapped = Array.isArray(keys)
    ? keys.map((k) => (k instanceof Variable ? k.data : k))
    : (keys as readonly ArrayIndexKey[]);
  return new Index(unwrapped).apply(x);
}

class Take extends Function {
  constructor(
    private readonly indices: Indices,
    private readonly axis: number | undefined,
  ) {
    super();
  }

  forward(x: NDArray): NDArray {
    return nd.take(x, this.indices, this.axis);
  }

  backward(gy: Variable): Variable {
    const x = this.inputs[0] as Variable;
    return scatterAdd(nd.zeros(x.shape, gy.dtype), this.indices, gy, this.axis);
  }
}

class ScatterAdd extends Function {
  constructor(
    private readonly indices: Indices,
    private readonly axis: number | undefined,
  ) {
    super();
  }

  forward(target: NDArray, values: NDArray): NDArray {
    return nd.scatterAdd(target, this.indices, values, this.axis);
  }

  backward(gy: Variable): (Variable | null)[] {
    return [
      this.needsInputGrad(0) ? gy : null,
      this.needsInputGrad(1) ? take(gy, this.indices, this.axis) : null,
    ];
  }
}

/**
 * x sliced with one `[start, stop, step] | null` per leading axis (Python semantics, a view);
 * the gradient is scattered back into zeros of x's shape.
 */
export function slice(x: VariableLike, specs: readonly SliceSpec[]): Variable {
  return new Slice(specs).apply(x);
}

/**
 * The elements of x at `indices` along `axis` (of the flattened x without one), NumPy's take.
 * The gradient is scattered back with `scatterAdd`, so repeated indices accumulate.
 */
export function take(x: VariableLike, indices: Indices, axis?: number): Variable {
  return new Take(indices, axis).apply(x);
}

/**
 * `target` with `values` added at `indices` along `axis` (repeats accumulate), the adjoint of
 * `take`. The gradient of `target` is the output's; that of `values` is its `take`.
 */
export function scatterAdd(
  target: VariableLike,
  indices: Indices,
  values: VariableLike,
  axis?: number,
): Variable {
  return new ScatterAdd(indices, axis).apply(target, values);
}
