import { NDArray, type Random } from "@zerograd/ndarray";
import { checkCount } from "./check-count";
import { ArrayDataset } from "./dataset";
import { DataError } from "./errors";

/** Options of `spiral`. */
export interface SpiralOptions {
  /** Number of arms, one class each (default 3). */
  numClasses?: number;
  /** Points per arm (default 100). */
  pointsPerClass?: number;
  /** The generator for the angle noise and the final shuffle. */
  rng: Random;
}

/**
 * The book's spiral dataset: `numClasses` arms of `pointsPerClass` points each, in shuffled
 * order. Point i of arm j lies at radius r = i / pointsPerClass and angle
 * θ = 4j + 4r + 0.2·N(0, 1), at (r·sin θ, r·cos θ). x is float32 `[N, 2]`, y int32 `[N]`
 * class labels, N = numClasses · pointsPerClass. The same rng state gives the same data.
 * Throws DataError without an rng or for counts that are not positive integers.
 */
export function spiral(options: SpiralOptions): ArrayDataset {
  const { numClasses = 3, pointsPerClass = 100, rng } = options ?? {};
  if (rng === undefined) {
    throw new DataError("spiral: needs an rng for its noise and shuffle (a seeded Random)");
  }
  checkCount("spiral", "numClasses", numClasses, 1);
  checkCount("spiral", "pointsPerClass", pointsPerClass, 1);
  const n = numClasses * pointsPerClass;
  const noise = rng.normal(0, 1, [n], { dtype: "float64" }).toTypedArray();
  const order = rng.permutation(n).toTypedArray();
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  // Position k of the shuffled data holds point order[k] of the unshuffled one (NumPy's x[order]).
  for (let k = 0; k < n; k++) {
    const source = order[k] as number;
    const j = Math.floor(source / pointsPerClass);
    const rate = (source % pointsPerClass) / pointsPerClass;
    const theta = 4 * j + 4 * rate + 0.2 * (noise[source] as number);
    x[2 * k] = rate * Math.sin(theta);
    x[2 * k + 1] = rate * Math.cos(theta);
    y[k] = j;
  }
  return new ArrayDataset(new NDArray(x, [n, 2]), new NDArray(y, [n]));
}
