import type { Tensor4D } from "@tensorflow/tfjs-core";
import { sum, Variable } from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { conv2d } from "@zerograd/nn";
import { checkEntries, spotIndices } from "../checks";
import type { Impl, Library, Output, Tf } from "../impl";
import { randomFloat32 } from "../random";
import { fmt, type Lookup } from "../results";
import type { BenchCase, Check, Section } from "../section";

// The case: a [32, 16, 28, 28] batch through a 3×3 convolution to 32 channels,
// padding 1, forward and backward (the input's, the weight's and the bias's gradients).
const N = 32;
const C = 16;
const H = 28;
const W = 28;
const OUT = 32;
const K = 3;
export const STEP_ID = "conv/3x3";
const FORWARD_ID = "conv/3x3-forward";
const TAPS = C * K * K;
const X_SIZE = N * C * H * W;
const W_SIZE = OUT * TAPS;
/** Multiply-adds of the forward pass; the backward pass does twice as many. */
const MACS = N * H * W * OUT * TAPS;

interface ConvData {
  /** [N, C, H, W]. */
  x: Float32Array;
  /** [OUT, C, K, K]. */
  w: Float32Array;
  /** [OUT]. */
  b: Float32Array;
}

let cached: ConvData | undefined;
function convData(): ConvData {
  cached ??= {
    x: randomFloat32(X_SIZE, 11),
    w: randomFloat32(W_SIZE, 12).map((v) => v / 12),
    b: randomFloat32(OUT, 13),
  };
  return cached;
}

/**
 * The gradients of sum(conv2d(x, w) + b) in float64, by their closed forms: every output
 * pixel's gradient is 1, so db[o] = N·H·W, dW[o, c, kh, kw] = the sum of x[:, c] over the
 * pixels that tap (kh, kw) reads, and dx[n, c, h, w] = the sum of w[:, c, kh, kw] over the taps
 * whose window covers (h, w). The check compares the flat [dx, dW, db] against it.
 */
let reference: Float64Array | undefined;
function gradientReference(): Float64Array {
  if (reference) return reference;
  const { x, w } = convData();
  const out = new Float64Array(X_SIZE + W_SIZE + OUT);
  // Pixels (h + kh − 1, w + kw − 1) in range: rows lo..hi of the image for each tap.
  const range = (k: number, size: number) => [Math.max(0, k - 1), Math.min(size, size + k - 1)];
  const tapSum = new Float64Array(C * K * K);
  for (let o = 0; o < OUT; o++) {
    for (let t = 0; t < TAPS; t++) tapSum[t] = (tapSum[t] as number) + (w[o * TAPS + t] as number);
  }
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let h = 0; h < H; h++) {
        for (let col = 0; col < W; col++) {
          let s = 0;
          for (let kh = 0; kh < K; kh++) {
            const y = h - kh + 1; // the output row whose window reads (h, col) with tap kh
            if (y < 0 || y >= H) continue;
            for (let kw = 0; kw < K; kw++) {
              const z = col - kw + 1;
              if (z >= 0 && z < W) s += tapSum[(c * K + kh) * K + kw] as number;
            }
          }
          out[((n * C + c) * H + h) * W + col] = s;
        }
      }
    }
  }
  for (let c = 0; c < C; c++) {
    for (let kh = 0; kh < K; kh++) {
      const [r0, r1] = range(kh, H) as [number, number];
      for (let kw = 0; kw < K; kw++) {
        const [c0, c1] = range(kw, W) as [number, number];
        let s = 0;
        for (let n = 0; n < N; n++) {
          for (let r = r0; r < r1; r++) {
            const row = ((n * C + c) * H + r) * W;
            for (let q = c0; q < c1; q++) s += x[row + q] as number;
          }
        }
        for (let o = 0; o < OUT; o++) out[X_SIZE + o * TAPS + (c * K + kh) * K + kw] = s;
      }
    }
  }
  out.fill(N * H * W, X_SIZE + W_SIZE);
  reference = out;
  return out;
}

