import { asVariable, mul, type Variable, type VariableLike } from "@zerograd/autograd";
import type { Random } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { NNError } from "../errors";
import { freshRandom } from "../random";

/** Options of `dropout`. */
export interface DropoutOptions {
  /** Whether to drop (default true); when false, dropout is the identity. */
  training?: boolean;
  /** Where the mask comes from (default: a fresh generator, see `freshRandom`). */
  rng?: Random;
}

/**
 * Inverted dropout (PyTorch's `F.dropout`): in training, each element is zeroed with
 * probability `p` (default 0.5) and the kept ones are scaled by 1/(1 − p), so the expected
 * value is unchanged and evaluation needs no rescaling. With `training: false` or p = 0 it
 * returns x unchanged (a Variable as it is; an NDArray or number wrapped as a constant
 * Variable). Throws NNError when p is outside [0, 1].
 */
export function dropout(x: VariableLike, p = 0.5, options: DropoutOptions = {}): Variable {
  if (!(p >= 0 && p <= 1)) {
    throw new NNError(`dropout: the probability p must be in [0, 1], got ${p}`);
  }
  const v = asVariable(x);
  if (!(options.training ?? true) || p === 0) return v;
  const dtype = v.dtype === "float64" ? "float64" : "float32";
  if (p === 1) return mul(v, nd.zeros(v.shape, dtype));
  const rng = options.rng ?? freshRandom();
  const keep = nd.greaterEqual(rng.uniform(0, 1, v.shape, { dtype }), p);
  return mul(v, nd.mul(nd.astype(keep, dtype), 1 / (1 - p)));
}
