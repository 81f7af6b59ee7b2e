/** Base class of every error thrown by `@zerograd/ndarray`. */
export class NDArrayError extends Error {
  override name = "NDArrayError";
}

/** Shapes that do not fit together: broadcasting, matmul, reshape, concat/stack, broadcastTo/sumTo, a bad transpose. */
export class ShapeError extends NDArrayError {
  override name = "ShapeError";
}

/** An axis or an index outside its range. */
export class IndexError extends NDArrayError {
  override name = "IndexError";
}

/** An unknown dtype, or a dtype the operation does not accept (float indices, bool subtraction). */
export class DTypeError extends NDArrayError {
  override name = "DTypeError";
}
