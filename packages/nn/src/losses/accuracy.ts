import { Variable } from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { NDArray } from "@zerograd/ndarray";
import { checkLabels, type Labels } from "./labels";

/**
 * The fraction of rows of `scores` [N, C] (logits or probabilities) whose largest entry is at
 * the label's index, as a JS number in [0, 1] (ties go to the first index). Not
 * differentiable. Throws as `crossEntropy` for bad labels, ShapeError for N = 0 and TypeError
 * when the scores are neither a Variable nor an NDArray.
 */
export function accuracy(scores: Variable | NDArray, labels: Labels): number {
  const y = scores instanceof Variable ? scores.data : scores;
  if (!(y instanceof NDArray))
    throw new TypeError("accuracy: expected a Variable or an NDArray of scores");
  const t = checkLabels("accuracy", labels, y.shape);
  if (t.size === 0)
    throw new nd.ShapeError(`accuracy: no samples (scores ${nd.formatShape(y.shape)})`);
  return nd.sum(nd.equal(nd.argmax(y, 1), t)).item() / t.size;
}
