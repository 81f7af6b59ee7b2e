import {
  add,
  asVariable,
  matmul,
  mul,
  transpose,
  type Variable,
  type VariableLike,
  where,
} from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { formatShape, type NDArray, ShapeError } from "@zerograd/ndarray";
import { softmax } from "./activation";

/** Options of `scaledDotProductAttention`. */
export interface AttentionOptions {
  /**
   * A bool mask (true where a query may attend to a key) or a float mask added to the scores;
   * it broadcasts against [..., L, S].
   */
  attnMask?: NDArray | null;
  /** Let query i attend to keys 0..i only (default false); not together with `attnMask`. */
  isCausal?: boolean;
  /** Multiplies the scores (default 1/√E). */
  scale?: number;
}

/** The last two axes of `x` swapped. */
export function swapLastAxes(x: Variable): Variable {
  const axes = x.shape.map((_, i) => i);
  const n = axes.length;
  [axes[n - 2], axes[n - 1]] = [axes[n - 1] as number, axes[n - 2] as number];
  return transpose(x, axes);
}

/**
 * softmax(q·kᵀ·scale + mask)·v and the attention weights themselves: what
 * `scaledDotProductAttention` returns first, and what MultiheadAttention averages.
 */
export function attentionWithWeights(
  q: Variable,
  k: Variable,
  v: Variable,
  options: AttentionOptions,
  op: string,
): [Variable, Variable] {
  const shapes = `q ${formatShape(q.shape)}, k ${formatShape(k.shape)}, v ${formatShape(v.shape)}`;
  if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2) {
    throw new ShapeError(`${op}: q, k and v must have at least 2 axes [..., L, E] (${shapes})`);
  }
  const e = q.shape[q.ndim - 1] as number;
  const l = q.shape[q.ndim - 2] as number;
  const s = k.shape[k.ndim - 2] as number;
  if (k.shape[k.ndim - 1] !== e || v.shape[v.ndim - 2] !== s) {
    throw new ShapeError(
      `${op}: k must be [..., S, ${e}] and v [..., S, Ev] with the same S (${shapes})`,
    );
  }
  const { attnMask = null, isCausal = false, scale = 1 / Math.sqrt(e) } = options;
  if (isCausal && attnMask !== null) {
    throw new ShapeError(`${op}: give attnMask or isCausal, not both (${shapes})`);
  }
  let scores = mul(matmul(q, swapLastAxes(k)), scale);
  const mask = isCausal ? nd.tril(nd.ones([l, s], "bool")) : attnMask;
  if (mask !== null) {
    try {
      nd.broadcastShapes(mask.shape, scores.shape);
    } catch {
      throw new ShapeError(
        `${op}: attnMask ${formatShape(mask.shape)} does not broadcast to the scores ${formatShape(scores.shape)} (${shapes})`,
      );
    }
    scores = mask.dtype === "bool" ? where(mask, scores, -Infinity) : add(scores, mask);
  }
  const weights = softmax(scores, -1);
  return [matmul(weights, v), weights];
}

/**
 * Scaled dot-product attention, PyTorch 2's `F.scaled_dot_product_attention`:
 * softmax(q·kᵀ·scale + mask)·v for q `[..., L, E]`, k `[..., S, E]`, v `[..., S, Ev]` (leading
 * axes broadcast), giving `[..., L, Ev]`. A bool `attnMask` is true where attention is allowed;
 * a float one is added to the scores; `isCausal` allows key j for query i only when j <= i.
 * A query row with no allowed key gives NaN, as in PyTorch. Throws ShapeError for shapes that
 * do not fit, naming all of them.
 */
export function scaledDotProductAttention(
  q: VariableLike,
  k: VariableLike,
  v: VariableLike,
  options: AttentionOptions = {},
): Variable {
  const op = "scaledDotProductAttention";
  return attentionWithWeights(asVariable(q), asVariable(k), asVariable(v), options, op)[0];
}
