import { Parameter, type Variable } from "@zerograd/autograd";
import type { DType, NDArray, Random } from "@zerograd/ndarray";
import { NNError } from "../errors";
import { embedding } from "../functional/embedding";
import { Layer } from "../layer";
import { freshRandom } from "../random";

/** Options of `Embedding`. */
export interface EmbeddingLayerOptions {
  /** A row kept at zero at initialisation that gets no gradient; negatives count from the end. */
  paddingIdx?: number | null;
  /** The weight's dtype (default float32). */
  dtype?: DType;
  /** Where the initial values come from (default: a fresh generator). */
  rng?: Random;
}

/**
 * A lookup table of `numEmbeddings` vectors of `embeddingDim` (PyTorch's `nn.Embedding`):
 * `weight` [numEmbeddings, embeddingDim] drawn from N(0, 1), the `paddingIdx` row zeroed.
 * Input int32 indices of any shape, output [...shape, embeddingDim]. Throws NNError for sizes
 * that are not positive integers or a paddingIdx out of range.
 */
export class Embedding extends Layer<[indices: NDArray], Variable> {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingLayerOptions = {}) {
    super();
    for (const [what, n] of [
      ["numEmbeddings", numEmbeddings],
      ["embeddingDim", embeddingDim],
    ] as const) {
      if (!Number.isInteger(n) || n < 1) {
        throw new NNError(`Embedding: ${what} must be a positive integer, got ${n}`);
      }
    }
    const { paddingIdx = null, dtype = "float32", rng = freshRandom() } = options;
    if (
      paddingIdx !== null &&
      !(Number.isInteger(paddingIdx) && paddingIdx >= -numEmbeddings && paddingIdx < numEmbeddings)
    ) {
      throw new NNError(
        `Embedding: paddingIdx must be an integer in [-${numEmbeddings}, ${numEmbeddings}), got ${paddingIdx}`,
      );
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = paddingIdx === null ? null : (paddingIdx + numEmbeddings) % numEmbeddings;
    const weight = rng.normal(0, 1, [numEmbeddings, embeddingDim], { dtype });
    if (this.paddingIdx !== null) {
      weight.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
    }
    this.weight = new Parameter(weight, { name: "weight" });
  }

  forward(indices: NDArray): Variable {
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
  }
}
