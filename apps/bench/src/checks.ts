import type { Output } from "./impl";
import type { Check } from "./section";

/** Corners, the middle and an even spread of about `count` flat indices below `size`. */
export function spotIndices(size: number, count: number): number[] {
  const picked = new Set<number>([0, size - 1, size >> 1]);
  const step = Math.max(1, Math.floor(size / count));
  // An odd offset keeps the spread from landing on the same column every time.
  for (let i = 7 % size; i < size && picked.size < count + 3; i += step + 1) picked.add(i);
  return [...picked];
}

/** Every index when `size` is at most `limit`, else an even spread of about `limit`. */
export function manyIndices(size: number, limit = 1_000_000): number[] {
  if (size <= limit) return Array.from({ length: size }, (_, i) => i);
  return spotIndices(size, limit);
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Compares `out` with `reference` at `indices`; entry i passes when
 * |out − reference| ≤ tolerance(i) (a tolerance of 0 demands an exact match).
 */
export function checkEntries(
  out: Output,
  shape: readonly number[],
  indices: readonly number[],
  reference: (i: number) => number,
  tolerance: (i: number) => number = () => 0,
): Check {
  if (!sameShape(out.shape, shape)) {
    return { ok: false, detail: `shape [${out.shape}], expected [${shape}]` };
  }
  let worst = 0;
  let worstAt = -1;
  for (const i of indices) {
    const err = Math.abs(out.at(i) - reference(i));
    const tol = tolerance(i);
    const ratio = err === 0 ? 0 : tol === 0 ? Number.POSITIVE_INFINITY : err / tol;
    // NaN never compares greater, so test it explicitly.
    if (ratio > worst || Number.isNaN(err)) {
      worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : ratio;
      worstAt = i;
    }
  }
  const ok = worst <= 1;
  if (!ok) {
    return {
      ok,
      detail: `entry ${worstAt}: got ${out.at(worstAt)}, expected ${reference(worstAt)} (±${tolerance(worstAt)})`,
    };
  }
  return {
    ok,
    detail:
      worst === 0
        ? `${indices.length} entries exact`
        : `${indices.length} entries, worst error ${(worst * 100).toFixed(1)}% of tolerance`,
  };
}
