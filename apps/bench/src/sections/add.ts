import { add, NDArray } from "@zerograd/ndarray";
import { checkEntries, manyIndices } from "../checks";
import { jsImpl, type Tf, tfjsImpl, zerogradImpl } from "../impl";
import { randomFloat32 } from "../random";
import type { BenchCase, Section } from "../section";

/** out[i,j] = a[i,j] + b[j]: a bias added to every row. */
function addRow(
  a: Float32Array,
  b: Float32Array,
  rows: number,
  cols: number,
  out = new Float32Array(rows * cols),
): Float32Array {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[o + j] = (a[o + j] as number) + (b[j] as number);
  }
  return out;
}

/** out[i,j,k] = a[i,0,k] + b[0,j,k]: both operands broadcast, along different axes. */
function addOuter3d(
  a: Float32Array,
  b: Float32Array,
  ni: number,
  nj: number,
  nk: number,
  out = new Float32Array(ni * nj * nk),
): Float32Array {
  for (let i = 0; i < ni; i++) {
    for (let j = 0; j < nj; j++) {
      const o = (i * nj + j) * nk;
      const ao = i * nk;
      const bo = j * nk;
      for (let k = 0; k < nk; k++) out[o + k] = (a[ao + k] as number) + (b[bo + k] as number);
    }
  }
  return out;
}

interface Pattern {
  id: string;
  aShape: number[];
  bShape: number[];
  outShape: number[];
}

const PATTERNS: Pattern[] = [
  { id: "add/row", aShape: [1000, 1000], bShape: [1000], outShape: [1000, 1000] },
  { id: "add/3d", aShape: [100, 1, 100], bShape: [1, 100, 100], outShape: [100, 100, 100] },
  // 10⁸ outputs, 400 MB: the runner takes few samples of it.
  { id: "add/3d-big", aShape: [1000, 1, 100], bShape: [1, 1000, 100], outShape: [1000, 1000, 100] },
];

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/**
 * `inPlace`: zerograd writes into a preallocated array (`add(a, b, { out })`) and the loop into
 * a preallocated buffer, which takes the page faults of a fresh output out of both timings.
 */
function toCase({ id, aShape, bShape, outShape }: Pattern, inPlace: boolean): BenchCase {
  const inputs = () => ({ a: randomFloat32(size(aShape), 3), b: randomFloat32(size(bShape), 4) });
  const outSize = size(outShape);
  // Flat output index → flat indices of the two operands (stride 0 on their size-1 axes).
  const sources = (flat: number): [number, number] => {
    if (outShape.length === 2) return [flat, flat % (outShape[1] as number)];
    const [, nj, nk] = outShape as [number, number, number];
    const k = flat % nk;
    const j = Math.floor(flat / nk) % nj;
    const i = Math.floor(flat / (nk * nj));
    return [i * nk + k, j * nk + k];
  };
  const allocating = {
    tfjs(tf: Tf) {
      const { a, b } = inputs();
      const x = tf.tensor(a, aShape);
      const y = tf.tensor(b, bShape);
      return tfjsImpl([x, y], () => tf.add(x, y));
    },
  };
  return {
    id: inPlace ? `${id}-out` : id,
    label: `[${aShape}]+[${bShape}]${inPlace ? " into out" : ""}`,
    family: inPlace ? "broadcast add, in place" : "broadcast add",
    bytes: 4 * (size(aShape) + size(bShape) + outSize),
    zerograd() {
      const { a, b } = inputs();
      const x = new NDArray(a, aShape);
      const y = new NDArray(b, bShape);
      if (!inPlace) return zerogradImpl(() => add(x, y));
      const out = new NDArray(new Float32Array(outSize), outShape);
      return zerogradImpl(() => add(x, y, { out }));
    },
    js() {
      const { a, b } = inputs();
      const out = inPlace ? new Float32Array(outSize) : undefined;
      if (outShape.length === 2) {
        const [rows, cols] = outShape as [number, number];
        return jsImpl(outShape, () => addRow(a, b, rows, cols, out));
      }
      const [ni, nj, nk] = outShape as [number, number, number];
      return jsImpl(outShape, () => addOuter3d(a, b, ni, nj, nk, out));
    },
    ...(inPlace ? {} : allocating),
    check(out) {
      const { a, b } = inputs();
      // The float32 sum of two float32 numbers is their exact sum rounded once: no tolerance.
      return checkEntries(out, outShape, manyIndices(outSize), (flat) => {
        const [ia, ib] = sources(flat);
        return Math.fround((a[ia] as number) + (b[ib] as number));
      });
    },
  };
}

/** Broadcast add for a row bias and two 3-D outer patterns. */
export const addSection: Section = {
  name: "add",
  title: "broadcast add, float32; GB/s = 4·(|a|+|b|+|out|) bytes / t",
  cases: () => [...PATTERNS.map((p) => toCase(p, false)), ...PATTERNS.map((p) => toCase(p, true))],
};