/** The three gradients as one flat output, from NCHW/OIHW row-major arrays. */
function gradientsOutput(
  dx: ArrayLike<number>,
  dw: ArrayLike<number>,
  db: ArrayLike<number>,
): Output {
  return {
    shape: [X_SIZE + W_SIZE + OUT],
    at: (i) =>
      i < X_SIZE
        ? (dx[i] as number)
        : i < X_SIZE + W_SIZE
          ? (dw[i - X_SIZE] as number)
          : (db[i - X_SIZE - W_SIZE] as number),
  };
}

function checkGradients(out: Output): Check {
  const ref = gradientReference();
  // float32 sums of up to 25,088 products: a relative tolerance of the sum of magnitudes.
  return checkEntries(
    out,
    [ref.length],
    [
      ...spotIndices(X_SIZE, 2000),
      ...spotIndices(W_SIZE, 300).map((i) => i + X_SIZE),
      X_SIZE + W_SIZE,
    ],
    (i) => ref[i] as number,
    (i) => 1e-4 * (1 + Math.abs(ref[i] as number)),
  );
}

const ndArrays = () => {
  const { x, w, b } = convData();
  return {
    x: new nd.NDArray(x.slice(), [N, C, H, W]),
    w: new nd.NDArray(w.slice(), [OUT, C, K, K]),
    b: new nd.NDArray(b.slice(), [OUT]),
  };
};

/** autograd: nn's conv2d on Variables, backward from the sum, the three gradients read. */
function zerogradStep(): Impl {
  const { x, w, b } = ndArrays();
  const vx = new Variable(x);
  const vw = new Variable(w);
  const vb = new Variable(b);
  const step = () => {
    vx.clearGrad();
    vw.clearGrad();
    vb.clearGrad();
    sum(conv2d(vx, vw, vb, { padding: 1 })).backward();
    return [vx.grad, vw.grad, vb.grad] as Variable[];
  };
  return {
    call: step,
    callAndRead() {
      const [gx, gw, gb] = step().map((g) => g.data.toTypedArray());
      return { output: gradientsOutput(gx ?? [], gw ?? [], gb ?? []), release() {} };
    },
    dispose() {},
  };
}

/** The same step with ndarray's kernels by hand: im2col, two matmuls, col2im, a sum. */
function byHandStep(): Impl {
  const { x, w } = ndArrays();
  const wm = nd.reshape(w, [OUT, TAPS]);
  const step = () => {
    const col = nd.im2col(x, K, 1, 1); // [N·H·W, TAPS]
    const y = nd.matmul(col, nd.transpose(wm)); // the forward pass (its value is unused)
    const gy = nd.onesLike(y);
    const dw = nd.matmul(nd.transpose(gy), col);
    const db = nd.sum(gy, 0);
    const dx = nd.col2im(nd.matmul(gy, wm), [N, C, H, W], K, 1, 1);
    return [dx, dw, db];
  };
  return {
    call: step,
    callAndRead() {
      const [dx, dw, db] = step().map((g) => g.toTypedArray());
      return { output: gradientsOutput(dx ?? [], dw ?? [], db ?? []), release() {} };
    },
    dispose() {},
  };
}

