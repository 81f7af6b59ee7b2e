import { array, DTypeError, NDArray, stack } from "@zerograd/ndarray";
import type { Batch, Dataset } from "./dataset";

/**
 * Stacks samples into a batch, position by position (PyTorch's default collate): NDArrays
 * along a new axis 0, numbers into a 1-D array (int32 when all are integers, else float32),
 * tuples element-wise. Throws DTypeError for anything else, ShapeError for unequal shapes.
 */
export function collate<T>(samples: readonly T[]): Batch<T> {
  const first = samples[0];
  if (first instanceof NDArray) return stack(samples as readonly NDArray[]) as Batch<T>;
  if (typeof first === "number") {
    const numbers = samples as readonly number[];
    return array(
      numbers as number[],
      numbers.every(Number.isInteger) ? "int32" : "float32",
    ) as Batch<T>;
  }
  if (Array.isArray(first)) {
    return first.map((_, k) =>
      collate(samples.map((s) => (s as readonly unknown[])[k])),
    ) as Batch<T>;
  }
  throw new DTypeError(
    `collate: cannot batch samples of type ${first === null ? "null" : typeof first} (expected NDArrays, numbers or tuples of them)`,
  );
}

/**
 * The samples of `dataset` at `indices` (int32, 1-D) as one batch: through the dataset's
 * `getBatch` when it has one, else by collating the samples one by one.
 */
export function fetchBatch<T>(dataset: Dataset<T>, indices: NDArray): Batch<T> {
  if (dataset.getBatch) return dataset.getBatch(indices);
  return collate(Array.from(indices.toTypedArray(), (i) => dataset.get(i)));
}
