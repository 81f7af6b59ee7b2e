import {
  asVariable,
  expandDims,
  matmul,
  mean,
  Parameter,
  reshape,
  slice,
  squeeze,
  transpose,
  type Variable,
  type VariableLike,
} from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { type DType, formatShape, type NDArray, type Random, ShapeError } from "@zerograd/ndarray";
import { NNError } from "../errors";
import { attentionWithWeights } from "../functional/attention";
import { dropout } from "../functional/dropout";
import { linear } from "../functional/linear";
import { xavierUniform } from "../init";
import { Layer } from "../layer";
import { freshRandom } from "../random";
import { Linear } from "./linear";

/** Options of `MultiheadAttention`. */
export interface MultiheadAttentionOptions {
  /** Learn the input and output projections' biases (default true). */
  bias?: boolean;
  /** Inputs and output are [N, L, E] instead of [L, N, E] (default false, as PyTorch). */
  batchFirst?: boolean;
  /** Dropout on the attention weights in training (default 0). */
  dropout?: number;
  dtype?: DType;
  /** Where the initial values (and the dropout masks) come from. */
  rng?: Random;
}

/** Options of `MultiheadAttention.forward`. */
export interface MultiheadAttentionForwardOptions {
  /**
   * [L, S] or [N·numHeads, L, S]: bool true where attention is NOT allowed (PyTorch's
   * nn.MultiheadAttention convention, the opposite of scaledDotProductAttention's), or float,
   * added to the scores.
   */
  attnMask?: NDArray | null;
  /** [N, S] (or [S] unbatched): bool true for keys to ignore (padding), or float, added. */
  keyPaddingMask?: NDArray | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** Average the weights over the heads (default true): [N, L, S], else [N, numHeads, L, S]. */
  averageAttnWeights?: boolean;
  /** A causal mask (query i attends to keys 0..i), instead of attnMask (default false). */
  isCausal?: boolean;
}

/**
 * Multi-head attention (PyTorch's `nn.MultiheadAttention`) with its fields and state-dict keys:
 * `inProjWeight` [3E, E] (xavier-uniform), `inProjBias` [3E] (zeros), `outProj` a Linear(E, E)
 * (bias zeros), so a PyTorch state dict loads as it is. `forward(query, key, value, options)`
 * takes [L, N, E] (or [N, L, E] with batchFirst, or unbatched [L, E]) and returns
 * `[output, weights | null]`. Throws NNError when embedDim is not divisible by numHeads or a
 * size is not a positive integer; ShapeError for inputs or masks of the wrong shape.
 */
export class MultiheadAttention extends Layer<
  [
    query: VariableLike,
    key: VariableLike,
    value: VariableLike,
    options?: MultiheadAttentionForwardOptions,
  ],
  [Variable, Variable | null]
