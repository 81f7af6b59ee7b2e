import { allocate } from "../dtype";
import { ShapeError } from "../errors";
import { NDArray } from "../ndarray";
import { formatShape, shapeSize } from "../shape";
import { rowMajor } from "./copy";
import { checkArray } from "./operands";

function triangle(op: "tril" | "triu", x: NDArray, k: number): NDArray {
  checkArray(x, op);
  if (x.ndim < 2) {
    throw new ShapeError(
      `${op}: expected an array of at least 2 dimensions (the last two are the matrix), got shape ${formatShape(x.shape)}`,
    );
  }
  if (!Number.isInteger(k)) throw new ShapeError(`${op}: diagonal k must be an integer, got ${k}`);
  const rows = x.shape[x.ndim - 2] as number;
  const cols = x.shape[x.ndim - 1] as number;
  const { data, start } = rowMajor(x);
  const out = allocate(x.dtype, x.size);
  const matrices = shapeSize(x.shape.slice(0, -2));
  for (let m = 0, at = 0; m < matrices; m++) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++, at++) {
        const keep = op === "tril" ? j - i <= k : j - i >= k;
        if (keep) out[at] = data[start + at] as number;
      }
    }
  }
  return new NDArray(out, x.shape);
}

/**
 * The lower triangle of the last two axes (batched over the others): elements with
 * `col - row <= k` kept, the rest zero (false for bool). `k > 0` keeps diagonals above the main
 * one, `k < 0` drops some below it. Fewer than 2 axes is a `ShapeError`. A new array.
 */
export function tril(x: NDArray, k = 0): NDArray {
  return triangle("tril", x, k);
}

/**
 * The upper triangle of the last two axes (batched over the others): elements with
 * `col - row >= k` kept, the rest zero (false for bool). Fewer than 2 axes is a `ShapeError`.
 */
export function triu(x: NDArray, k = 0): NDArray {
  return triangle("triu", x, k);
}
