import {
  type ArrayInput,
  type Axis,
  array,
  type DType,
  DTypeError,
  formatShape,
  isFloat,
  NDArray,
  type NestedArray,
  type PadWidth,
  type Shape,
  type SliceSpec,
  type SortOptions,
} from "@zerograd/ndarray";
import {
  abs,
  add,
  argsort,
  astype,
  type BackwardOptions,
  backward,
  broadcastTo,
  clip,
  cos,
  cumsum,
  div,
  exp,
  expandDims,
  type Function,
  flatten,
  type IndexKey,
  index,
  log,
  logsumexp,
  matmul,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  neg,
  pad,
  pow,
  prod,
  relu,
  reshape,
  sigmoid,
  sin,
  slice,
  sort,
  sqrt,
  square,
  squeeze,
  std,
  sub,
  sum,
  sumTo,
  take,
  tanh,
  topk,
  transpose,
  tril,
  triu,
  type VariableLike,
  variance,
} from "./internal";

/** Options of `new Variable(...)`. */
export interface VariableOptions {
  /** A label for graphs and printing. */
  name?: string | null;
  /** Whether backward computes a gradient for it; default: true for float dtypes. Int and bool Variables never require grad. */
  requiresGrad?: boolean;
}

/**
 * A node of the computational graph: an NDArray (`data`) plus what backward needs, DeZero's
 * `Variable`. It wraps the array (sharing its buffer) and does not extend it.
 *
 * Float Variables require grad by default; int and bool ones never do. A Variable made by an
 * op has a `creator` (the Function that made it) when the graph was recorded, and `generation`
 * orders it in backward. Its `grad` is itself a Variable, so gradients can be differentiated
 * again (`backward({ createGraph: true })`).
 */
export class Variable {
  /** The values. Optimizers write it in place under `noGrad`. */
  data: NDArray;
  /** The accumulated gradient, with `data`'s shape and dtype, or null before backward. */
  grad: Variable | null = null;
  /** The Function that made this Variable, or null for a leaf or an unrecorded result. */
  creator: Function<NDArray | NDArray[]> | null = null;
  /** Depth in the graph: one more than its creator's highest input generation; 0 for leaves. */
  generation = 0;
  /** A label for graphs and printing. */
  name: string | null;
  /** Whether backward computes a gradient for it. */
  requiresGrad: boolean;
  /** Whether backward keeps its gradient although it is not a leaf (see `retainGrad`). */
  retainsGrad = false;

  /**
   * Wraps `data`: an NDArray (shared, not copied), a number, nested arrays or a typed array
   * (converted with ndarray's `array`, so numbers give float32). Throws DTypeError when
   * `requiresGrad` is asked of an int or bool Variable.
   */
  constructor(data: NDArray | ArrayInput, options: VariableOptions = {}) {
    this.data = data instanceof NDArray ? data : array(data);
    this.name = options.name ?? null;
    const float = isFloat(this.data.dtype);
    if (options.requiresGrad === true && !float) {
      throw new DTypeError(
        `Variable: only float Variables can require grad, got ${this.data.dtype} ${formatShape(this.data.shape)}`,
      );
    }
    this.requiresGrad = options.requiresGrad ?? float;
  }

  get shape(): readonly number[] {
    return this.data.shape;
  }

  get ndim(): number {
    return this.data.ndim;
  }

  get size(): number {
    return this.data.size;
  }

  get dtype(): DType {
    return this.data.dtype;
  }

  /** The transpose (all axes reversed), as `transpose(this)`. */
  get T(): Variable {
    return transpose(this);
  }

  /** Whether this Variable was made by the user rather than by a recorded op. */
  get isLeaf(): boolean {
    return this.creator === null;
  }

  /**
   * Computes the gradient of this Variable with respect to every leaf that requires grad and
   * adds it to the leaf's `grad` (so calling twice accumulates). A non-scalar output is seeded
   * with ones (DeZero). `createGraph` records the backward pass itself, so `grad` can be
   * differentiated again; `retainGrad` keeps the gradients of intermediate Variables too.
   * Throws AutogradError when this Variable does not require grad, and ShapeError when a
   * Function returns a gradient of the wrong shape.
   */
  backward(options: BackwardOptions = {}): void {
    backward(this, options);
  }

  /** Forgets the gradient. */
  clearGrad(): void {
    this.grad = null;
  }

  /** Keeps this intermediate Variable's gradient in `grad` after backward (PyTorch's `retain_grad`). */
  retainGrad(): void {
    this.retainsGrad = true;
  }

  /** A new leaf sharing `data`, cut from the graph and not requiring grad. */
  detach(): Variable {
    return detached(this);
  }

  /** Cuts this Variable from its creator: it becomes a leaf of any graph built on it. */
  unchain(): void {
    this.creator = null;
  }

  /**
   * Cuts every Variable upstream of this one from its creator (DeZero's truncated
   * backpropagation), so the graph behind it can be collected. This Variable keeps its creator.
   */
  unchainBackward(): void {
    if (this.creator === null) return;
    const pending: Function<NDArray | NDArray[]>[] = [this.creator];
    const seen = new Set(pending);
    while (pending.length > 0) {
      const f = pending.pop() as Function<NDArray | NDArray[]>;
      for (const x of f.inputs) {
        if (x.creator !== null && !seen.has(x.creator)) {
          seen.add(x.creator);
          pending.push(x.creator);
        }
        x.unchain();
      }
    }
  }

  /** The single value of a one-element Variable. */
  item(): number {
    return this.data.item();
  }

  /** The values as nested JS arrays. */
  toArray(): NestedArray {
    return this.data.toArray();
  }

