import { floatResult } from "../dtype";
import type { NDArray } from "../ndarray";
import { checkArray, mapArrays, type OutOption } from "./operands";

// Special functions. Scalar functions live at module level so the kernels find their compiled
// loops by identity (see unary.ts).

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_PI = 0.5641895835477563;

/**
 * erf(v) to about 1e-15 relative error in float64. For |v| < 2 the series
 * erf(a) = 2/√π · e^(−a²) · Σ 2ⁿ a^(2n+1) / (1·3·…·(2n+1)), whose terms are all positive (no
 * cancellation); for 2 ≤ |v| < 6, 1 − erfc(a) with erfc from its continued fraction
 * e^(−a²)/√π · 1/(a + ½/(a + 1/(a + (3/2)/(a + …)))), evaluated bottom up from 80 levels;
 * beyond 6, ±1 (erfc(6) ≈ 2e-17).
 */
const erfOf = (v: number): number => {
  if (Number.isNaN(v)) return v;
  const a = Math.abs(v);
  if (a >= 6) return v > 0 ? 1 : -1;
  let r: number;
  if (a >= 2) {
    let f = a;
    for (let n = 80; n >= 1; n--) f = a + n / 2 / f;
    r = 1 - (Math.exp(-a * a) * INV_SQRT_PI) / f;
  } else {
    const a2 = a * a;
    let term = a;
    let sum = a;
    for (let n = 1; n < 100; n++) {
      term *= (2 * a2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    r = TWO_OVER_SQRT_PI * Math.exp(-a2) * sum;
  }
  return v < 0 ? -r : v === 0 ? v : r;
};

const log1pOf = (v: number) => Math.log1p(v);

/** The error function erf x = 2/√π ∫₀ˣ e^(−t²) dt (≈1e-15 relative error); int32 and bool give float32. */
export function erf(x: NDArray, options?: OutOption): NDArray {
  checkArray(x, "erf");
  return mapArrays("erf", erfOf, floatResult(x.dtype), [x], options);
}

/** log(1 + x), accurate for tiny x (Math.log1p); int32 and bool give float32. */
export function log1p(x: NDArray, options?: OutOption): NDArray {
  checkArray(x, "log1p");
  return mapArrays("log1p", log1pOf, floatResult(x.dtype), [x], options);
}
