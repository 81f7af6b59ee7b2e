import { exp, NDArray } from "@zerograd/ndarray";
import { checkEntries, manyIndices } from "../checks";
import { jsImpl, type Tf, tfjsImpl, zerogradImpl } from "../impl";
import { randomFloat32 } from "../random";
import type { BenchCase, Section } from "../section";

/** out[i] = exp(x[i]). */
function expLoop(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i] as number);
  return out;
}

export const EXP_ID = "unary/exp";
const SHAPE = [1000, 1000];
const SIZE = 1_000_000;

const expCase: BenchCase = {
  id: EXP_ID,
  label: "exp [1000,1000]",
  family: "unary",
  bytes: 8 * SIZE,
  zerograd() {
    const x = new NDArray(randomFloat32(SIZE, 5), SHAPE);
    return zerogradImpl(() => exp(x));
  },
  js() {
    const x = randomFloat32(SIZE, 5);
    return jsImpl(SHAPE, () => expLoop(x));
  },
  tfjs(tf: Tf) {
    const x = tf.tensor(randomFloat32(SIZE, 5), SHAPE);
    return tfjsImpl([x], () => tf.exp(x));
  },
  check(out) {
    const x = randomFloat32(SIZE, 5);
    // exp of [-1,1) lies in [0.37, 2.72]; 2⁻²² relative is two float32 ulps.
    return checkEntries(
      out,
      SHAPE,
      manyIndices(SIZE),
      (i) => Math.exp(x[i] as number),
      (i) => Math.exp(x[i] as number) * 2 ** -22,
    );
  },
};

/** An elementwise unary op over 10⁶ float32 elements. */
export const unarySection: Section = {
  name: "unary",
  title: "unary exp, float32; GB/s = 8 bytes per element / t",
  cases: () => [expCase],
};
