import { Variable } from "@zerograd/autograd";
import { array, DTypeError, formatShape, IndexError, NDArray, ShapeError } from "@zerograd/ndarray";

/** Class labels: an int32 array (or int32 Variable, or a JS list of integers) of shape [N]. */
export type Labels = NDArray | Variable | readonly number[];

/**
 * The labels of a classification loss as a contiguous int32 [N] array, after checking them against
 * the scores' shape [N, C]: DTypeError unless int32, ShapeError unless 1-D with N entries,
 * IndexError naming the op, the label, its position and C when a label is outside [0, C).
 */
export function checkLabels(op: string, labels: Labels, scores: readonly number[]): NDArray {
  if (Array.isArray(labels)) {
    const bad = labels.findIndex((label) => !Number.isInteger(label));
    if (bad >= 0) {
      throw new DTypeError(
        `${op}: labels must be integers, got ${String(labels[bad])} at position ${bad}`,
      );
    }
  }
  const t =
    labels instanceof Variable
      ? labels.data
      : labels instanceof NDArray
        ? labels
        : array(labels as number[], { dtype: "int32" });
  if (t.dtype !== "int32") {
    throw new DTypeError(`${op}: labels must be int32 class indices, got ${t.dtype}`);
  }
  if (scores.length !== 2) {
    throw new ShapeError(
      `${op}: expected scores of shape [N, C], got ${formatShape(scores)} (labels ${formatShape(t.shape)})`,
    );
  }
  const [n, classes] = scores as [number, number];
  if (t.ndim !== 1 || t.shape[0] !== n) {
    throw new ShapeError(
      `${op}: labels must have shape [${n}] for scores ${formatShape(scores)}, got ${formatShape(t.shape)}`,
    );
  }
  const values = t.toTypedArray() as Int32Array;
  values.forEach((label, i) => {
    if (label < 0 || label >= classes) {
      throw new IndexError(
        `${op}: label ${label} at position ${i} is outside [0, ${classes}) (scores ${formatShape(scores)})`,
      );
    }
  });
  return new NDArray(values, [n]);
}

/** The row-major positions of scores[i, labels[i]] in an [N, C] array, as an int32 [N] array. */
export function labelPositions(labels: Int32Array, classes: number): NDArray {
  return new NDArray(
    labels.map((label, i) => i * classes + label),
    [labels.length],
  );
}
