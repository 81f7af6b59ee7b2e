import { array, DTypeError, NDArray, stack } from "@zerograd/ndarray";
import type { Batch } from "./dataset";

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
    `DataLoader: cannot batch samples of type ${first === null ? "null" : typeof first} (expected NDArrays, numbers or tuples of them)`,
  );
}
