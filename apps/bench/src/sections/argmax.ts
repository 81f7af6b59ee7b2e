import { argmax, NDArray } from "@zerograd/ndarray";
import { checkEntries, manyIndices } from "../checks";
import { jsImpl, type Tf, tfjsImpl, zerogradImpl } from "../impl";
import { randomFloat32 } from "../random";
import type { BenchCase, Section } from "../section";

const ROWS = 1000;
const COLS = 1000;

/** Index of each row's maximum (the first of equal ones), one scan per row. */
function argmaxAxis1(x: Float32Array, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let best = x[o] as number;
    let at = 0;
    for (let j = 1; j < cols; j++) {
      const v = x[o + j] as number;
      if (v > best) {
        best = v;
        at = j;
      }
    }
    out[i] = at;
  }
  return out;
}

/**
 * Index of each column's maximum: rows are compared with a running row of maxima one after
 * another, so every read is contiguous (the way the column sums are written).
 */
function argmaxAxis0(x: Float32Array, rows: number, cols: number): Int32Array {
  const out = new Int32Array(cols);
  const best = x.slice(0, cols);
  for (let i = 1; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = x[o + j] as number;
      if (v > (best[j] as number)) {
        best[j] = v;
        out[j] = i;
      }
    }
  }
  return out;
}

function toCase(axis: 0 | 1): BenchCase {
  const inputs = () => randomFloat32(ROWS * COLS, 11);
  const outSize = axis === 0 ? COLS : ROWS;
  return {
    id: `argmax/axis${axis}`,
    label: `argmax axis ${axis} of [${ROWS},${COLS}]`,
    family: "argmax",
    bytes: 4 * (ROWS * COLS + outSize),
    zerograd() {
      const x = new NDArray(inputs(), [ROWS, COLS]);
      return zerogradImpl(() => argmax(x, axis));
    },
    js() {
      const x = inputs();
      return jsImpl([outSize], () =>
        axis === 0 ? argmaxAxis0(x, ROWS, COLS) : argmaxAxis1(x, ROWS, COLS),
      );
    },
    tfjs(tf: Tf) {
      const x = tf.tensor2d(inputs(), [ROWS, COLS]);
      return tfjsImpl([x], () => tf.argMax(x, axis));
    },
    check(out) {
      const x = inputs();
      // Comparisons are exact, so the indices must match exactly; ties go to the first, as in NumPy.
      const reference = new Int32Array(outSize);
      const best = new Float64Array(outSize).fill(Number.NEGATIVE_INFINITY);
      for (let i = 0; i < ROWS; i++) {
        for (let j = 0; j < COLS; j++) {
          const [slot, index] = axis === 0 ? [j, i] : [i, j];
          const v = x[i * COLS + j] as number;
          if (v > (best[slot] as number)) {
            best[slot] = v;
            reference[slot] = index;
          }
        }
      }
      return checkEntries(out, [outSize], manyIndices(outSize), (i) => reference[i] as number);
    },
  };
}

/** Index of the maximum along each axis of a [1000,1000] float32 array (int32 result). */
export const argmaxSection: Section = {
  name: "argmax",
  title: "argmax of a [1000,1000] float32 array, int32 result; GB/s = 4·(|x|+|out|) bytes / t",
  cases: () => [toCase(1), toCase(0)],
};
