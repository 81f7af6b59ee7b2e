import { allocate, checkDType, checkFits, type DType, type TypedArray } from "./dtype";
import { DTypeError, IndexError, ShapeError } from "./errors";
import { NDArray, type NestedArray } from "./ndarray";
import { astype } from "./ops/copy";
import { checkArray } from "./ops/operands";
import { reshape } from "./ops/shape";
import { checkShape, formatShape, type Shape, shapeSize } from "./shape";

/** The dtype of a new array, given either as a string or as `{ dtype }`. */
export type DTypeOption = DType | { dtype?: DType };

function dtypeFrom(option: DTypeOption | undefined, fallback: DType, op: string): DType {
  const dtype = typeof option === "string" ? option : option?.dtype;
  return dtype === undefined ? fallback : checkDType(dtype, op);
}

/** Input `array` accepts: a value, a typed array, an NDArray, or nested arrays of any of them. */
export type ArrayInput =
  | number
  | boolean
  | NDArray
  | TypedArray
  | ArrayLike<number>
  | readonly ArrayInput[];

function isTypedArray(x: unknown): x is ArrayBufferView & ArrayLike<number> {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/** A short text of a value for error messages (user input can be huge). */
function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** An NDArray or typed array met inside nested input, as nested JS arrays (NumPy accepts both). */
function asNested(v: unknown): unknown {
  if (v instanceof NDArray) return v.toArray();
  if (isTypedArray(v)) return Array.from(v);
  return v;
}

/** Infers the shape of nested arrays and flattens them, rejecting ragged or non-numeric input. */
function flattenNested(values: NestedArray): { flat: number[]; shape: number[]; allBool: boolean } {
  const shape: number[] = [];
  for (let v: unknown = values; Array.isArray(v); v = asNested(v[0])) shape.push(v.length);
  const flat: number[] = [];
  let allBool = true;
  // `path` is the index of the element being visited; it is copied only into error messages.
  const path: number[] = [];
  const where = () => `[${path.join(",")}]`;
  const visit = (item: unknown, depth: number): void => {
    const v = asNested(item);
    if (depth === shape.length) {
      if (typeof v === "number") allBool = false;
      else if (typeof v !== "boolean") {
        if (Array.isArray(v)) {
          throw new ShapeError(`array: ragged nested array: unexpected nesting at ${where()}`);
        }
        throw new DTypeError(`array: unsupported element ${preview(v)} at ${where()}`);
      }
      flat.push(Number(v));
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      const got = Array.isArray(v) ? `length ${v.length}` : "a scalar";
      throw new ShapeError(
        `array: ragged nested array: expected length ${shape[depth]} at ${where()}, got ${got}`,
      );
    }
    path.push(0);
    for (let i = 0; i < v.length; i++) {
      path[depth] = i;
      visit(v[i], depth + 1);
    }
    path.pop();
  };
  visit(values, 0);
  return { flat, shape, allBool: allBool && flat.length > 0 };
}

/** A JS array, or an array-like object (`{ length, 0: ..., 1: ... }`) read as a flat list. */
function isNestedOrArrayLike(x: unknown): x is NestedArray[] | ArrayLike<number> {
  if (Array.isArray(x)) return true;
  if (typeof x !== "object" || x === null) return false;
  const length = (x as { length?: unknown }).length;
  return typeof length === "number" && Number.isInteger(length) && length >= 0;
}

/** The dtype `array()` gives a typed array it copies (lenient, unlike `storageDType`). */
function inferredDType(x: ArrayBufferView): DType {
  if (x instanceof Float64Array) return "float64";
  if (x instanceof Float32Array) return "float32";
  if (x instanceof Int32Array || x instanceof Int16Array || x instanceof Int8Array) return "int32";
  if (x instanceof Uint8Array || x instanceof Uint8ClampedArray || x instanceof Uint16Array) {
    return "int32";
  }
  if (x instanceof BigInt64Array || x instanceof BigUint64Array) {
    throw new DTypeError(
      `array: cannot make an array from a ${x.constructor.name} (convert to numbers first)`,
    );
  }
  // Uint32 values above 2^31 and other float types (Float16Array) fit only a float type.
  return x.constructor.name === "Float16Array" ? "float32" : "float64";
}

/**
 * A new array (always a copy) from a number, a boolean, nested arrays, a typed array or an
 * NDArray. Without `dtype`, numbers give float32, booleans give bool, a typed array keeps its
 * type (8- to 32-bit signed and 8/16-bit unsigned integers become int32, a Uint32Array
 * float64, a Float16Array float32; BigInt arrays are a DTypeError). `shape` reshapes flat
 * input. Ragged nesting is a ShapeError, non-numeric elements a DTypeError.
 */
export function array(
  values: ArrayInput,
  options: DType | { dtype?: DType; shape?: Shape } = {},
): NDArray {
  if (typeof options === "string") options = { dtype: options };
  const requested = options.dtype === undefined ? undefined : checkDType(options.dtype, "array");
  let result: NDArray;
  if (values instanceof NDArray) {
    result = astype(values, requested ?? values.dtype);
  } else if (isTypedArray(values)) {
    const dtype = requested ?? inferredDType(values);
    const data = allocate(dtype, values.length);
    if (dtype === "bool") for (let i = 0; i < values.length; i++) data[i] = values[i] !== 0 ? 1 : 0;
    else data.set(values as ArrayLike<number>);
    result = new NDArray(data, [values.length]);
  } else if (
    typeof values === "number" ||
    typeof values === "boolean" ||
    isNestedOrArrayLike(values)
  ) {
    const nested =
      Array.isArray(values) || typeof values !== "object" ? values : Array.from(values);
    const { flat, shape, allBool } = flattenNested(nested as NestedArray);
    const dtype = requested ?? (allBool ? "bool" : "float32");
    const data = allocate(dtype, flat.length);
    if (dtype === "bool") for (let i = 0; i < flat.length; i++) data[i] = flat[i] !== 0 ? 1 : 0;
    else {
      if (dtype === "int32") for (const v of flat) checkFits(v, dtype, "array");
      data.set(flat);
    }
    result = new NDArray(data, shape);
  } else {
    throw new DTypeError(
      `array: cannot make an array from ${values === null ? "null" : typeof values}`,
    );
  }
  if (options.shape === undefined) return result;
  const shape = checkShape(options.shape, "array");
  if (shapeSize(shape) !== result.size) {
    throw new ShapeError(
      `array: ${result.size} values do not fill shape ${formatShape(shape)} (size ${shapeSize(shape)})`,
    );
  }
  return reshape(result, shape);
}

/** A new array of `shape` and `dtype` holding `value` everywhere; `op` names the caller in errors. */
function filled(op: string, shape: Shape, value: number | boolean, dtype: DType): NDArray {
  const dims = checkShape(shape, op);
  const data = allocate(dtype, shapeSize(dims));
  const v = dtype === "bool" ? (value ? 1 : 0) : Number(value);
  checkFits(v, dtype, op);
  if (v !== 0) data.fill(v);
  return new NDArray(data, dims);
}

function likeShape(x: NDArray, op: string): Shape {
  checkArray(x, op);
  return x.shape;
}

/**
 * An array of `shape` filled with `value` (default dtype: bool for a boolean, float32
 * otherwise). A shape that is not a list of non-negative integers is a ShapeError.
 */
export function full(shape: Shape, value: number | boolean, options?: DTypeOption): NDArray {
  const dtype = dtypeFrom(options, typeof value === "boolean" ? "bool" : "float32", "full");
  return filled("full", shape, value, dtype);
}

/** An array of zeros (float32 unless a dtype is given); a bad shape is a ShapeError. */
export function zeros(shape: Shape, options?: DTypeOption): NDArray {
  return filled("zeros", shape, 0, dtypeFrom(options, "float32", "zeros"));
}

/** An array of ones (float32 unless a dtype is given); a bad shape is a ShapeError. */
export function ones(shape: Shape, options?: DTypeOption): NDArray {
  return filled("ones", shape, 1, dtypeFrom(options, "float32", "ones"));
}

/** Zeros with the shape (and, unless given, the dtype) of `x`. */
export function zerosLike(x: NDArray, options?: DTypeOption): NDArray {
  const shape = likeShape(x, "zerosLike");
  return filled("zerosLike", shape, 0, dtypeFrom(options, x.dtype, "zerosLike"));
}

/** Ones with the shape (and, unless given, the dtype) of `x`. */
export function onesLike(x: NDArray, options?: DTypeOption): NDArray {
  const shape = likeShape(x, "onesLike");
  return filled("onesLike", shape, 1, dtypeFrom(options, x.dtype, "onesLike"));
}

/** `value` with the shape (and, unless given, the dtype) of `x`. */
export function fullLike(x: NDArray, value: number | boolean, options?: DTypeOption): NDArray {
  const shape = likeShape(x, "fullLike");
  return filled("fullLike", shape, value, dtypeFrom(options, x.dtype, "fullLike"));
}

/**
 * Evenly spaced values in [start, stop): `arange(stop)`, `arange(start, stop, step?)`. Integer
 * arguments give int32, otherwise float32 (NumPy's rule on our dtypes).
 */
export function arange(start: number, stop?: number, step = 1, options?: DTypeOption): NDArray {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  for (const v of [from, to, step]) {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new DTypeError(`arange: arguments must be finite numbers, got ${String(v)}`);
    }
  }
  if (step === 0) throw new ShapeError("arange: step cannot be zero");
  const integral = Number.isInteger(from) && Number.isInteger(to) && Number.isInteger(step);
  const dtype = dtypeFrom(options, integral ? "int32" : "float32", "arange");
  const length = Math.max(0, Math.ceil((to - from) / step));
  const data = allocate(dtype, length);
  if (length === 0) return new NDArray(data, [0]);
  if (dtype === "int32") {
    checkFits(from, dtype, "arange");
    checkFits(from + (length - 1) * step, dtype, "arange");
  }
  // NumPy's fill: the first two values are computed in float64 and stored, then every other
  // value is first + i·(second − first) in the dtype's own arithmetic (float32 rounds each step).
  const round = dtype === "float32" ? Math.fround : (v: number) => v;
  const first = round(from);
  const delta = round(round(from + step) - first);
  data[0] = first;
  if (length > 1) data[1] = from + step;
  for (let i = 2; i < length; i++) data[i] = round(first + round(i * delta));
  return new NDArray(data, [length]);
}

