import {
  abs,
  add,
  asVariable,
  div,
  erf,
  exp,
  log1p,
  maximum,
  mul,
  neg,
  sigmoid,
  square,
  tanh,
  type Variable,
  type VariableLike,
  where,
} from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { NNError } from "../errors";

/** Options of `gelu`. */
export interface GeluOptions {
  /** `'none'` (default): x·Φ(x) with the exact normal CDF; `'tanh'`: PyTorch's tanh approximation. */
  approximate?: "none" | "tanh";
}

/**
 * The Gaussian error linear unit, PyTorch's `F.gelu`: x·Φ(x) = x·(1 + erf(x/√2))/2, or with
 * `approximate: 'tanh'` x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))/2. Throws NNError for another
 * `approximate`.
 */
export function gelu(x: VariableLike, options: GeluOptions = {}): Variable {
  const { approximate = "none" } = options;
  const v = asVariable(x);
  if (approximate === "tanh") {
    const inner = mul(add(v, mul(mul(v, square(v)), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(v, 0.5), add(tanh(inner), 1));
  }
  if (approximate !== "none") {
    throw new NNError(
      `gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`,
    );
  }
  return mul(mul(v, 0.5), add(erf(mul(v, Math.SQRT1_2)), 1));
}

/** x·sigmoid(x) (PyTorch's `F.silu`, also called swish). */
export function silu(x: VariableLike): Variable {
  const v = asVariable(x);
  return mul(v, sigmoid(v));
}

/** Options of `softplus`. */
export interface SoftplusOptions {
  /** Sharpness: log(1 + e^(β·x))/β (default 1). */
  beta?: number;
  /** Above β·x > threshold the result is x itself, as in PyTorch (default 20). */
  threshold?: number;
}

/**
 * log(1 + e^(β·x))/β, PyTorch's `F.softplus`, computed as (max(βx, 0) + log1p(e^(−|βx|)))/β
 * so it never overflows; x itself where βx > threshold. Throws NNError for a non-positive or
 * non-finite beta.
 */
export function softplus(x: VariableLike, options: SoftplusOptions = {}): Variable {
  const { beta = 1, threshold = 20 } = options;
  if (!(beta > 0 && Number.isFinite(beta))) {
    throw new NNError(`softplus: beta must be a positive finite number, got ${beta}`);
  }
  const v = asVariable(x);
  const scaled = mul(v, beta);
  const smooth = div(add(maximum(scaled, 0), log1p(exp(neg(abs(scaled))))), beta);
  return where(nd.greater(scaled.data, threshold), v, smooth);
}
