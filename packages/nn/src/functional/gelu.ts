import {
  abs,
  add,
  asVariable,
  div,
  exp,
  Function,
  log,
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
import type { NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { NNError } from "../errors";

/**
 * erf(x) to float64 precision: for |x| < 3 the series 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3···(2n+1)),
 * whose terms are all positive (no cancellation); beyond, 1 − erfc(x) with erfc from its
 * continued fraction, evaluated from a fixed depth (at |x| ≥ 3 it has converged to the last
 * bit by 60 levels).
 */
export function erfScalar(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x);
  let result: number;
  if (a < 3) {
    let term = a;
    let total = a;
    for (let n = 1; n < 200 && term > total * 1e-17; n++) {
      term *= (2 * a * a) / (2 * n + 1);
      total += term;
    }
    result = (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * total;
  } else {
    // erfc(a) = e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))).
    let fraction = a;
    for (let k = 60; k >= 1; k--) fraction = a + k / 2 / fraction;
    result = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / fraction;
  }
  return x < 0 ? -result : result;
}

/** erf as a Function: d erf(x)/dx = 2/√π·e^(−x²), written with Variable ops. */
class Erf extends Function {
  forward(x: NDArray): NDArray {
    const source = nd.contiguous(x);
    const out = nd.zerosLike(source);
    const values = source.toTypedArray();
    const target = out.data;
    for (let i = 0; i < values.length; i++) target[i] = erfScalar(values[i] as number);
    return out;
  }

  backward(gy: Variable): Variable {
    const x = this.inputs[0] as Variable;
    return mul(gy, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI)));
  }
}

/** The error function, elementwise (float64 precision), differentiable. */
export function erf(x: VariableLike): Variable {
  return new Erf().apply(x);
}

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
 * log(1 + e^(β·x))/β, PyTorch's `F.softplus`, computed as (max(βx, 0) + log(1 + e^(−|βx|)))/β
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
  const smooth = div(add(maximum(scaled, 0), log(add(exp(neg(abs(scaled))), 1))), beta);
  return where(nd.greater(scaled.data, threshold), v, smooth);
}
