import { IndexError, ShapeError } from "./errors";

/** The length of each axis, outermost first. */
export type Shape = readonly number[];

/** `[2,3]`: the form every error message uses. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(",")}]`;
}

/** The number of elements of an array of `shape` (1 for `[]`). */
export function shapeSize(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Whether two shapes are the same list of dimensions. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= shape[i] as number;
  }
  return strides;
}

/** Checks that every dimension is a non-negative integer and returns a fresh copy. */
export function checkShape(shape: unknown, op: string): number[] {
  if (!Array.isArray(shape)) {
    throw new ShapeError(`${op}: shape must be an array of integers, got ${String(shape)}`);
  }
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: invalid shape [${shape.join(",")}]: dimensions must be non-negative integers`,
      );
    }
  }
  return [...(shape as number[])];
}

/** Resolves a possibly negative axis against `ndim`. */
export function normalizeAxis(axis: number, ndim: number, op: string, shape?: Shape): number {
  if (!Number.isInteger(axis)) {
    throw new IndexError(`${op}: axis must be an integer, got ${String(axis)}`);
  }
  if (axis < -ndim || axis >= ndim) {
    const where = shape ? ` of shape ${formatShape(shape)}` : ` (ndim ${ndim})`;
    throw new IndexError(`${op}: axis ${axis} is out of bounds for an array${where}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/**
 * Resolves `axis` (a number, a list, or undefined for all axes; null is taken as undefined) to
 * sorted distinct axes. An axis out of range, repeated or not an integer is an IndexError.
 */
export function normalizeAxes(
  axis: number | readonly number[] | null | undefined,
  ndim: number,
  op: string,
  shape?: Shape,
): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : axis;
  if (!Array.isArray(list)) {
    throw new IndexError(
      `${op}: axis must be an integer or a list of integers, got ${JSON.stringify(axis)}`,
    );
  }
  const seen = new Set<number>();
  for (const a of list) {
    const resolved = normalizeAxis(a, ndim, op, shape);
    if (seen.has(resolved))
      throw new IndexError(`${op}: repeated axis ${a} in [${list.join(",")}]`);
    seen.add(resolved);
  }
  return [...seen].sort((x, y) => x - y);
}

/**
 * The shape a reduction over `axes` (already normalised) leaves: those axes dropped, or kept as
 * length 1 with `keepdims`. Autograd's reduction backward reshapes gradients with it.
 */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  return keepdims
    ? shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : shape.filter((_, i) => !axes.includes(i));
}
