import { readFileSync } from "node:fs";
import type { Variable } from "@zerograd/autograd";
import { array, NDArray, type NestedArray } from "@zerograd/ndarray";

/** A float64 array of nested JS values (fixture values are float64). */
export function f64(values: number | NestedArray): NDArray {
  return array(values, { dtype: "float64" });
}

/** The largest |a − b| over all elements (shapes must match; NaN if any differs in NaN-ness). */
export function maxAbsError(actual: NDArray | Variable, expected: number | NestedArray): number {
  const a = actual instanceof NDArray ? actual : actual.data;
  const e = f64(expected);
  if (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape[i])) {
    throw new Error(`shape [${a.shape}] does not match the fixture's [${e.shape}]`);
  }
  const x = a.toTypedArray();
  const y = e.toTypedArray();
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs((x[i] as number) - (y[i] as number));
    if (Number.isNaN(d)) return Number.NaN;
    if (d > worst) worst = d;
  }
  return worst;
}

/** The JSON fixture next to the tests. */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as T;
}

/** Largest error seen per group, printed at the end of a suite for the record. */
export class ErrorLog {
  private readonly worst = new Map<string, number>();

  /** Records `error` under `group` and returns it. */
  note(group: string, error: number): number {
    this.worst.set(group, Math.max(this.worst.get(group) ?? 0, error));
    return error;
  }

  toString(): string {
    return [...this.worst]
      .map(([group, error]) => `${group}: ${error.toExponential(2)}`)
      .join("\n");
  }
}