/** tfjs in its own layout (NHWC input, HWIO filter): tf.grads of the same sum. */
function tfjsStep(tf: Tf): Impl {
  const { x, w, b } = convData();
  // NCHW → NHWC and OIHW → HWIO, once, outside the timing.
  const x4 = tf.transpose(tf.tensor4d(x, [N, C, H, W]), [0, 2, 3, 1]) as Tensor4D;
  const w4 = tf.transpose(tf.tensor4d(w, [OUT, C, K, K]), [2, 3, 1, 0]) as Tensor4D;
  const b1 = tf.tensor1d(b);
  const grads = tf.grads((xi, wi, bi) =>
    tf.sum(tf.add(tf.conv2d(xi as Tensor4D, wi as Tensor4D, 1, "same"), bi as Tensor)),
  );
  const step = () => grads([x4, w4, b1]);
  return {
    call() {
      const result = step();
      for (const t of result) t.dispose();
      return result;
    },
    callAndRead() {
      const [gx, gw, gb] = step() as [Tensor, Tensor, Tensor];
      const dx = gx.dataSync();
      const dw = gw.dataSync();
      const db = gb.dataSync();
      // Read NHWC / HWIO back in NCHW / OIHW order.
      const output: Output = {
        shape: [X_SIZE + W_SIZE + OUT],
        at(i) {
          if (i < X_SIZE) {
            const col = i % W;
            const h = Math.floor(i / W) % H;
            const c = Math.floor(i / (H * W)) % C;
            const n = Math.floor(i / (C * H * W));
            return dx[((n * H + h) * W + col) * C + c] as number;
          }
          if (i < X_SIZE + W_SIZE) {
            const j = i - X_SIZE;
            const kw = j % K;
            const kh = Math.floor(j / K) % K;
            const c = Math.floor(j / (K * K)) % C;
            const o = Math.floor(j / TAPS);
            return dw[((kh * K + kw) * C + c) * OUT + o] as number;
          }
          return db[i - X_SIZE - W_SIZE] as number;
        },
      };
      return {
        output,
        release() {
          for (const t of [gx, gw, gb]) t.dispose();
        },
      };
    },
    dispose() {
      for (const t of [x4, w4, b1]) t.dispose();
    },
  };
}

type Tensor = import("@tensorflow/tfjs-core").Tensor;

const stepCase: BenchCase = {
  id: STEP_ID,
  label: `conv2d [${N},${C},${H},${W}] * [${OUT},${C},${K},${K}], padding 1, float32: forward + backward (3 gradients)`,
  family: "autograd",
  flops: 3 * 2 * MACS,
  collect: false,
  names: { zerograd: "autograd", js: "by hand", "tfjs-cpu": "tfjs-cpu", "tfjs-wasm": "tfjs-wasm" },
  zerograd: zerogradStep,
  js: byHandStep,
  tfjs: tfjsStep,
  // tfjs-wasm 4.22 cannot train a conv layer: it registers neither.
  tfjsKernels: ["Conv2DBackpropFilter", "Conv2DBackpropInput"],
  check: (out) => checkGradients(out),
};

/** The forward pass alone (a checksum of the output is compared across libraries). */
const forwardCase: BenchCase = {
  id: FORWARD_ID,
  label: "the same convolution, forward only",
  family: "autograd",
  flops: 2 * MACS,
  collect: false,
  names: {
    zerograd: "autograd fwd",
    js: "ndarray fwd",
    "tfjs-cpu": "tfjs-cpu fwd",
    "tfjs-wasm": "tfjs-wasm fwd",
  },
  zerograd() {
    const { x, w, b } = ndArrays();
    const [vx, vw, vb] = [new Variable(x), new Variable(w), new Variable(b)];
    const op = () => conv2d(vx, vw, vb, { padding: 1 }).data;
    return forwardImpl(op);
  },
  js() {
    const { x, w, b } = ndArrays();
    const wt = nd.transpose(nd.reshape(w, [OUT, TAPS]));
    const op = () => {
      const y = nd.add(nd.matmul(nd.im2col(x, K, 1, 1), wt), b);
      return nd.transpose(nd.reshape(y, [N, H, W, OUT]), [0, 3, 1, 2]);
    };
    return forwardImpl(op);
  },
  tfjs(tf: Tf): Impl {
    const { x, w, b } = convData();
    const x4 = tf.transpose(tf.tensor4d(x, [N, C, H, W]), [0, 2, 3, 1]) as Tensor4D;
    const w4 = tf.transpose(tf.tensor4d(w, [OUT, C, K, K]), [2, 3, 1, 0]) as Tensor4D;
    const b1 = tf.tensor1d(b);
    const op = () => tf.tidy(() => tf.add(tf.conv2d(x4, w4, 1, "same"), b1));
    return {
      call() {
        const y = op();
        y.dispose();
        return y;
      },
      callAndRead() {
        const y = op();
        // NHWC back to NCHW order.
        const data = y.dataSync();
        return {
          output: {
            shape: [N, OUT, H, W],
            at(i) {
              const col = i % W;
              const h = Math.floor(i / W) % H;
              const o = Math.floor(i / (H * W)) % OUT;
              const n = Math.floor(i / (OUT * H * W));
              return data[((n * H + h) * W + col) * OUT + o] as number;
            },
          },
          release: () => y.dispose(),
        };
      },
      dispose() {
        for (const t of [x4, w4, b1]) t.dispose();
      },
    };
  },
  check: (out) => checkForward(out),
};

