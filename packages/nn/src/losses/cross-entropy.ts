import {
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
import { asVariable, softmax } from "../functional/activation";
import { checkLabels, type Labels, labelPositions } from "./labels";
import { type LossOptions, type Reduction, reduce, reductionOf } from "./reduction";

/**
 * Softmax cross-entropy of logits [N, C] against int32 labels [N], fused: the losses are
 * logsumexp(xᵢ) − xᵢ[tᵢ], computed on xᵢ − max(xᵢ) (stable for any logits), and the gradient is softmax(x) − onehot(t),
 * scaled by the output's gradient (and 1/N for the mean). The probabilities computed in
 * forward are reused by a first-order backward; under `createGraph` backward rebuilds them
 * with Variable ops, so the gradient can be differentiated again.
 */
class CrossEntropy extends Function {
  private probabilities: NDArray | null = null;
  private readonly positions: NDArray;

  constructor(
    private readonly labels: NDArray,
    classes: number,
    private readonly reduction: Reduction,
  ) {
    super();
    this.positions = labelPositions(labels.data as Int32Array, classes);
  }

  forward(x: NDArray): NDArray {
    const shifted = nd.sub(x, nd.max(x, 1, true));
    const logProbabilities = nd.sub(shifted, nd.logsumexp(shifted, 1, true), { out: shifted });
    const losses = nd.neg(nd.take(nd.reshape(logProbabilities, [-1]), this.positions));
    this.probabilities = nd.exp(logProbabilities, { out: logProbabilities });
    if (this.reduction === "mean") return nd.mean(losses);
    if (this.reduction === "sum") return nd.sum(losses);
    return losses;
  }

  backward(gy: Variable): Variable {
    const x = this.inputs[0] as Variable;
    const [n, classes] = x.shape as [number, number];
    // gy is 0-d for 'mean'/'sum' and [N] for 'none': one scale per row, [N, 1] or scalar.
    const scale = this.reduction === "none" ? reshape(gy, [n, 1]) : gy;
    const perRow = this.reduction === "mean" ? mul(scale, 1 / n) : scale;
    if (isGradEnabled()) {
      const oneHot = nd.astype(nd.oneHot(this.labels, classes), x.dtype);
      return mul(sub(softmax(x, 1), oneHot), perRow);
    }
    const probabilities = this.probabilities as NDArray;
    const minusOne = nd.full([n], -1, probabilities.dtype);
    const g = nd.scatterAdd(probabilities, this.positions, minusOne);
    return new Variable(nd.mul(g, perRow.data, { out: g }), { requiresGrad: false });
  }
}

/**
 * Cross-entropy of unnormalised scores (logits) `input` [N, C] against int32 class labels
 * `target` [N] (PyTorch's `F.cross_entropy`): the loss of row i is logsumexp(input[i]) −
 * input[i, target[i]], stable for logits of any size; reduced by `reduction` (default mean).
 * One fused Function whose gradient is softmax − onehot. Throws ShapeError for shapes other
 * than [N, C] and [N], DTypeError for non-int32 labels, IndexError for a label outside [0, C).
 */
export function crossEntropy(
  input: VariableLike,
  target: Labels,
  options: LossOptions = {},
): Variable {
  const reduction = reductionOf("crossEntropy", options);
  const x = asVariable(input);
  const labels = checkLabels("crossEntropy", target, x.shape);
  return new CrossEntropy(labels, x.shape[1] as number, reduction).apply(x);
}

/**
 * Negative log-likelihood of log-probabilities `input` [N, C] (e.g. a `logSoftmax` output)
 * against int32 labels `target` [N] (PyTorch's `F.nll_loss`): the loss of row i is
 * −input[i, target[i]], reduced by `reduction` (default mean). Errors as `crossEntropy`.
 */
export function nllLoss(input: VariableLike, target: Labels, options: LossOptions = {}): Variable {
  const reduction = reductionOf("nllLoss", options);
  const x = asVariable(input);
  const labels = checkLabels("nllLoss", target, x.shape);
  const picked = take(
    reshape(x, [-1]),
    labelPositions(labels.data as Int32Array, x.shape[1] as number),
  );
  return reduce(neg(picked), reduction);
}
