import { NDArray, sum } from "@zerograd/ndarray";
import { checkEntries, manyIndices } from "../checks";
import { jsImpl, type Tf, tfjsImpl, zerogradImpl } from "../impl";
import { quarterSteps } from "../random";
import type { BenchCase, Section } from "../section";

const ROWS = 1000;
const COLS = 1000;

/** Column sums: rows are added into the output one after another, so every read is contiguous. */
function sumAxis0(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[j] = (out[j] as number) + (x[o + j] as number);
  }
  return out;
}

/** Row sums, one running total per row. */
function sumAxis1(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[o + j] as number;
    out[i] = s;
  }
  return out;
}

/** The sum of every element, as a one-element array (the 0-d result). */
function sumAll(x: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] as number;
  return Float32Array.of(s);
}

type Reduction = "axis0" | "axis1" | "all";

function toCase(reduction: Reduction): BenchCase {
  const inputs = () => quarterSteps(ROWS * COLS, 6);
  const outShape = reduction === "axis0" ? [COLS] : reduction === "axis1" ? [ROWS] : [];
  const outSize = reduction === "all" ? 1 : (outShape[0] as number);
  const axis = reduction === "axis0" ? 0 : reduction === "axis1" ? 1 : undefined;
  return {
    id: `sum/${reduction}`,
    label: `sum ${reduction === "all" ? "all axes" : `axis ${axis}`} of [${ROWS},${COLS}]`,
    family: "reduction",
    bytes: 4 * (ROWS * COLS + outSize),
    zerograd() {
      const x = new NDArray(inputs(), [ROWS, COLS]);
      return zerogradImpl(() => sum(x, axis));
    },
    js() {
      const x = inputs();
      if (reduction === "axis0") return jsImpl(outShape, () => sumAxis0(x, ROWS, COLS));
      if (reduction === "axis1") return jsImpl(outShape, () => sumAxis1(x, ROWS, COLS));
      return jsImpl(outShape, () => sumAll(x));
    },
    tfjs(tf: Tf) {
      const x = tf.tensor2d(inputs(), [ROWS, COLS]);
      return tfjsImpl([x], () => tf.sum(x, axis));
    },
    check(out) {
      const x = inputs();
      const reference = new Float64Array(outSize);
      for (let i = 0; i < ROWS; i++) {
        for (let j = 0; j < COLS; j++) {
          const at = reduction === "axis0" ? j : reduction === "axis1" ? i : 0;
          reference[at] = (reference[at] as number) + (x[i * COLS + j] as number);
        }
      }
      // The inputs are multiples of 1/4, so every partial sum is exact: no tolerance.
      return checkEntries(out, outShape, manyIndices(outSize), (i) => reference[i] as number);
    },
  };
}

/** Sums of a [1000,1000] float32 array along each axis and over all of it. */
export const sumSection: Section = {
  name: "sum",
  title: "sum of a [1000,1000] float32 array; GB/s = 4·(|x|+|out|) bytes / t",
  cases: () => (["axis0", "axis1", "all"] as const).map(toCase),
};
