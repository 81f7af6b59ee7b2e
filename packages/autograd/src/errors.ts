/** Base class of the errors autograd raises itself (array errors stay ndarray's own classes). */
export class AutogradError extends Error {
  override name = "AutogradError";
}

/**
 * Thrown by `gradCheck` when an analytical gradient disagrees with central differences. It names
 * the input, the worst element's index and both values.
 */
export class GradCheckError extends AutogradError {
  override name = "GradCheckError";

  constructor(
    message: string,
    /** Position of the failing input in `gradCheck`'s `inputs`. */
    readonly input: number,
    /** Multi-index of the element with the largest disagreement. */
    readonly index: readonly number[],
    /** The gradient backward computed there. */
    readonly analytical: number,
    /** The central-difference estimate there. */
    readonly numerical: number,
  ) {
    super(message);
  }
}
