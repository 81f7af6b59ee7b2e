import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { NDArray, Random, slice, take } from "@zerograd/ndarray";

/** Pixels per image: 28 × 28, row-major. */
export const IMAGE_SIZE = 28;
/** Values per image. */
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
/** Test samples of the split; the rest train. */
export const TEST_SIZE = 2000;

/** Images and labels, sample i in row i. */
export interface Digits {
  /** float32 [N, 784], pixel values in [0, 1] (0 is background). */
  images: NDArray;
  /** int32 [N], the digit 0–9. */
  labels: NDArray;
}

/** The train/test split of `splitMnist`. */
export interface MnistSplit {
  train: Digits;
  test: Digits;
}

let cached: Digits | null = null;

/**
 * The 10,000 handwritten digits of the `mnist` package (a sample of MNIST, MIT), in the
 * package's order (all 0s, then all 1s, ...). The package stores one JSON file per digit
 * holding a flat array of pixel values in [0, 1]; they are read straight into one
 * Float32Array. Read once per process.
 */
export function loadMnist(): Digits {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const folder = join(dirname(require.resolve("mnist/package.json")), "src", "digits");
  const perDigit = Array.from({ length: 10 }, (_, digit) => {
    const { data } = JSON.parse(readFileSync(join(folder, `${digit}.json`), "utf8")) as {
      data: number[];
    };
    if (data.length % PIXELS !== 0) {
      throw new Error(`mnist: ${digit}.json holds ${data.length} values, not whole 28×28 images`);
    }
    return data;
  });
  const count = perDigit.reduce((total, data) => total + data.length / PIXELS, 0);
  const pixels = new Float32Array(count * PIXELS);
  const labels = new Int32Array(count);
  let row = 0;
  perDigit.forEach((data, digit) => {
    pixels.set(data, row * PIXELS);
    labels.fill(digit, row, row + data.length / PIXELS);
    row += data.length / PIXELS;
  });
  cached = { images: new NDArray(pixels, [count, PIXELS]), labels: new NDArray(labels, [count]) };
  return cached;
}

/**
 * Splits `digits` by a shuffle drawn from `rng`: the last `TEST_SIZE` samples of the
 * permutation test, the others train. The same seed gives the same split, which is how
 * `predict` finds the test set a model was not trained on.
 */
export function splitMnist(digits: Digits, rng: Random): MnistSplit {
  const n = digits.labels.size;
  const order = rng.permutation(n);
  const pick = (start: number, stop: number): Digits => {
    const indices = slice(order, [[start, stop]]);
    return { images: take(digits.images, indices, 0), labels: take(digits.labels, indices, 0) };
  };
  return { train: pick(0, n - TEST_SIZE), test: pick(n - TEST_SIZE, n) };
}

/** The split that seed `seed` gives (the first draws of `new Random(seed)`). */
export function splitForSeed(seed: number): MnistSplit {
  return splitMnist(loadMnist(), new Random(seed));
}

/**
 * A copy of `images` ([N, 784]) with each digit moved by its own random offset of up to
 * `maxShift` pixels in each direction, drawn from `rng`; pixels moved in from outside are 0
 * (background). Small shifts are the cheapest augmentation there is: the label stays true, and
 * a model that has seen them generalises better from 8,000 digits.
 */
export function shiftDigits(images: NDArray, maxShift: number, rng: Random): NDArray {
  const n = images.shape[0] as number;
  if (maxShift === 0 || n === 0) return images;
  const source = images.toTypedArray();
  const shifted = new Float32Array(n * PIXELS);
  const offsets = rng.integers(-maxShift, maxShift + 1, [n, 2]).toTypedArray();
  for (let i = 0; i < n; i++) {
    const dy = offsets[2 * i] as number;
    const dx = offsets[2 * i + 1] as number;
    // Output pixel (r, c) reads source pixel (r − dy, c − dx): the digit moves by (dy, dx).
    const c0 = Math.max(0, dx);
    const c1 = Math.min(IMAGE_SIZE, IMAGE_SIZE + dx);
    for (let r = Math.max(0, dy); r < Math.min(IMAGE_SIZE, IMAGE_SIZE + dy); r++) {
      const from = i * PIXELS + (r - dy) * IMAGE_SIZE - dx;
      const to = i * PIXELS + r * IMAGE_SIZE;
      shifted.set(source.subarray(from + c0, from + c1), to + c0);
    }
  }
  return new NDArray(shifted, [n, PIXELS]);
}
