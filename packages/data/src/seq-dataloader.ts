import { array } from "@zerograd/ndarray";
import { checkCount } from "./check-count";
import { fetchBatch } from "./collate";
import type { Batch, Dataset } from "./dataset";
import { DataError } from "./errors";

/**
 * Batches of a time series laid out for truncated backpropagation through time, as in the
 * book's DeZero: the series is read as `batchSize` streams starting `jump = ⌊length /
 * batchSize⌋` samples apart, and batch t holds sample t of every stream (indices
 * `(i·jump + t) mod length`). Consecutive batches therefore continue each stream, so an RNN's
 * hidden state can be carried from one batch to the next. There is no shuffling; `length` is
 * `⌈length / batchSize⌉` batches, so the last `length mod batchSize` steps of each stream run
 * into the start of the next one (and the last stream wraps around), exactly as in the book.
 */
export class SeqDataLoader<T> implements Iterable<Batch<T>> {
  readonly batchSize: number;

  /** Throws DataError when batchSize is not an integer in [1, dataset.length]. */
  constructor(
    readonly dataset: Dataset<T>,
    options: { batchSize: number },
  ) {
    checkCount("SeqDataLoader", "batchSize", options.batchSize, 1);
    if (options.batchSize > dataset.length) {
      throw new DataError(
        `SeqDataLoader: batchSize ${options.batchSize} exceeds the ${dataset.length} samples of the series`,
      );
    }
    this.batchSize = options.batchSize;
  }

  /** Batches per epoch: ⌈length / batchSize⌉, as in the book. */
  get length(): number {
    return Math.ceil(this.dataset.length / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<Batch<T>> {
    const n = this.dataset.length;
    const jump = Math.floor(n / this.batchSize);
    for (let t = 0; t < this.length; t++) {
      const positions = Array.from({ length: this.batchSize }, (_, i) => (i * jump + t) % n);
      yield fetchBatch(this.dataset, array(positions, "int32"));
    }
  }
}
