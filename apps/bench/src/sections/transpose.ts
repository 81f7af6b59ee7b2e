import { NDArray } from "@zerograd/ndarray";
import { checkEntries, manyIndices } from "../checks";
import { jsImpl, type Tf, tfjsImpl, zerogradImpl } from "../impl";
import { randomFloat32 } from "../random";
import type { BenchCase, Section } from "../section";

const N = 1000;

/** out = xᵀ for a square n×n x: contiguous writes, strided reads. */
function transposeCopy(x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) out[o + j] = x[j * n + i] as number;
  }
  return out;
}

const transposeCase: BenchCase = {
  id: "transpose/copy",
  label: `contiguous(transpose(x)), x [${N},${N}]`,
  family: "transpose-copy",
  bytes: 8 * N * N,
  zerograd() {
    const view = new NDArray(randomFloat32(N * N, 7), [N, N]).transpose();
    return zerogradImpl(() => view.contiguous());
  },
  js() {
    const x = randomFloat32(N * N, 7);
    return jsImpl([N, N], () => transposeCopy(x, N));
  },
  tfjs(tf: Tf) {
    // tfjs has no views: transpose always writes a new tensor.
    const x = tf.tensor2d(randomFloat32(N * N, 7), [N, N]);
    return tfjsImpl([x], () => tf.transpose(x));
  },
  check(out) {
    const x = randomFloat32(N * N, 7);
    return checkEntries(
      out,
      [N, N],
      manyIndices(N * N),
      (flat) => x[(flat % N) * N + Math.floor(flat / N)] as number,
    );
  },
};

/** Materialising a transposed view: the copy an eager op pays for a non-contiguous input. */
export const transposeSection: Section = {
  name: "transpose",
  title: "transpose copy, float32; GB/s = 8 bytes per element / t",
  cases: () => [transposeCase],
};
