import { NDArray, take } from "@zerograd/ndarray";
import { checkEntries, manyIndices } from "../checks";
import { jsImpl, type Tf, tfjsImpl, zerogradImpl } from "../impl";
import { randomFloat32 } from "../random";
import type { BenchCase, Section } from "../section";

/** out[p, :] = x[idx[p], :]: whole rows gathered from a row-major [rows, cols] array. */
function takeRows(x: Float32Array, idx: Int32Array, cols: number): Float32Array {
  const out = new Float32Array(idx.length * cols);
  for (let p = 0; p < idx.length; p++) {
    const from = (idx[p] as number) * cols;
    const to = p * cols;
    for (let j = 0; j < cols; j++) out[to + j] = x[from + j] as number;
  }
  return out;
}

/** out[i, p] = x[i, idx[p]]: the same columns picked from every row. */
function takeColumns(x: Float32Array, idx: Int32Array, rows: number, cols: number): Float32Array {
  const picks = idx.length;
  const out = new Float32Array(rows * picks);
  for (let i = 0; i < rows; i++) {
    const from = i * cols;
    const to = i * picks;
    for (let p = 0; p < picks; p++) out[to + p] = x[from + (idx[p] as number)] as number;
  }
  return out;
}

/** `count` seeded indices in [0, length), with repeats allowed, like a sampled minibatch. */
function randomIndices(count: number, length: number, seed: number): Int32Array {
  const u = randomFloat32(count, seed);
  return Int32Array.from(u, (v) => Math.min(length - 1, Math.floor(((v + 1) / 2) * length)));
}

interface Pattern {
  id: string;
  label: string;
  shape: [number, number];
  axis: 0 | 1;
  picks: number;
  seed: number;
}

const PATTERNS: Pattern[] = [
  {
    id: "take/rows",
    label: "take 128 rows of [60000,784] (a minibatch), axis 0",
    shape: [60000, 784],
    axis: 0,
    picks: 128,
    seed: 12,
  },
  {
    id: "take/cols",
    label: "take 100 columns of [1000,1000], axis 1",
    shape: [1000, 1000],
    axis: 1,
    picks: 100,
    seed: 13,
  },
];

// The dataset is 188 MB: build each input once per process and share it between zerograd,
// the loop and the checks (nobody writes to it).
const cache = new Map<string, Float32Array>();
function source({ id, shape, seed }: Pattern): Float32Array {
  let x = cache.get(id);
  if (!x) {
    x = randomFloat32(shape[0] * shape[1], seed);
    cache.set(id, x);
  }
  return x;
}

function toCase(p: Pattern): BenchCase {
  const [rows, cols] = p.shape;
  const idx = () => randomIndices(p.picks, p.shape[p.axis], p.seed + 100);
  const outShape = p.axis === 0 ? [p.picks, cols] : [rows, p.picks];
  const outSize = (outShape[0] as number) * (outShape[1] as number);
  return {
    id: p.id,
    label: p.label,
    family: "take",
    // Each output element is read once and written once; the indices are read too.
    bytes: 8 * outSize + 4 * p.picks,
    zerograd() {
      const x = new NDArray(source(p), p.shape);
      const indices = new NDArray(idx(), [p.picks]);
      return zerogradImpl(() => take(x, indices, p.axis));
    },
    js() {
      const x = source(p);
      const i = idx();
      return jsImpl(outShape, () =>
        p.axis === 0 ? takeRows(x, i, cols) : takeColumns(x, i, rows, cols),
      );
    },
    tfjs(tf: Tf) {
      const x = tf.tensor2d(source(p), p.shape);
      const indices = tf.tensor1d(idx(), "int32");
      return tfjsImpl([x, indices], () => tf.gather(x, indices, p.axis));
    },
    check(out) {
      const x = source(p);
      const i = idx();
      const width = outShape[1] as number;
      // A gather copies: exact.
      return checkEntries(out, outShape, manyIndices(outSize), (flat) => {
        const r = Math.floor(flat / width);
        const c = flat % width;
        const at = p.axis === 0 ? (i[r] as number) * cols + c : r * cols + (i[c] as number);
        return x[at] as number;
      });
    },
  };
}

/** Gathering by int32 indices: a minibatch of dataset rows, and columns of a square array. */
export const takeSection: Section = {
  name: "take",
  title: "take (gather) by int32 indices, float32; GB/s = 4·(2·|out| + |indices|) bytes / t",
  cases: () => PATTERNS.map(toCase),
};
