import { im2col, NDArray } from "@zerograd/ndarray";
import { checkEntries, manyIndices } from "../checks";
import { jsImpl, zerogradImpl } from "../impl";
import { randomFloat32 } from "../random";
import type { BenchCase, Section } from "../section";

/** The image batch [N,C,H,W] and the window: a 3×3 kernel, stride 1, padding 1. */
const N = 32;
const C = 16;
const H = 28;
const W = 28;
const K = 3;
const STRIDE = 1;
const PAD = 1;
const OH = Math.floor((H + 2 * PAD - K) / STRIDE) + 1;
const OW = Math.floor((W + 2 * PAD - K) / STRIDE) + 1;
const ROWS = N * OH * OW;
const COLS = C * K * K;

/**
 * The [N·OH·OW, C·K·K] matrix written in order, one entry per step of a 6-deep loop; entries
 * in the padding stay 0. The sizes are parameters, so the engine cannot fold them as constants.
 */
function im2colLoop(
  x: Float32Array,
  [nn, cc, hh, ww]: readonly number[],
  k: number,
  stride: number,
  pad: number,
): Float32Array {
  const oh0 = Math.floor((hh + 2 * pad - k) / stride) + 1;
  const ow0 = Math.floor((ww + 2 * pad - k) / stride) + 1;
  const out = new Float32Array(nn * oh0 * ow0 * cc * k * k);
  let i = 0;
  for (let n = 0; n < nn; n++) {
    for (let oh = 0; oh < oh0; oh++) {
      for (let ow = 0; ow < ow0; ow++) {
        for (let c = 0; c < cc; c++) {
          for (let kh = 0; kh < k; kh++) {
            const y = oh * stride - pad + kh;
            for (let kw = 0; kw < k; kw++, i++) {
              const xx = ow * stride - pad + kw;
              if (y >= 0 && y < hh && xx >= 0 && xx < ww) {
                out[i] = x[((n * cc + c) * hh + y) * ww + xx] as number;
              }
            }
          }
        }
      }
    }
  }
  return out;
}

const inputs = () => randomFloat32(N * C * H * W, 16);

const im2colCase: BenchCase = {
  id: "im2col/3x3",
  label: `im2col [${N},${C},${H},${W}], 3×3 kernel, stride 1, pad 1 → [${ROWS},${COLS}]`,
  family: "im2col",
  bytes: 4 * (N * C * H * W + ROWS * COLS),
  zerograd() {
    const x = new NDArray(inputs(), [N, C, H, W]);
    return zerogradImpl(() => im2col(x, K, STRIDE, PAD));
  },
  js() {
    const x = inputs();
    const shape = [N, C, H, W];
    return jsImpl([ROWS, COLS], () => im2colLoop(x, shape, K, STRIDE, PAD));
  },
  check(out) {
    const x = inputs();
    // A copy with zeros in the padding: exact.
    return checkEntries(out, [ROWS, COLS], manyIndices(ROWS * COLS), (flat) => {
      const row = Math.floor(flat / COLS);
      const col = flat % COLS;
      const n = Math.floor(row / (OH * OW));
      const oh = Math.floor(row / OW) % OH;
      const ow = row % OW;
      const c = Math.floor(col / (K * K));
      const kh = Math.floor(col / K) % K;
      const kw = col % K;
      const y = oh * STRIDE - PAD + kh;
      const xx = ow * STRIDE - PAD + kw;
      if (y < 0 || y >= H || xx < 0 || xx >= W) return 0;
      return x[((n * C + c) * H + y) * W + xx] as number;
    });
  },
};

/** Unfolding convolution windows into a matrix (tfjs has no counterpart: its conv2d does it inside). */
export const im2colSection: Section = {
  name: "im2col",
  title: "im2col, float32 (no tfjs counterpart); GB/s = 4·(|x|+|col|) bytes / t",
  cases: () => [im2colCase],
};
