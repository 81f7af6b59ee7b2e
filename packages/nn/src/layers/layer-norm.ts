import { Parameter, type Variable, type VariableLike } from "@zerograd/autograd";
import type { DType } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { NNError } from "../errors";
import { layerNorm } from "../functional/layer-norm";
import { Layer } from "../layer";

/** Options of `LayerNorm`. */
export interface LayerNormLayerOptions {
  /** Added to the variance (default 1e-5), a positive number. */
  eps?: number;
  /** Learn a scale `weight` (ones) and, with `bias`, a shift (zeros) of normalizedShape (default true). */
  elementwiseAffine?: boolean;
  /** Learn the shift too (default true; PyTorch 2.1's option). */
  bias?: boolean;
  /** The parameters' dtype (default float32). */
  dtype?: DType;
}

/**
 * Layer normalisation over the trailing `normalizedShape` axes (PyTorch's `nn.LayerNorm`), with
 * fields `weight` (ones) and `bias` (zeros) of that shape, null without elementwiseAffine (or
 * bias). Throws NNError for a normalizedShape that is not positive integers or a bad eps.
 */
export class LayerNorm extends Layer {
  readonly normalizedShape: number[];
  readonly eps: number;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormLayerOptions = {}) {
    super();
    const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new NNError(
        `LayerNorm: normalizedShape must be positive integers, got ${JSON.stringify(normalizedShape)}`,
      );
    }
    const { eps = 1e-5, elementwiseAffine = true, bias = true, dtype = "float32" } = options;
    if (!(typeof eps === "number" && eps > 0 && Number.isFinite(eps))) {
      throw new NNError(`LayerNorm: eps must be a positive finite number, got ${eps}`);
    }
    this.normalizedShape = shape;
    this.eps = eps;
    this.weight = elementwiseAffine
      ? new Parameter(nd.ones(shape, dtype), { name: "weight" })
      : null;
    this.bias =
      elementwiseAffine && bias ? new Parameter(nd.zeros(shape, dtype), { name: "bias" }) : null;
  }

  forward(x: VariableLike): Variable {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, { eps: this.eps });
  }
}
