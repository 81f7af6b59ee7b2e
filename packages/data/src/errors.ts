/**
 * A bad option of a data-package function or class (a batchSize that is not a positive
 * integer, a missing rng, ...); shape and index problems stay ndarray's ShapeError and
 * IndexError.
 */
export class DataError extends Error {
  override name = "DataError";
}
