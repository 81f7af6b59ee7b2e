import { concat, NDArray } from "@zerograd/ndarray";
import { checkEntries, manyIndices } from "../checks";
import { jsImpl, type Tf, tfjsImpl, zerogradImpl } from "../impl";
import { randomFloat32 } from "../random";
import type { BenchCase, Section } from "../section";

const ROWS = 500;
const COLS = 1000;

/** [a; b]: a's elements, then b's. */
function concatRows(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] as number;
  const n = a.length;
  for (let i = 0; i < b.length; i++) out[n + i] = b[i] as number;
  return out;
}

/** [a, b] side by side: each output row is a's row, then b's. */
function concatColumns(a: Float32Array, b: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(2 * rows * cols);
  for (let i = 0; i < rows; i++) {
    const from = i * cols;
    const to = 2 * from;
    for (let j = 0; j < cols; j++) out[to + j] = a[from + j] as number;
    for (let j = 0; j < cols; j++) out[to + cols + j] = b[from + j] as number;
  }
  return out;
}

function toCase(axis: 0 | 1): BenchCase {
  const inputs = () => ({ a: randomFloat32(ROWS * COLS, 14), b: randomFloat32(ROWS * COLS, 15) });
  const outShape = axis === 0 ? [2 * ROWS, COLS] : [ROWS, 2 * COLS];
  const outSize = 2 * ROWS * COLS;
  return {
    id: `concat/axis${axis}`,
    label: `concat two [${ROWS},${COLS}] along axis ${axis}`,
    family: "concat",
    bytes: 8 * outSize,
    zerograd() {
      const { a, b } = inputs();
      const x = new NDArray(a, [ROWS, COLS]);
      const y = new NDArray(b, [ROWS, COLS]);
      return zerogradImpl(() => concat([x, y], axis));
    },
    js() {
      const { a, b } = inputs();
      return jsImpl(outShape, () =>
        axis === 0 ? concatRows(a, b) : concatColumns(a, b, ROWS, COLS),
      );
    },
    tfjs(tf: Tf) {
      const { a, b } = inputs();
      const x = tf.tensor2d(a, [ROWS, COLS]);
      const y = tf.tensor2d(b, [ROWS, COLS]);
      return tfjsImpl([x, y], () => tf.concat([x, y], axis));
    },
    check(out) {
      const { a, b } = inputs();
      const width = outShape[1] as number;
      // A copy: exact.
      return checkEntries(out, outShape, manyIndices(outSize), (flat) => {
        const r = Math.floor(flat / width);
        const c = flat % width;
        if (axis === 0) return (r < ROWS ? a[flat] : b[flat - ROWS * COLS]) as number;
        return (c < COLS ? a[r * COLS + c] : b[r * COLS + c - COLS]) as number;
      });
    },
  };
}

/** Joining two [500,1000] float32 arrays along each axis. */
export const concatSection: Section = {
  name: "concat",
  title: "concat of two [500,1000] float32 arrays; GB/s = 8·|out| bytes / t",
  cases: () => [toCase(0), toCase(1)],
};
