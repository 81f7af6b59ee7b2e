import {
  formatShape,
  IndexError,
  type NDArray,
  ShapeError,
  slice,
  squeeze,
  take,
} from "@zerograd/ndarray";

/**
 * A collection of samples with a length and random access, PyTorch's map-style `Dataset`.
 * A dataset may also offer `getBatch(indices)`, returning the samples at the given int32
 * indices already stacked; `DataLoader` then uses it instead of stacking samples one by one.
 */
export interface Dataset<T> {
  /** The number of samples. */
  readonly length: number;
  /** Sample `i`, for 0 ≤ i < length. */
  get(i: number): T;
  /** Optional fast path: the samples at `indices` (int32, 1-D), stacked along a new axis 0. */
  getBatch?(indices: NDArray): Batch<T>;
}

/**
 * What a DataLoader yields for samples of type T: an NDArray sample becomes one NDArray with a
 * new leading batch axis, a number becomes a 1-D NDArray, and a tuple or array of those
 * becomes a tuple of batches, position by position.
 */
export type Batch<T> = T extends NDArray
  ? NDArray
  : T extends number
    ? NDArray
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Batch<T[K]> }
      : never;

/**
 * Inputs and targets held as two arrays whose first axis indexes the samples (x[i], y[i]).
 * `get(i)` returns views of row i; batches are gathered with one `take` per array.
 */
export class ArrayDataset implements Dataset<[NDArray, NDArray]> {
  /**
   * Throws ShapeError if x or y is 0-d, or if they hold different numbers of samples.
   */
  constructor(
    readonly x: NDArray,
    readonly y: NDArray,
  ) {
    if (x.ndim === 0 || y.ndim === 0) {
      throw new ShapeError(
        `ArrayDataset: x and y need a sample axis, got x ${formatShape(x.shape)} and y ${formatShape(y.shape)}`,
      );
    }
    if (x.shape[0] !== y.shape[0]) {
      throw new ShapeError(
        `ArrayDataset: x has ${x.shape[0]} samples but y has ${y.shape[0]} (x ${formatShape(x.shape)}, y ${formatShape(y.shape)})`,
      );
    }
  }

  get length(): number {
    return this.x.shape[0] as number;
  }

  /**
   * Sample i (negative counts from the end) as views `[x[i], y[i]]` that share the arrays'
   * memory; throws IndexError when i is not an integer in range.
   */
  get(i: number): [NDArray, NDArray] {
    const n = this.length;
    if (!Number.isInteger(i) || i < -n || i >= n) {
      throw new IndexError(`ArrayDataset.get: index ${i} is out of range for ${n} samples`);
    }
    const row = i < 0 ? i + n : i;
    return [
      squeeze(slice(this.x, [[row, row + 1]]), 0),
      squeeze(slice(this.y, [[row, row + 1]]), 0),
    ];
  }

  /** The samples at `indices` (int32, 1-D), gathered with one `take` per array (copies). */
  getBatch(indices: NDArray): [NDArray, NDArray] {
    return [take(this.x, indices, 0), take(this.y, indices, 0)];
  }
}
