import {
  type Axis,
  copy,
  logsumexp,
  max,
  mean,
  min,
  type NDArray,
  prod,
  std,
  sum,
  variance,
} from "../src/index";

/** A reduction as the tests call it. */
export type Reduction = (x: NDArray, axis?: Axis, keepdims?: boolean) => NDArray;

/** Every axis reduction with a float result, by name (what FOLDS has a reference for). */
export const REDUCTIONS: Record<string, Reduction> = {
  sum,
  prod,
  max,
  min,
  mean,
  variance,
  std,
  logsumexp,
};

// Naive reference implementations the core tests compare with: written for clarity, one
// element at a time, sharing no code with the library beyond reading an array's values.

/** Row-major flat values of any view. */
export function flatValues(x: NDArray): number[] {
  return Array.from(copy(x).data);
}

/** The multi-index of flat position `flat` in `shape` (row-major). */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] as number;
    index[d] = flat % n;
    flat = Math.floor(flat / n);
  }
  return index;
}

/** The flat position of `index` in `shape` (row-major). */
export function ravel(index: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * (shape[d] as number) + (index[d] as number);
  return flat;
}

/** NumPy's broadcast of several shapes, or null when they are incompatible. */
export function referenceBroadcast(shapes: readonly (readonly number[])[]): number[] | null {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < ndim; i++) {
    const dims = shapes.map((s) => s[s.length - ndim + i] ?? 1);
    const big = dims.filter((d) => d !== 1);
    if (new Set(big).size > 1) return null;
    out.push(big[0] ?? 1);
  }
  return out;
}

/**
 * Groups the elements of `x` by their index on the kept axes and folds each group (its
 * values in row-major order) with `fold`. `axes` are non-negative and distinct.
 */
export function naiveReduce(
  x: NDArray,
  axes: readonly number[],
  keepdims: boolean,
  fold: (values: number[]) => number,
): { shape: number[]; values: number[] } {
  const values = flatValues(x);
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: kept.reduce((p, d) => p * d, 1) }, () => []);
  values.forEach((v, flat) => {
    const index = unravel(flat, x.shape).map((k, i) => (axes.includes(i) ? 0 : k));
    (groups[ravel(index, kept)] as number[]).push(v);
  });
  const shape = keepdims ? kept : x.shape.filter((_, i) => !axes.includes(i));
  return { shape, values: groups.map(fold) };
}

const sumOf = (v: number[]) => v.reduce((s, u) => s + u, 0);
const meanOf = (v: number[]) => sumOf(v) / v.length;
const varianceOf = (v: number[]) => {
  const m = meanOf(v);
  return meanOf(v.map((u) => (u - m) ** 2));
};
const maxOf = (v: number[]) => (v.some(Number.isNaN) ? Number.NaN : Math.max(...v));
const minOf = (v: number[]) => (v.some(Number.isNaN) ? Number.NaN : Math.min(...v));

/** The reductions, as folds over the values of one group. */
export const FOLDS: Record<string, (values: number[]) => number> = {
  sum: sumOf,
  prod: (v) => v.reduce((p, u) => p * u, 1),
  max: maxOf,
  min: minOf,
  mean: meanOf,
  variance: varianceOf,
  std: (v) => Math.sqrt(varianceOf(v)),
  logsumexp: (v) => {
    const m = maxOf(v);
    const shift = Number.isFinite(m) ? m : 0;
    return Math.log(sumOf(v.map((u) => Math.exp(u - shift)))) + shift;
  },
};

/** Python's `range(length)[start:stop:step]` as a list of indices. */
export function pythonSlice(
  length: number,
  start: number | null,
  stop: number | null,
  step: number | null,
): number[] {
  const s = step ?? 1;
  const resolve = (v: number, lo: number, hi: number) => {
    const i = v < 0 ? v + length : v;
    return Math.min(Math.max(i, lo), hi);
  };
  const out: number[] = [];
  if (s > 0) {
    const from = start === null ? 0 : resolve(start, 0, length);
    const to = stop === null ? length : resolve(stop, 0, length);
    for (let i = from; i < to; i += s) out.push(i);
  } else {
    const from = start === null ? length - 1 : resolve(start, -1, length - 1);
    const to = stop === null ? -1 : resolve(stop, -1, length - 1);
    for (let i = from; i > to; i += s) out.push(i);
  }
  return out;
}

/** A small deterministic generator for test data (not the library's Random). */
export function lcg(seed: number): () => number {
  let state = (seed * 7919 + 17) % 2147483648;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}
