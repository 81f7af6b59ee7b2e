import { readFileSync } from "node:fs";
import { mul, noGrad, sum, type Variable } from "@zerograd/autograd";
import { array, NDArray, type NestedArray, Random } from "@zerograd/ndarray";
import type { Layer } from "../src/index";

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

/**
 * Checks the gradients a layer's backward leaves in its parameters against central
 * differences of sum(layer(x) · R) (R fixed random weights), element by element, with
 * gradCheck's tolerances. The parameters must be contiguous float64. Returns the worst
 * |analytical − numerical|; throws naming the parameter and element when out of tolerance.
 */
export function checkParameterGrads(
  layer: Layer,
  x: NDArray,
  options: { eps?: number; atol?: number; rtol?: number } = {},
): number {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  const probe = layer.call(x);
  const weights = new Random(0).uniform(0.5, 1.5, probe.shape, { dtype: "float64" });
  const total = () => noGrad(() => sum(mul(layer.call(x), weights)).item());
  layer.zeroGrad();
  sum(mul(layer.call(x), weights)).backward();
  let worst = 0;
  for (const [name, p] of layer.namedParameters()) {
    if (p.dtype !== "float64") throw new Error(`${name} is ${p.dtype}, not float64`);
    const buffer = p.data.data as Float64Array;
    const analytical = (p.grad as Variable).data.toTypedArray();
    for (let k = 0; k < p.size; k++) {
      const i = p.data.offset + k;
      const original = buffer[i] as number;
      buffer[i] = original + eps;
      const up = total();
      buffer[i] = original - eps;
      const down = total();
      buffer[i] = original;
      const numerical = (up - down) / (2 * eps);
      const error = Math.abs((analytical[k] as number) - numerical);
      if (!(error <= atol + rtol * Math.abs(numerical))) {
        throw new Error(
          `${name}[${k}]: backward gives ${analytical[k]}, central differences ${numerical}`,
        );
      }
      worst = Math.max(worst, error);
    }
  }
  return worst;
}
