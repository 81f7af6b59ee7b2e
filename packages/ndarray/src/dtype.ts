import { DTypeError } from "./errors";

/** The element types an NDArray can hold. `bool` is stored as 0/1 in a Uint8Array. */
export type DType = "float32" | "float64" | "int32" | "bool";

/** The typed array behind each dtype. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["bool", "int32", "float32", "float64"];

/** Promotion order: bool < int32 < float32 < float64. */
const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

function isDType(value: unknown): value is DType {
  return typeof value === "string" && Object.hasOwn(RANK, value);
}

export function checkDType(dtype: unknown, op: string): DType {
  if (!isDType(dtype)) {
    throw new DTypeError(
      `${op}: unknown dtype ${JSON.stringify(dtype)} (expected one of ${DTYPES.join(", ")})`,
    );
  }
  return dtype;
}

/** Whether `dtype` is float32 or float64 (the dtypes autograd differentiates). */
export function isFloat(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

/** Allocates a zero-filled typed array for `dtype`. */
export function allocate(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(length);
    case "float64":
      return new Float64Array(length);
    case "int32":
      return new Int32Array(length);
    case "bool":
      return new Uint8Array(length);
  }
}

/**
 * The dtype stored in `data` (strict: an NDArray's own buffer); a DTypeError for any other typed
 * array (an Int16Array, say, would otherwise pass for bool storage). `array()` instead converts
 * other typed arrays, see `inferredDType` in create.ts.
 */
export function storageDType(data: TypedArray): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint8Array) return "bool";
  const name = (data as { constructor?: { name?: string } })?.constructor?.name ?? typeof data;
  throw new DTypeError(
    `NDArray: storage must be a Float32Array, Float64Array, Int32Array or Uint8Array, got ${name} (use array() to convert)`,
  );
}

/** The smallest dtype that holds both (NumPy's promote_types on our four dtypes). */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The dtype of an array combined with a JS number. A number is a weak scalar: it never widens a
 * float dtype; an integral number keeps int32 (and lifts bool to int32); a fractional,
 * infinite or NaN number turns an integer or bool array into float32.
 */
export function promoteWithScalar(dtype: DType, value: number): DType {
  if (isFloat(dtype)) return dtype;
  return Number.isInteger(value) ? "int32" : "float32";
}

/** The float dtype an op computing in floating point returns for `dtype` (int/bool → float32). */
export function floatResult(dtype: DType): DType {
  return isFloat(dtype) ? dtype : "float32";
}

/**
 * Checks that a JS number can be stored in `dtype` without wrapping: int32 takes finite values
 * whose integer part lies in [-2^31, 2^31) (fractions truncate toward zero, as NumPy's cast).
 * A NumPy OverflowError becomes a DTypeError naming `op`.
 */
export function checkFits(value: number, dtype: DType, op: string): void {
  if (dtype !== "int32") return;
  const whole = Math.trunc(value);
  if (!(whole >= -2147483648 && whole <= 2147483647)) {
    throw new DTypeError(`${op}: ${value} does not fit in int32`);
  }
}
