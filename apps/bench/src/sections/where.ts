import { greater, NDArray, where } from "@zerograd/ndarray";
import { checkEntries, manyIndices } from "../checks";
import { jsImpl, type Tf, tfjsImpl, zerogradImpl } from "../impl";
import { randomFloat32 } from "../random";
import type { BenchCase, Section } from "../section";

const SHAPE = [1000, 1000];
const SIZE = 1_000_000;

/**
 * The same two passes as `where(greater(x, 0), x, 0)`: a 0/1 mask is allocated and filled,
 * then the output is allocated and filled from it.
 */
function reluMask(x: Float32Array): Float32Array {
  const n = x.length;
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = (x[i] as number) > 0 ? 1 : 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mask[i] !== 0 ? (x[i] as number) : 0;
  return out;
}

const reluCase: BenchCase = {
  id: "where/relu",
  label: "where(greater(x, 0), x, 0), x [1000,1000]",
  family: "compare/where",
  // greater: read x (4), write the mask (1); where: read mask and x (5), write out (4).
  bytes: 14 * SIZE,
  zerograd() {
    const x = new NDArray(randomFloat32(SIZE, 17), SHAPE);
    return zerogradImpl(() => where(greater(x, 0), x, 0));
  },
  js() {
    const x = randomFloat32(SIZE, 17);
    return jsImpl(SHAPE, () => reluMask(x));
  },
  tfjs(tf: Tf) {
    const x = tf.tensor(randomFloat32(SIZE, 17), SHAPE);
    const zeros = tf.zerosLike(x);
    // tidy frees the intermediate mask; the result is kept and disposed by tfjsImpl.
    return tfjsImpl([x, zeros], () => tf.tidy(() => tf.where(tf.greater(x, 0), x, zeros)));
  },
  check(out) {
    const x = randomFloat32(SIZE, 17);
    // A comparison and a select: exact.
    return checkEntries(out, SHAPE, manyIndices(SIZE), (i) => Math.max(x[i] as number, 0));
  },
};

/** A comparison then a select over 10⁶ float32 elements (the ReLU forward pass as two ops). */
export const whereSection: Section = {
  name: "where",
  title: "compare + where (ReLU as two ops), float32; GB/s = 14 bytes per element / t",
  cases: () => [reluCase],
};