function forwardImpl(op: () => nd.NDArray): Impl {
  return {
    call: op,
    callAndRead() {
      const y = op().toTypedArray();
      return { output: { shape: [N, OUT, H, W], at: (i) => y[i] as number }, release() {} };
    },
    dispose() {},
  };
}

/** A few output pixels computed in float64 straight from the definition. */
function checkForward(out: Output): Check {
  const { x, w, b } = convData();
  const size = N * OUT * H * W;
  const value = (i: number) => {
    const col = i % W;
    const h = Math.floor(i / W) % H;
    const o = Math.floor(i / (H * W)) % OUT;
    const n = Math.floor(i / (OUT * H * W));
    let s = b[o] as number;
    for (let c = 0; c < C; c++) {
      for (let kh = 0; kh < K; kh++) {
        const r = h + kh - 1;
        if (r < 0 || r >= H) continue;
        for (let kw = 0; kw < K; kw++) {
          const q = col + kw - 1;
          if (q < 0 || q >= W) continue;
          s +=
            (x[((n * C + c) * H + r) * W + q] as number) *
            (w[o * TAPS + (c * K + kh) * K + kw] as number);
        }
      }
    }
    return s;
  };
  return checkEntries(out, [N, OUT, H, W], spotIndices(size, 2000), value, () => 1e-4);
}

const medianMs = (lookup: Lookup, id: string, lib: Library): number | undefined => {
  const r = lookup(id, lib);
  return r?.timing && r.check?.ok ? r.timing.medianMs : undefined;
};

function summary(lookup: Lookup): string[] {
  const ratio = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined ? `${fmt(a / b)}×` : "n/a";
  const step = (lib: Library) => medianMs(lookup, STEP_ID, lib);
  const forward = (lib: Library) => medianMs(lookup, FORWARD_ID, lib);
  return [
    "ratios of medians (> 1: zerograd's autograd is faster):",
    `  tfjs-cpu step / autograd step          ${ratio(step("tfjs-cpu"), step("zerograd")).padStart(7)}`,
    `  tfjs-wasm step / autograd step         ${ratio(step("tfjs-wasm"), step("zerograd")).padStart(7)}${step("tfjs-wasm") === undefined ? "   (tfjs-wasm 4.22 has no Conv2DBackpropFilter kernel: it cannot train a conv layer)" : ""}`,
    `  tfjs-cpu fwd / autograd fwd            ${ratio(forward("tfjs-cpu"), forward("zerograd")).padStart(7)}`,
    `  tfjs-wasm fwd / autograd fwd           ${ratio(forward("tfjs-wasm"), forward("zerograd")).padStart(7)}`,
    `  autograd step / by-hand step           ${ratio(step("zerograd"), step("js")).padStart(7)}`,
  ];
}

/** A CNN's convolution layer, forward and backward, next to tfjs's conv2d. */
export const convSection: Section = {
  name: "conv",
  title: `conv2d ${K}×${K}, [${N},${C},${H},${W}] → [${N},${OUT},${H},${W}], float32 (im2col + GEMM)`,
  cases: () => [stepCase, forwardCase],
  tfjsGradients: true,
  summary: (lookup) => summary(lookup),
};
