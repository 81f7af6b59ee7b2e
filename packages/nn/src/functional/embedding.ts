import {
  asVariable,
  Function,
  mul,
  scatterAdd,
  type Variable,
  type VariableLike,
} from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { DTypeError, formatShape, IndexError, type NDArray, ShapeError } from "@zerograd/ndarray";

/** Options of `embedding`. */
export interface EmbeddingOptions {
  /** A row that gets no gradient (PyTorch's padding_idx); negatives count from the end. */
  paddingIdx?: number | null;
}

/**
 * Row lookup as one Function: the forward takes rows of the weight; the backward scatter-adds
 * the output gradient into a zero weight-shaped gradient (repeated indices add), skipping the
 * padding row, with Variable ops.
 */
class EmbeddingFunction extends Function {
  constructor(
    private readonly indices: NDArray,
    private readonly paddingIdx: number | null,
  ) {
    super();
  }

  override get name(): string {
    return "Embedding";
  }

  forward(weight: NDArray): NDArray {
    return nd.take(weight, this.indices, 0);
  }

  backward(gy: Variable): Variable {
    const weight = this.inputs[0] as Variable;
    let g = gy;
    if (this.paddingIdx !== null) {
      const keep = nd.astype(nd.notEqual(this.indices, this.paddingIdx), gy.dtype);
      g = mul(gy, nd.expandDims(keep, -1));
    }
    return scatterAdd(nd.zeros(weight.shape, gy.dtype), this.indices, g, 0);
  }
}

/**
 * The rows of `weight` ([numEmbeddings, D]) picked by int32 `indices` of any shape, PyTorch's
 * `F.embedding`: the result is `[...indices.shape, D]`. The weight's gradient adds up the
 * gradients of every position that picked a row; `paddingIdx`'s row gets none. Throws
 * DTypeError for non-int32 indices, ShapeError for a weight that is not 2-D, IndexError for an
 * index out of range (naming it).
 */
export function embedding(
  indices: NDArray,
  weight: VariableLike,
  options: EmbeddingOptions = {},
): Variable {
  const w = asVariable(weight);
  if (!(indices instanceof nd.NDArray) || indices.dtype !== "int32") {
    const what = indices instanceof nd.NDArray ? indices.dtype : typeof indices;
    throw new DTypeError(`embedding: indices must be an int32 NDArray, got ${what}`);
  }
  if (w.ndim !== 2) {
    throw new ShapeError(
      `embedding: weight must be 2-D [numEmbeddings, D], got ${formatShape(w.shape)}`,
    );
  }
  const rows = w.shape[0] as number;
  const values = indices.toTypedArray();
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < 0 || v >= rows) {
      throw new IndexError(
        `embedding: index ${v} at flat position ${i} is out of range for ${rows} embeddings (indices ${formatShape(indices.shape)}, weight ${formatShape(w.shape)})`,
      );
    }
  }
  const { paddingIdx = null } = options;
  const padding = paddingIdx === null ? null : paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
  return new EmbeddingFunction(indices, padding).apply(w);
}
