import { NDArray, type Random } from "@zerograd/ndarray";
import { checkCount } from "./check-count";
import { ArrayDataset } from "./dataset";
import { DataError } from "./errors";

/** Options of `sinCurve`. */
export interface SinCurveOptions {
  /** The training series (sin with noise) or the test series (cos, no noise); default true. */
  train?: boolean;
  /** Number of points on [0, 2π] (default 1000). */
  numPoints?: number;
  /** The generator of the training noise; required when `train`. */
  rng?: Random;
}

/**
 * The book's time series for RNNs: `numPoints` points evenly spaced on [0, 2π] (both ends
 * included), y = sin x + U(−0.05, 0.05) noise for training, y = cos x for testing. The
 * dataset pairs each value with the next one: x = y[:-1], target = y[1:], both float32
 * `[numPoints − 1, 1]`. Throws DataError when `train` is asked without an rng, and for
 * numPoints that is not an integer ≥ 2.
 */
export function sinCurve(options: SinCurveOptions = {}): ArrayDataset {
  const { train = true, numPoints = 1000, rng } = options;
  checkCount("sinCurve", "numPoints", numPoints, 2);
  if (train && rng === undefined) {
    throw new DataError(
      "sinCurve: the training series needs an rng for its noise (a seeded Random)",
    );
  }
  const noise = train
    ? (rng as Random).uniform(-0.05, 0.05, [numPoints], { dtype: "float64" }).toTypedArray()
    : null;
  const y = new Float64Array(numPoints);
  for (let i = 0; i < numPoints; i++) {
    const x = (2 * Math.PI * i) / (numPoints - 1);
    y[i] = noise === null ? Math.cos(x) : Math.sin(x) + (noise[i] as number);
  }
  const inputs = Float32Array.from(y.subarray(0, numPoints - 1));
  const targets = Float32Array.from(y.subarray(1));
  return new ArrayDataset(
    new NDArray(inputs, [numPoints - 1, 1]),
    new NDArray(targets, [numPoints - 1, 1]),
  );
}
