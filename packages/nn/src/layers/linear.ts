import { Parameter, type Variable, type VariableLike } from "@zerograd/autograd";
import type { DType, Random } from "@zerograd/ndarray";
import { NNError } from "../errors";
import { linear } from "../functional/linear";
import { Layer } from "../layer";
import { freshRandom } from "../random";

/** Options of `Linear`. */
export interface LinearOptions {
  /** Whether to learn an additive bias (default true). */
  bias?: boolean;
  /** The parameters' dtype (default float32). */
  dtype?: DType;
  /** Where the initial values come from (default: a fresh generator, see `freshRandom`). */
  rng?: Random;
}

/**
 * The affine layer y = x·weightᵀ + bias (PyTorch's `nn.Linear`), with PyTorch's layout —
 * `weight` [outFeatures, inFeatures], `bias` [outFeatures] (null without bias) — and
 * default initialisation: both drawn from U(−1/√inFeatures, 1/√inFeatures) (what PyTorch's
 * kaiming-uniform with a = √5 amounts to), weight first, from `rng`. Input [..., inFeatures],
 * output [..., outFeatures]. Throws NNError for feature counts that are not non-negative
 * integers.
 */
export class Linear extends Layer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** [outFeatures, inFeatures]. */
  weight: Parameter;
  /** [outFeatures], or null when built with `bias: false`. */
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    for (const [what, n] of [
      ["inFeatures", inFeatures],
      ["outFeatures", outFeatures],
    ] as const) {
      if (!Number.isInteger(n) || n < 0) {
        throw new NNError(`Linear: ${what} must be a non-negative integer, got ${n}`);
      }
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const { dtype = "float32", rng = freshRandom() } = options;
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.weight = new Parameter(rng.uniform(-bound, bound, [outFeatures, inFeatures], { dtype }), {
      name: "weight",
    });
    this.bias =
      (options.bias ?? true)
        ? new Parameter(rng.uniform(-bound, bound, [outFeatures], { dtype }), { name: "bias" })
        : null;
  }

  forward(x: VariableLike): Variable {
    return linear(x, this.weight, this.bias);
  }
}
