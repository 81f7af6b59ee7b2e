import {
  asVariable,
  Function,
  isGradEnabled,
  mul,
  neg,
  reshape,
  sub,
  take,
  Variable,
  type VariableLike,
} from "@zerograd/autograd";
import type { NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { softmax } from "../functional/activation";
import { checkLabels, type Labels, labelPositions } from "./labels";
import { type LossOptions, type Reduction, reduce, reductionOf } from "./reduction";

/**
 * Softmax cross-entropy of logits [N, C] against int32 labels [N], fused. Row i gives
 * loss = log Σⱼ e^(xᵢⱼ − mᵢ) − (xᵢ[tᵢ] − mᵢ) with mᵢ = maxⱼ xᵢⱼ, so no exponent is positive
 * (stable for any logits), and its probabilities pᵢⱼ = e^(xᵢⱼ − mᵢ) / Σ. The gradient is
 * p − onehot(t), scaled by the output's gradient (and 1/N for the mean).
 *
 * Forward is one loop over the rows (this is the hot path of classifier training: one pass
 * instead of a chain of array ops), and a first-order backward reuses its probabilities.
 * Under `createGraph` backward rebuilds softmax with Variable ops instead, so the gradient
 * can be differentiated again.
 */
class CrossEntropy extends Function {
  private probabilities: Float64Array = new Float64Array(0);

  constructor(
    private readonly labels: NDArray,
    private readonly reduction: Reduction,
  ) {
    super();
  }

  forward(x: NDArray): NDArray {
    const [n, classes] = x.shape as [number, number];
    const logits = nd.contiguous(x);
    const values = logits.data;
    const labels = this.labels.data as Int32Array;
    const probabilities = new Float64Array(n * classes);
    const losses = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const row = logits.offset + i * classes;
      let peak = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < classes; j++) peak = Math.max(peak, values[row + j] as number);
      let total = 0;
      for (let j = 0; j < classes; j++) {
        const e = Math.exp((values[row + j] as number) - peak);
        probabilities[i * classes + j] = e;
        total += e;
      }
      for (let j = 0; j < classes; j++) probabilities[i * classes + j] /= total;
      losses[i] = Math.log(total) - ((values[row + (labels[i] as number)] as number) - peak);
    }
    this.probabilities = probabilities;
    if (this.reduction === "none") return nd.astype(new nd.NDArray(losses, [n]), x.dtype);
    let sum = 0;
    for (const loss of losses) sum += loss;
    return nd.full([], this.reduction === "mean" ? sum / n : sum, x.dtype);
  }

  backward(gy: Variable): Variable {
    const x = this.inputs[0] as Variable;
    const [n, classes] = x.shape as [number, number];
    if (isGradEnabled()) {
      const scale = this.reduction === "none" ? reshape(gy, [n, 1]) : gy;
      const perRow = this.reduction === "mean" ? mul(scale, 1 / n) : scale;
      const oneHot = nd.astype(nd.oneHot(this.labels, classes), x.dtype);
      return mul(sub(softmax(x, 1), oneHot), perRow);
    }
    // gy is 0-d for 'mean'/'sum' and [N] for 'none': one factor per row.
    const factors = gy.data.toTypedArray();
    const shared = this.reduction === "mean" ? (factors[0] as number) / n : (factors[0] as number);
    const labels = this.labels.data as Int32Array;
    const g = new Float64Array(this.probabilities);
    for (let i = 0; i < n; i++) {
      g[i * classes + (labels[i] as number)] -= 1;
      const factor = this.reduction === "none" ? (factors[i] as number) : shared;
      for (let j = i * classes; j < (i + 1) * classes; j++) g[j] = (g[j] as number) * factor;
    }
    const gradient = new nd.NDArray(g, [n, classes]);
    return new Variable(x.dtype === "float64" ? gradient : nd.astype(gradient, x.dtype), {
      requiresGrad: false,
    });
  }
}

/**
 * Cross-entropy of unnormalised scores (logits) `input` [N, C] against int32 class labels
 * `target` [N] (PyTorch's `F.cross_entropy`): the loss of row i is logsumexp(input[i]) −
 * input[i, target[i]], stable for logits of any size; reduced by `reduction` (default mean).
 * One fused Function whose gradient is softmax − onehot. Throws ShapeError for shapes other
 * than [N, C] and [N], DTypeError for non-float logits or non-int32 labels, IndexError for a
 * label outside [0, C).
 */
export function crossEntropy(
  input: VariableLike,
  target: Labels,
  options: LossOptions = {},
): Variable {
  const reduction = reductionOf("crossEntropy", options);
  const x = asVariable(input);
  if (!nd.isFloat(x.dtype)) {
    throw new nd.DTypeError(`crossEntropy: logits must be float32 or float64, got ${x.dtype}`);
  }
  const labels = checkLabels("crossEntropy", target, x.shape);
  return new CrossEntropy(labels, reduction).apply(x);
}

/**
 * Negative log-likelihood of log-probabilities `input` [N, C] (e.g. a `logSoftmax` output)
 * against int32 labels `target` [N] (PyTorch's `F.nll_loss`): the loss of row i is
 * −input[i, target[i]], reduced by `reduction` (default mean). Errors as `crossEntropy`:
 * DTypeError for scores that are not float32 or float64 (PyTorch raises too) or labels that
 * are not int32, ShapeError for shapes other than [N, C] and [N], IndexError for a label
 * outside [0, C).
 */
export function nllLoss(input: VariableLike, target: Labels, options: LossOptions = {}): Variable {
  const reduction = reductionOf("nllLoss", options);
  const x = asVariable(input);
  if (!nd.isFloat(x.dtype)) {
    throw new nd.DTypeError(
      `nllLoss: log-probabilities must be float32 or float64, got ${x.dtype}`,
    );
  }
  const labels = checkLabels("nllLoss", target, x.shape);
  const picked = take(
    reshape(x, [-1]),
    labelPositions(labels.data as Int32Array, x.shape[1] as number),
  );
  return reduce(neg(picked), reduction);
}