/** `num` evenly spaced values from start to stop (inclusive unless `endpoint` is false); float32 by default. */
export function linspace(
  start: number,
  stop: number,
  num = 50,
  options: DType | { endpoint?: boolean; dtype?: DType } = {},
): NDArray {
  if (!Number.isInteger(num) || num < 0)
    throw new ShapeError(`linspace: num must be a non-negative integer, got ${num}`);
  const endpoint = typeof options === "string" ? true : (options.endpoint ?? true);
  const dtype = dtypeFrom(options, "float32", "linspace");
  const data = allocate(dtype, num);
  const divisions = endpoint ? num - 1 : num;
  const step = divisions > 0 ? (stop - start) / divisions : 0;
  for (let i = 0; i < num; i++) data[i] = start + i * step;
  if (endpoint && num > 1) data[num - 1] = stop;
  return new NDArray(data, [num]);
}

/**
 * An [n, m] array (m defaults to n) with ones on diagonal `k` (0 = main, positive above) and
 * zeros elsewhere; float32 unless a dtype is given. A bad size is a ShapeError, a non-integer k
 * an IndexError.
 */
export function eye(
  n: number,
  m?: number,
  options: DType | { k?: number; dtype?: DType } = {},
): NDArray {
  const cols = m ?? n;
  const dims = checkShape([n, cols], "eye");
  const k = typeof options === "string" ? 0 : (options.k ?? 0);
  if (!Number.isInteger(k)) throw new IndexError(`eye: diagonal k must be an integer, got ${k}`);
  const dtype = dtypeFrom(options, "float32", "eye");
  const data = allocate(dtype, n * cols);
  for (let i = 0; i < n; i++) {
    const j = i + k;
    if (j >= 0 && j < cols) data[i * cols + j] = 1;
  }
  return new NDArray(data, dims);
}
