import { arange, type Random, slice } from "@zerograd/ndarray";
import { checkCount } from "./check-count";
import { fetchBatch } from "./collate";
import type { Batch, Dataset } from "./dataset";
import { DataError } from "./errors";

/** Options of `DataLoader`. */
export interface DataLoaderOptions {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Reshuffle the samples at the start of every epoch (default false); needs `rng`. */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** The generator that shuffles; the loader keeps drawing from it, epoch after epoch. */
  rng?: Random;
}

/**
 * Iterates over a dataset in batches, PyTorch's `DataLoader`. Each `for…of` is one epoch: with
 * `shuffle` it draws a new permutation from `rng`, so a seeded generator gives the same
 * sequence of epochs every run. Samples are stacked with a new leading batch axis (the
 * dataset's `getBatch` is used when it has one). `length` is the number of batches per epoch.
 */
export class DataLoader<T> implements Iterable<Batch<T>> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly rng: Random | undefined;

  /**
   * Throws DataError for a batchSize that is not a positive integer, and when `shuffle`
   * is asked without an `rng` (there is no hidden global generator).
   */
  constructor(
    readonly dataset: Dataset<T>,
    options: DataLoaderOptions = {},
  ) {
    const { batchSize = 1, shuffle = false, dropLast = false, rng } = options;
    checkCount("DataLoader", "batchSize", batchSize, 1);
    if (shuffle && rng === undefined) {
      throw new DataError(
        "DataLoader: shuffle needs an rng (a seeded Random from @zerograd/ndarray)",
      );
    }
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.rng = rng;
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<Batch<T>> {
    const n = this.dataset.length;
    const order = this.shuffle
      ? (this.rng as Random).permutation(n)
      : arange(n, undefined, 1, "int32");
    for (let b = 0; b < this.length; b++) {
      const start = b * this.batchSize;
      const indices = slice(order, [[start, Math.min(start + this.batchSize, n)]]);
      yield fetchBatch(this.dataset, indices);
    }
  }
}
