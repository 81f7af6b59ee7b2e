/**
 * What `@zerograd/optim` throws for a bad option (a negative lr, betas outside [0, 1), nesterov
 * without momentum, ...), a malformed parameter list or state dict, or a parameter it cannot
 * update in place. The message names the class or function, the option and the value.
 */
export class OptimizerError extends Error {
  override name = "OptimizerError";
}
