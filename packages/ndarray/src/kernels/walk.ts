import type { Shape } from "../shape";

/**
 * Merges adjacent axes that every operand walks as one (stride[d] = stride[d+1] * shape[d+1])
 * and drops axes of length 1, so a contiguous array is a single row and a row broadcast is two
 * axes whatever the rank. Always returns at least one axis.
 */
export function collapseAxes(
  shape: Shape,
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] as number;
    if (size === 1) continue;
    const last = outShape.length - 1;
    const mergeable =
      last >= 0 &&
      strides.every(
        (s, k) =>
          s[d] === ((outStrides[k] as number[])[last] as number) * (outShape[last] as number),
      );
    if (mergeable) {
      outShape[last] = (outShape[last] as number) * size;
    } else {
      outShape.push(size);
      strides.forEach((s, k) => {
        (outStrides[k] as number[]).push(s[d] as number);
      });
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (const s of outStrides) s.push(0);
  }
  outShape.reverse();
  for (const s of outStrides) s.reverse();
  return { shape: outShape, strides: outStrides };
}

/**
 * Walks every row (innermost axis) of `shape`, keeping `offsets[k]` at the start of the row for
 * operand k and calling `visit(rowLength)`. Offsets advance incrementally, an odometer over the
 * outer axes: no division or index arithmetic per element.
 */
export function walkRows(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  offsets: Int32Array,
  visit: (rowLength: number) => void,
): void {
  const ndim = shape.length;
  const inner = shape[ndim - 1] as number;
  let rows = 1;
  for (let d = 0; d < ndim - 1; d++) rows *= shape[d] as number;
  if (rows === 0 || inner === 0) return;
  const k = strides.length;
  const counter = new Int32Array(ndim);
  for (let r = 0; r < rows; r++) {
    visit(inner);
    for (let d = ndim - 2; d >= 0; d--) {
      const size = shape[d] as number;
      if (++(counter[d] as number) < size) {
        for (let j = 0; j < k; j++) (offsets[j] as number) += (strides[j] as number[])[d] as number;
        break;
      }
      counter[d] = 0;
      for (let j = 0; j < k; j++) {
        (offsets[j] as number) -= ((strides[j] as number[])[d] as number) * (size - 1);
      }
    }
  }
}
