/**
 * Base class of the errors `@zerograd/nn` throws for its own reasons (bad options, state
 * dicts that do not fit, corrupt safetensors bytes). Shape, index and dtype problems of the
 * arrays themselves raise ndarray's `ShapeError`, `IndexError` and `DTypeError`.
 */
export class NNError extends Error {
  override name = "NNError";
}

/**
 * A state dict that does not fit a layer: `loadStateDict` found missing keys, unexpected keys
 * or arrays of the wrong shape. The lists are also fields, for code that wants to react.
 */
export class StateDictError extends NNError {
  override name = "StateDictError";

  constructor(
    message: string,
    /** Keys the layer has and the dict lacks. */
    readonly missingKeys: readonly string[],
    /** Keys of the dict the layer does not have. */
    readonly unexpectedKeys: readonly string[],
    /** Keys whose array has another shape than the layer's. */
    readonly mismatchedKeys: readonly string[],
  ) {
    super(message);
  }
}

/** Bytes that are not a valid safetensors file, or a state dict that cannot be written as one. */
export class SafetensorsError extends NNError {
  override name = "SafetensorsError";
}