  /**
   * ndarray's text with `variable` for `array`, plus the creator of a recorded result and the
   * name: `variable([1., 2.], shape=[2], dtype=float32, creator=Add)`.
   */
  toString(): string {
    const text = this.data
      .toString()
      .replaceAll("\n", "\n   ")
      .replace(/^array\(/, "variable(");
    const creator = this.creator === null ? "" : `, creator=${this.creator.name}`;
    const name = this.name === null ? "" : `, name=${this.name}`;
    return `${text.slice(0, -1)}${creator}${name})`;
  }

  add(other: VariableLike): Variable {
    return add(this, other);
  }

  sub(other: VariableLike): Variable {
    return sub(this, other);
  }

  mul(other: VariableLike): Variable {
    return mul(this, other);
  }

  div(other: VariableLike): Variable {
    return div(this, other);
  }

  pow(exponent: VariableLike): Variable {
    return pow(this, exponent);
  }

  maximum(other: VariableLike): Variable {
    return maximum(this, other);
  }

  minimum(other: VariableLike): Variable {
    return minimum(this, other);
  }

  neg(): Variable {
    return neg(this);
  }

  abs(): Variable {
    return abs(this);
  }

  exp(): Variable {
    return exp(this);
  }

  log(): Variable {
    return log(this);
  }

  sqrt(): Variable {
    return sqrt(this);
  }

  square(): Variable {
    return square(this);
  }

  tanh(): Variable {
    return tanh(this);
  }

  sin(): Variable {
    return sin(this);
  }

  cos(): Variable {
    return cos(this);
  }

  sigmoid(): Variable {
    return sigmoid(this);
  }

  relu(): Variable {
    return relu(this);
  }

  clip(lo: VariableLike | null, hi: VariableLike | null): Variable {
    return clip(this, lo, hi);
  }

  matmul(other: VariableLike): Variable {
    return matmul(this, other);
  }

  sum(axis?: Axis, keepdims = false): Variable {
    return sum(this, axis, keepdims);
  }

  mean(axis?: Axis, keepdims = false): Variable {
    return mean(this, axis, keepdims);
  }

  max(axis?: Axis, keepdims = false): Variable {
    return max(this, axis, keepdims);
  }

  min(axis?: Axis, keepdims = false): Variable {
    return min(this, axis, keepdims);
  }

  prod(axis?: Axis, keepdims = false): Variable {
    return prod(this, axis, keepdims);
  }

  variance(axis?: Axis, keepdims = false): Variable {
    return variance(this, axis, keepdims);
  }

  var(axis?: Axis, keepdims = false): Variable {
    return variance(this, axis, keepdims);
  }

  std(axis?: Axis, keepdims = false): Variable {
    return std(this, axis, keepdims);
  }

  logsumexp(axis?: Axis, keepdims = false): Variable {
    return logsumexp(this, axis, keepdims);
  }

  reshape(shape: Shape): Variable {
    return reshape(this, shape);
  }

  transpose(axes?: readonly number[]): Variable {
    return transpose(this, axes);
  }

  broadcastTo(shape: Shape): Variable {
    return broadcastTo(this, shape);
  }

  sumTo(shape: Shape): Variable {
    return sumTo(this, shape);
  }

  squeeze(axis?: number | readonly number[]): Variable {
    return squeeze(this, axis);
  }

  expandDims(axis: number | readonly number[]): Variable {
    return expandDims(this, axis);
  }

  flatten(): Variable {
    return flatten(this);
  }

  pad(padWidth: PadWidth, constantValue = 0): Variable {
    return pad(this, padWidth, constantValue);
  }

  /** Method form of {@link index}: `x.index(0, null, "newaxis")` reads NumPy's `x[0, :, None]`. */
  index(...keys: IndexKey[]): Variable {
    return index(this, keys);
  }

  /** Method form of {@link cumsum}. */
  cumsum(axis?: number): Variable {
    return cumsum(this, axis);
  }

  /** Method form of {@link tril}. */
  tril(k = 0): Variable {
    return tril(this, k);
  }

  /** Method form of {@link triu}. */
  triu(k = 0): Variable {
    return triu(this, k);
  }

  /** Method form of {@link sort}. */
  sort(axis = -1, options: SortOptions = {}): Variable {
    return sort(this, axis, options);
  }

  /** Method form of {@link argsort} (no gradient). */
  argsort(axis = -1, options: SortOptions = {}): Variable {
    return argsort(this, axis, options);
  }

  /** Method form of {@link topk}: `[values, indices]`. */
  topk(k: number, axis = -1): [Variable, Variable] {
    return topk(this, k, axis);
  }

  slice(specs: readonly SliceSpec[]): Variable {
    return slice(this, specs);
  }

  take(indices: NDArray | readonly number[] | number, axis?: number): Variable {
    return take(this, indices, axis);
  }

  astype(dtype: DType): Variable {
    return astype(this, dtype);
  }
}

/**
 * `x` as a Variable: itself when it is one, else a constant (a leaf that does not require grad)
 * wrapping the NDArray, or the number as a float32 0-d array.
 */
export function asVariable(x: VariableLike): Variable {
  if (x instanceof Variable) return x;
  return new Variable(x instanceof NDArray ? x : array(x), { requiresGrad: false });
}

/**
 * `x`'s data as a new leaf that does not require grad. It lives outside the class because a
 * class that names itself in its body is renamed `_Variable` by the bundler (and
 * `constructor.name` would say so).
 */
function detached(x: Variable): Variable {
  return new Variable(x.data, { name: x.name, requiresGrad: false });
}

/**
 * A Variable that a model owns and an optimizer updates: what `Layer` discovers among its
 * fields. It always requires grad (so it must be float).
 */
export class Parameter extends Variable {
  constructor(data: NDArray | ArrayInput, options: { name?: string | null } = {}) {
    super(data, { name: options.name ?? null, requiresGrad: true });
  }
}
