import {
  asVariable,
  div,
  exp,
  logsumexp,
  mul,
  relu as reluOp,
  sigmoid as sigmoidOp,
  sub,
  sum,
  type Variable,
  type VariableLike,
  where,
} from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";

/** max(x, 0) elementwise; the gradient is 1 where x > 0 and 0 elsewhere (0 at x = 0, as PyTorch). */
export function relu(x: VariableLike): Variable {
  return reluOp(x);
}

/**
 * x where x > 0, else `slope`·x (PyTorch's leaky_relu, default slope 0.01). The gradient at
 * x = 0 is `slope`, as in PyTorch.
 */
export function leakyRelu(x: VariableLike, slope = 0.01): Variable {
  const v = asVariable(x);
  return where(nd.greater(v.data, 0), v, mul(v, slope));
}

/** The logistic function 1 / (1 + e⁻ˣ), elementwise. */
export function sigmoid(x: VariableLike): Variable {
  return sigmoidOp(x);
}

/**
 * eˣ / Σ eˣ along `axis` (default the last), stable for large logits: the maximum along the
 * axis is subtracted first (a constant, which leaves the result and its gradient unchanged).
 * Throws IndexError for an axis out of range.
 */
export function softmax(x: VariableLike, axis = -1): Variable {
  const v = asVariable(x);
  nd.normalizeAxis(axis, v.ndim, "softmax", v.shape);
  const e = exp(sub(v, nd.max(v.data, axis, true)));
  return div(e, sum(e, axis, true));
}

/**
 * log softmax(x) along `axis` (default the last), computed as s − logsumexp(s) with
 * s = x − max(x) (PyTorch's way), which stays finite for logits of ±1000 where
 * log(softmax(x)) gives −inf, and loses no digits to large logits. Throws IndexError for an
 * axis out of range.
 */
export function logSoftmax(x: VariableLike, axis = -1): Variable {
  const v = asVariable(x);
  nd.normalizeAxis(axis, v.ndim, "logSoftmax", v.shape);
  const shifted = sub(v, nd.max(v.data, axis, true));
  return sub(shifted, logsumexp(shifted, axis, true));
}
