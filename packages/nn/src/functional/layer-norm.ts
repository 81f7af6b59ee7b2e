import {
  add,
  asVariable,
  div,
  mean,
  mul,
  sqrt,
  square,
  sub,
  type Variable,
  type VariableLike,
} from "@zerograd/autograd";
import { formatShape, ShapeError } from "@zerograd/ndarray";

/** Options of `layerNorm`. */
export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * Layer normalisation, PyTorch's `F.layer_norm`: each sample is normalised over its last axes
 * (`normalizedShape`, a number for one axis) to zero mean and unit (biased) variance, then
 * scaled by `weight` and shifted by `bias` (both of `normalizedShape`, optional). Throws
 * ShapeError when x's trailing axes are not `normalizedShape` or weight/bias do not have it.
 */
export function layerNorm(
  x: VariableLike,
  normalizedShape: number | readonly number[],
  weight?: VariableLike | null,
  bias?: VariableLike | null,
  options: LayerNormOptions = {},
): Variable {
  const { eps = 1e-5 } = options;
  const v = asVariable(x);
  const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  const trailing = v.shape.slice(v.ndim - shape.length);
  if (shape.length === 0 || shape.length > v.ndim || trailing.some((d, i) => d !== shape[i])) {
    throw new ShapeError(
      `layerNorm: input ${formatShape(v.shape)} does not end with normalizedShape ${formatShape(shape)}`,
    );
  }
  const w = weight === undefined || weight === null ? null : asVariable(weight);
  const b = bias === undefined || bias === null ? null : asVariable(bias);
  for (const [what, p] of [
    ["weight", w],
    ["bias", b],
  ] as const) {
    if (p !== null && (p.ndim !== shape.length || p.shape.some((d, i) => d !== shape[i]))) {
      throw new ShapeError(
        `layerNorm: ${what} ${formatShape(p.shape)} must have normalizedShape ${formatShape(shape)} (input ${formatShape(v.shape)})`,
      );
    }
  }
  const axes = shape.map((_, i) => v.ndim - shape.length + i);
  const centered = sub(v, mean(v, axes, true));
  let y = div(centered, sqrt(add(mean(square(centered), axes, true), eps)));
  if (w !== null) y = mul(y, w);
  if (b !== null) y = add(y, b);
  return y;
}