> {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  inProjWeight: Parameter;
  inProjBias: Parameter | null;
  outProj: Linear;
  private readonly rng: Random;

  constructor(embedDim: number, numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    for (const [what, n] of [
      ["embedDim", embedDim],
      ["numHeads", numHeads],
    ] as const) {
      if (!Number.isInteger(n) || n < 1) {
        throw new NNError(`MultiheadAttention: ${what} must be a positive integer, got ${n}`);
      }
    }
    if (embedDim % numHeads !== 0) {
      throw new NNError(
        `MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`,
      );
    }
    const { bias = true, batchFirst = false, dropout: p = 0, dtype = "float32" } = options;
    if (!(p >= 0 && p < 1)) {
      throw new NNError(`MultiheadAttention: dropout must be in [0, 1), got ${p}`);
    }
    const rng = options.rng ?? freshRandom();
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.batchFirst = batchFirst;
    this.dropout = p;
    this.rng = rng;
    this.inProjWeight = new Parameter(xavierUniform([3 * embedDim, embedDim], { rng, dtype }), {
      name: "in_proj_weight",
    });
    this.inProjBias = bias
      ? new Parameter(nd.zeros([3 * embedDim], dtype), { name: "in_proj_bias" })
      : null;
    this.outProj = new Linear(embedDim, embedDim, { bias, dtype, rng });
    if (this.outProj.bias) this.outProj.bias.data.data.fill(0);
  }

  forward(
    query: VariableLike,
    key: VariableLike,
    value: VariableLike,
    options: MultiheadAttentionForwardOptions = {},
  ): [Variable, Variable | null] {
    const { needWeights = true, averageAttnWeights = true, isCausal = false } = options;
    const e = this.embedDim;
    const h = this.numHeads;
    const d = this.headDim;
    let [q, k, v] = [query, key, value].map((x) => asVariable(x)) as [Variable, Variable, Variable];
    const shapes = `query ${formatShape(q.shape)}, key ${formatShape(k.shape)}, value ${formatShape(v.shape)}`;
    const unbatched = q.ndim === 2;
    for (const x of [q, k, v]) {
      if (x.ndim !== q.ndim || (x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== e) {
        throw new ShapeError(
          `MultiheadAttention: expected inputs of rank 2 or 3 ending with embedDim ${e} (${shapes})`,
        );
      }
    }
    // One layout inside: [N, L, E].
    const toBatchFirst = (x: Variable) =>
      unbatched ? expandDims(x, 0) : this.batchFirst ? x : transpose(x, [1, 0, 2]);
    [q, k, v] = [q, k, v].map(toBatchFirst) as [Variable, Variable, Variable];
    const [n, l] = q.shape as [number, number];
    const s = k.shape[1] as number;
    if (k.shape[0] !== n || v.shape[0] !== n || v.shape[1] !== s) {
      throw new ShapeError(
        `MultiheadAttention: the batch and key lengths of the inputs differ (${shapes})`,
      );
    }
    const project = (x: Variable, part: number) => {
      const rows: [number, number] = [part * e, (part + 1) * e];
      const w = slice(this.inProjWeight, [rows]);
      const b = this.inProjBias === null ? null : slice(this.inProjBias, [rows]);
      // [N, T, E] → [N, H, T, D]
      const t = x.shape[1] as number;
      return transpose(reshape(linear(x, w, b), [n, t, h, d]), [0, 2, 1, 3]);
    };
    const mask = this.combinedMask(options, n, l, s, shapes);
    const values = project(v, 2);
    let [attended, weights] = attentionWithWeights(
      project(q, 0),
      project(k, 1),
      values,
      { attnMask: mask, isCausal: isCausal && mask === null },
      "MultiheadAttention",
    );
    if (this.dropout > 0 && this.training) {
      // PyTorch drops attention weights, then multiplies (and returns) the dropped ones.
      weights = dropout(weights, this.dropout, { training: true, rng: this.rng });
      attended = matmul(weights, values);
    }
    // [N, H, L, D] → [N, L, E] → the output projection.
    let output = this.outProj.call(reshape(transpose(attended, [0, 2, 1, 3]), [n, l, e]));
    output = unbatched
      ? squeeze(output, 0)
      : this.batchFirst
        ? output
        : transpose(output, [1, 0, 2]);
    if (!needWeights) return [output, null];
    let shown = averageAttnWeights ? mean(weights, 1) : weights;
    if (unbatched) shown = squeeze(shown, 0);
    return [output, shown];
  }

  /**
   * attnMask and keyPaddingMask as one float mask to add to the [N, H, L, S] scores (−∞ where
   * a bool mask is true), or null when neither is given; isCausal adds the causal mask when a
   * padding mask is given too.
   */
  private combinedMask(
    options: MultiheadAttentionForwardOptions,
    n: number,
    l: number,
    s: number,
    shapes: string,
  ): NDArray | null {
    const { attnMask = null, keyPaddingMask = null, isCausal = false } = options;
    const additive = (m: NDArray) => (m.dtype === "bool" ? nd.where(m, -Infinity, 0) : m);
    let total: NDArray | null = null;
    if (attnMask !== null) {
      let m = additive(attnMask);
      if (m.ndim === 3 && m.shape[0] === n * this.numHeads)
        m = nd.reshape(m, [n, this.numHeads, l, s]);
      else if (!(m.ndim === 2 && m.shape[0] === l && m.shape[1] === s)) {
        throw new ShapeError(
          `MultiheadAttention: attnMask ${formatShape(attnMask.shape)} must be [${l}, ${s}] or [${n * this.numHeads}, ${l}, ${s}] (${shapes})`,
        );
      }
      total = m;
    } else if (isCausal && keyPaddingMask !== null) {
      total = nd.where(nd.tril(nd.ones([l, s], "bool")), 0, -Infinity);
    }
    if (keyPaddingMask !== null) {
      const expected = n === 1 && keyPaddingMask.ndim === 1 ? [s] : [n, s];
      if (
        keyPaddingMask.shape.length !== expected.length ||
        keyPaddingMask.shape.some((dim, i) => dim !== expected[i])
      ) {
        throw new ShapeError(
          `MultiheadAttention: keyPaddingMask ${formatShape(keyPaddingMask.shape)} must be [${n}, ${s}] (${shapes})`,
        );
      }
      const m = nd.reshape(additive(keyPaddingMask), [n, 1, 1, s]);
      total = total === null ? m : nd.add(total, m);
    }
    return total;
  }
}
