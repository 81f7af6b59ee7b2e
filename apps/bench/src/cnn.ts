import { relu, reshape, type Variable, type VariableLike } from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { BatchNorm2d, Conv2d, crossEntropy, Layer, Linear, MaxPool2d } from "@zerograd/nn";
import { Adam } from "@zerograd/optim";
import type { Output } from "./impl";
import { randomFloat32 } from "./random";
import type { Check } from "./section";

// The demo's CNN (apps/demo/src/commands/cnn.ts, `DigitCnn([8, 16])`), rebuilt here from nn's
// layers so the bench does not depend on the demo: [N, 784] → [N, 1, 28, 28], then twice
// conv 3×3 (padding 1) → batch norm → ReLU → 2×2 max pool (28 → 14 → 7), then Linear(784, 10).
// One training step: clear the gradients, crossEntropy, backward, Adam (lr 0.005). A float64
// replay in plain loops checks every engine's loss, gradients and update.

export const CNN_BATCH = 32;
const SIDE = 28;
const PIXELS = SIDE * SIDE;
const C1 = 8;
const C2 = 16;
const CLASSES = 10;
const FC_IN = C2 * (SIDE / 4) * (SIDE / 4);
export const CNN_LR = 0.005;
const BN_EPS = 1e-5;
const ADAM_EPS = 1e-8;

/** The parameters in state-dict order (DigitCnn's keys) with their shapes. */
export const CNN_PARAMETERS: readonly (readonly [string, readonly number[]])[] = [
  ["conv1.weight", [C1, 1, 3, 3]],
  ["conv1.bias", [C1]],
  ["bn1.weight", [C1]],
  ["bn1.bias", [C1]],
  ["conv2.weight", [C2, C1, 3, 3]],
  ["conv2.bias", [C2]],
  ["bn2.weight", [C2]],
  ["bn2.bias", [C2]],
  ["fc.weight", [CLASSES, FC_IN]],
  ["fc.bias", [CLASSES]],
];
const sizeOf = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
const PARAMETER_SIZES = CNN_PARAMETERS.map(([, shape]) => sizeOf(shape));
const PARAMETER_COUNT = PARAMETER_SIZES.reduce((s, n) => s + n, 0);
/** What a step reads back: the loss, every gradient, every parameter after the update. */
export const CNN_OUTPUT_SIZE = 1 + 2 * PARAMETER_COUNT;

/** Seeded inputs, labels and initial parameters, the same in every process and every row. */
export interface CnnData {
  /** [N, 784], pixel-like values in [0, 1). */
  x: Float32Array;
  /** [N] class indices. */
  labels: Int32Array;
  /** The initial parameters by state-dict key. */
  parameters: Map<string, Float32Array>;
}

let cached: CnnData | undefined;

/**
 * PyTorch's default initialisation, drawn from the bench's seeded generator: convolutions and
 * Linear uniform in ±1/√fanIn, batch norm's scale 1 and shift 0.
 */
export function cnnData(): CnnData {
  if (cached) return cached;
  const x = randomFloat32(CNN_BATCH * PIXELS, 41);
  for (let i = 0; i < x.length; i++) x[i] = ((x[i] as number) + 1) / 2;
  const draws = randomFloat32(CNN_BATCH, 42);
  const labels = Int32Array.from(draws, (d) =>
    Math.min(CLASSES - 1, Math.floor(((d + 1) / 2) * CLASSES)),
  );
  const fanIn: Record<string, number> = { conv1: 9, conv2: C1 * 9, fc: FC_IN };
  const parameters = new Map<string, Float32Array>();
  CNN_PARAMETERS.forEach(([key, shape], k) => {
    const [layer, kind] = key.split(".") as [string, string];
    const size = sizeOf(shape);
    if (layer.startsWith("bn")) {
      parameters.set(key, new Float32Array(size).fill(kind === "weight" ? 1 : 0));
    } else {
      const bound = 1 / Math.sqrt(fanIn[layer] as number);
      parameters.set(
        key,
        randomFloat32(size, 43 + k).map((v) => v * bound),
      );
    }
  });
  cached = { x, labels, parameters };
  return cached;
}

/** DigitCnn([8, 16]) of the demo, field for field (so the state-dict keys are the same). */
export class BenchCnn extends Layer {
  conv1 = new Conv2d(1, C1, 3, { padding: 1 });
  bn1 = new BatchNorm2d(C1);
  conv2 = new Conv2d(C1, C2, 3, { padding: 1 });
  bn2 = new BatchNorm2d(C2);
  pool = new MaxPool2d(2);
  fc = new Linear(FC_IN, CLASSES);

  forward(images: VariableLike): Variable {
    const x = reshape(images, [-1, 1, SIDE, SIDE]);
    const h1 = this.pool.call(relu(this.bn1.call(this.conv1.call(x))));
    const h2 = this.pool.call(relu(this.bn2.call(this.conv2.call(h1))));
    return this.fc.call(reshape(h2, [h2.shape[0] as number, -1]));
  }
}

/** The model on the current engine, loaded with `cnnData()`'s weights, Adam and the batch. */
export class CnnTrainer {
  readonly model = new BenchCnn();
  readonly optimizer: Adam;
  private readonly x: nd.NDArray;
  private readonly labels: nd.NDArray;

  constructor(d: CnnData = cnnData()) {
    const own = this.model.stateDict();
    const dict: Record<string, nd.NDArray> = { ...own };
    for (const [key, shape] of CNN_PARAMETERS) {
      dict[key] = new nd.NDArray((d.parameters.get(key) as Float32Array).slice(), [...shape]);
    }
    this.model.loadStateDict(dict);
    this.model.train();
    this.optimizer = new Adam(this.model.parameters(), { lr: CNN_LR });
    this.x = new nd.NDArray(d.x.slice(), [CNN_BATCH, PIXELS]);
    this.labels = new nd.NDArray(d.labels.slice(), [CNN_BATCH]);
  }

  /** One training step, as the demo's loop runs it; returns the loss. */
  step(): Variable {
    const loss = crossEntropy(this.model.call(this.x), this.labels);
    this.model.zeroGrad();
    loss.backward();
    this.optimizer.step();
    return loss;
  }

  /** One step, then the loss, the gradients and the updated parameters as one flat output. */
  stepAndRead(): Output {
    const loss = this.step().item();
    const named = new Map(this.model.namedParameters());
    const gradients: ArrayLike<number>[] = [];
    const values: ArrayLike<number>[] = [];
    for (const [key] of CNN_PARAMETERS) {
      const p = named.get(key);
      if (!p) throw new Error(`the bench CNN has no parameter ${key}`);
      gradients.push(p.grad?.data.toTypedArray() ?? []);
      values.push(p.data.toTypedArray());
    }
    return cnnOutput(loss, gradients, values);
  }
}

/** Flattens a step's loss, gradients and updated parameters (state-dict order, row-major). */
export function cnnOutput(
  loss: number,
  gradients: readonly ArrayLike<number>[],
  values: readonly ArrayLike<number>[],
): Output {
  const parts = [...gradients, ...values];
  const flat = new Float64Array(1 + parts.reduce((s, part) => s + part.length, 0));
  flat[0] = loss;
  let offset = 1;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) flat[offset + i] = part[i] as number;
    offset += part.length;
  }
  // A missing gradient makes the output short, which the check's shape test rejects.
  return { shape: [flat.length], at: (i) => flat[i] as number };
}

// ── the float64 replay ─────────────────────────────────────────────────────────────────────

type Params = ReadonlyMap<string, ArrayLike<number>>;
const get = (p: Params, key: string) => p.get(key) as ArrayLike<number>;
const absolute = (a: ArrayLike<number>) => Float64Array.from(a as ArrayLike<number>, Math.abs);

/** A 3×3 convolution with padding 1 of [N, cin, size, size], in float64. */
function conv3x3(
  x: Float64Array,
  cin: number,
  size: number,
  w: ArrayLike<number>,
  b: ArrayLike<number>,
  cout: number,
): Float64Array {
  const plane = size * size;
  const out = new Float64Array(CNN_BATCH * cout * plane);
  for (let n = 0; n < CNN_BATCH; n++) {
    for (let o = 0; o < cout; o++) {
      const base = (n * cout + o) * plane;
      out.fill(b[o] as number, base, base + plane);
      for (let c = 0; c < cin; c++) {
        const input = (n * cin + c) * plane;
        for (let kh = 0; kh < 3; kh++) {
          for (let kw = 0; kw < 3; kw++) {
            const weight = w[((o * cin + c) * 3 + kh) * 3 + kw] as number;
            for (let h = 0; h < size; h++) {
              const r = h + kh - 1;
              if (r < 0 || r >= size) continue;
              for (let col = 0; col < size; col++) {
                const q = col + kw - 1;
                if (q < 0 || q >= size) continue;
                out[base + h * size + col] =
                  (out[base + h * size + col] as number) +
                  weight * (x[input + r * size + q] as number);
              }
            }
          }
        }
      }
    }
  }
  return out;
}

/**
 * conv3x3's backward from the output gradient `dz`: the weight and bias gradients, and the
 * input gradient (`dz` through the flipped kernel) when `w` is given.
 */
function conv3x3Backward(
  x: Float64Array,
  cin: number,
  size: number,
  dz: Float64Array,
  cout: number,
  w?: ArrayLike<number>,
): { weight: Float64Array; bias: Float64Array; input?: Float64Array } {
  const plane = size * size;
  const weight = new Float64Array(cout * cin * 9);
  const bias = new Float64Array(cout);
  const input = w ? new Float64Array(CNN_BATCH * cin * plane) : undefined;
  for (let n = 0; n < CNN_BATCH; n++) {
    for (let o = 0; o < cout; o++) {
      const base = (n * cout + o) * plane;
      for (let i = 0; i < plane; i++) bias[o] = (bias[o] as number) + (dz[base + i] as number);
      for (let c = 0; c < cin; c++) {
        const from = (n * cin + c) * plane;
        for (let kh = 0; kh < 3; kh++) {
          for (let kw = 0; kw < 3; kw++) {
            const k = ((o * cin + c) * 3 + kh) * 3 + kw;
            const wk = w ? (w[k] as number) : 0;
            let sum = 0;
            for (let h = 0; h < size; h++) {
              const r = h + kh - 1;
              if (r < 0 || r >= size) continue;
              for (let col = 0; col < size; col++) {
                const q = col + kw - 1;
                if (q < 0 || q >= size) continue;
                const g = dz[base + h * size + col] as number;
                sum += g * (x[from + r * size + q] as number);
                if (input)
                  input[from + r * size + q] = (input[from + r * size + q] as number) + wk * g;
              }
            }
            weight[k] = (weight[k] as number) + sum;
          }
        }
      }
    }
  }
  return input ? { weight, bias, input } : { weight, bias };
}

/** Training-mode batch norm (biased batch variance) followed by ReLU, with what backward needs. */
interface BatchNormRelu {
  /** The normalised input (x − mean)·rstd. */
  normalised: Float64Array;
  /** 1/√(variance + ε) per channel. */
  rstd: Float64Array;
  /** max(0, γ·normalised + β). */
  out: Float64Array;
}

function batchNormRelu(
  x: Float64Array,
  channels: number,
  plane: number,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
): BatchNormRelu {
  const count = CNN_BATCH * plane;
  const normalised = new Float64Array(x.length);
  const out = new Float64Array(x.length);
  const rstd = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    let mean = 0;
    for (let n = 0; n < CNN_BATCH; n++) {
      const base = (n * channels + c) * plane;
      for (let i = 0; i < plane; i++) mean += x[base + i] as number;
    }
    mean /= count;
    let variance = 0;
    for (let n = 0; n < CNN_BATCH; n++) {
      const base = (n * channels + c) * plane;
      for (let i = 0; i < plane; i++) variance += ((x[base + i] as number) - mean) ** 2;
    }
    variance /= count;
    rstd[c] = 1 / Math.sqrt(variance + BN_EPS);
    for (let n = 0; n < CNN_BATCH; n++) {
      const base = (n * channels + c) * plane;
      for (let i = 0; i < plane; i++) {
        const v = ((x[base + i] as number) - mean) * (rstd[c] as number);
        normalised[base + i] = v;
        out[base + i] = Math.max(0, (gamma[c] as number) * v + (beta[c] as number));
      }
    }
  }
  return { normalised, rstd, out };
}

/**
 * batchNormRelu's backward from the output gradient `dOut`. With `magnitudes`, every term is
 * taken by its absolute value (|γ|, |dOut|, |normalised|, and the subtractions become sums):
 * what float32 rounding errors are proportional to.
 */
function batchNormReluBackward(
  bn: BatchNormRelu,
  channels: number,
  plane: number,
  gamma: ArrayLike<number>,
  dOut: Float64Array,
  magnitudes: boolean,
): { input: Float64Array; gamma: Float64Array; beta: Float64Array } {
  const count = CNN_BATCH * plane;
  const input = new Float64Array(dOut.length);
  const dGamma = new Float64Array(channels);
  const dBeta = new Float64Array(channels);
  const sign = magnitudes ? 1 : -1;
  // ReLU passes the gradient where its output is positive.
  const dy = (at: number) => ((bn.out[at] as number) > 0 ? (dOut[at] as number) : 0);
  const xhat = (at: number) =>
    magnitudes ? Math.abs(bn.normalised[at] as number) : (bn.normalised[at] as number);
  for (let c = 0; c < channels; c++) {
    let sumDy = 0;
    let sumDyXhat = 0;
    for (let n = 0; n < CNN_BATCH; n++) {
      const base = (n * channels + c) * plane;
      for (let i = 0; i < plane; i++) {
        sumDy += dy(base + i);
        sumDyXhat += dy(base + i) * xhat(base + i);
      }
    }
    dGamma[c] = sumDyXhat;
    dBeta[c] = sumDy;
    const g = magnitudes ? Math.abs(gamma[c] as number) : (gamma[c] as number);
    const scale = g * (bn.rstd[c] as number);
    for (let n = 0; n < CNN_BATCH; n++) {
      const base = (n * channels + c) * plane;
      for (let i = 0; i < plane; i++) {
        const at = base + i;
        input[at] = scale * (dy(at) + sign * (sumDy / count + xhat(at) * (sumDyXhat / count)));
      }
    }
  }
  return { input, gamma: dGamma, beta: dBeta };
}

/** 2×2 max pooling, stride 2, of [N, channels, size, size], with where each maximum came from. */
function maxPool(
  x: Float64Array,
  channels: number,
  size: number,
): { out: Float64Array; from: Int32Array } {
  const half = size / 2;
  const out = new Float64Array(CNN_BATCH * channels * half * half);
  const from = new Int32Array(out.length);
  for (let m = 0; m < CNN_BATCH * channels; m++) {
    for (let h = 0; h < half; h++) {
      for (let col = 0; col < half; col++) {
        const at = m * size * size + 2 * h * size + 2 * col;
        let best = at;
        for (const candidate of [at + 1, at + size, at + size + 1]) {
          if ((x[candidate] as number) > (x[best] as number)) best = candidate;
        }
        const o = (m * half + h) * half + col;
        out[o] = x[best] as number;
        from[o] = best;
      }
    }
  }
  return { out, from };
}

/** Routes a pooled gradient back to the entries each window took its maximum from. */
function unpool(dOut: Float64Array, from: Int32Array, inputSize: number): Float64Array {
  const input = new Float64Array(inputSize);
  for (let o = 0; o < dOut.length; o++) input[from[o] as number] = dOut[o] as number;
  return input;
}

/** The forward pass in float64, keeping what backward needs. */
interface Forward {
  x: Float64Array;
  bn1: BatchNormRelu;
  pool1: { out: Float64Array; from: Int32Array };
  bn2: BatchNormRelu;
  pool2: { out: Float64Array; from: Int32Array };
  /** softmax(logits), [N, 10]. */
  probabilities: Float64Array;
  /** |b| + Σ|w·x| of each logit, [N, 10]: the scale of its float32 rounding error. */
  logitMagnitudes: Float64Array;
  loss: number;
}

function forward(d: CnnData, p: Params): Forward {
  const x = Float64Array.from(d.x);
  const h1 = conv3x3(x, 1, SIDE, get(p, "conv1.weight"), get(p, "conv1.bias"), C1);
  const bn1 = batchNormRelu(h1, C1, PIXELS, get(p, "bn1.weight"), get(p, "bn1.bias"));
  const pool1 = maxPool(bn1.out, C1, SIDE);
  const half = SIDE / 2;
  const h2 = conv3x3(pool1.out, C1, half, get(p, "conv2.weight"), get(p, "conv2.bias"), C2);
  const bn2 = batchNormRelu(h2, C2, half * half, get(p, "bn2.weight"), get(p, "bn2.bias"));
  const pool2 = maxPool(bn2.out, C2, half);
  const flat = pool2.out; // [N, 784] in NCHW order, as reshape reads it
  const w = get(p, "fc.weight");
  const b = get(p, "fc.bias");
  let total = 0;
  const probabilities = new Float64Array(CNN_BATCH * CLASSES);
  const logitMagnitudes = new Float64Array(CNN_BATCH * CLASSES);
  for (let n = 0; n < CNN_BATCH; n++) {
    const logits = probabilities.subarray(n * CLASSES, (n + 1) * CLASSES);
    for (let k = 0; k < CLASSES; k++) {
      let s = b[k] as number;
      let magnitude = Math.abs(s);
      for (let j = 0; j < FC_IN; j++) {
        const term = (w[k * FC_IN + j] as number) * (flat[n * FC_IN + j] as number);
        s += term;
        magnitude += Math.abs(term);
      }
      logits[k] = s;
      logitMagnitudes[n * CLASSES + k] = magnitude;
    }
    const top = Math.max(...logits);
    let z = 0;
    for (const v of logits) z += Math.exp(v - top);
    total += top + Math.log(z) - (logits[d.labels[n] as number] as number);
    for (let k = 0; k < CLASSES; k++) logits[k] = Math.exp((logits[k] as number) - top) / z;
  }
  return { x, bn1, pool1, bn2, pool2, probabilities, logitMagnitudes, loss: total / CNN_BATCH };
}

/** The mean cross-entropy of the network with parameters `p`, in float64. */
export function referenceLoss(d: CnnData, p: Params): number {
  return forward(d, p).loss;
}

/**
 * Backpropagation through `forward` in float64: every parameter's gradient by state-dict key.
 * With `magnitudes`, the same pass over the absolute value of every term (|W|, |dlogits| as
 * softmax + one-hot, batch norm's subtractions as sums): entry i is then Σ|terms| of the
 * products and sums that make gradient entry i, the scale of float32's rounding errors in it.
 * The logits' own rounding (|b| + Σ|w·x| each) enters there too, through the softmax: it is
 * the largest error in the Linear layer's gradients, whose terms are otherwise few.
 */
function backward(
  d: CnnData,
  p: Params,
  f: Forward,
  magnitudes: boolean,
): Map<string, Float64Array> {
  const param = (key: string) => (magnitudes ? absolute(get(p, key)) : get(p, key));
  const half = SIDE / 2;
  const dLogits = new Float64Array(CNN_BATCH * CLASSES);
  for (let n = 0; n < CNN_BATCH; n++) {
    const row = n * CLASSES;
    // softmax's derivative carries each logit's error δ into the probabilities as p·(δ − Σp·δ).
    let mixed = 0;
    for (let k = 0; k < CLASSES; k++) {
      mixed += (f.probabilities[row + k] as number) * (f.logitMagnitudes[row + k] as number);
    }
    for (let k = 0; k < CLASSES; k++) {
      const target = k === d.labels[n] ? 1 : 0;
      const prob = f.probabilities[row + k] as number;
      const logit = f.logitMagnitudes[row + k] as number;
      dLogits[row + k] =
        (magnitudes ? prob + target + prob * (logit + mixed) : prob - target) / CNN_BATCH;
    }
  }
  const flat = f.pool2.out;
  const fcWeight = param("fc.weight");
  const dFcWeight = new Float64Array(CLASSES * FC_IN);
  const dFcBias = new Float64Array(CLASSES);
  const dFlat = new Float64Array(CNN_BATCH * FC_IN);
  for (let n = 0; n < CNN_BATCH; n++) {
    for (let k = 0; k < CLASSES; k++) {
      const g = dLogits[n * CLASSES + k] as number;
      dFcBias[k] = (dFcBias[k] as number) + g;
      for (let j = 0; j < FC_IN; j++) {
        dFcWeight[k * FC_IN + j] =
          (dFcWeight[k * FC_IN + j] as number) + g * (flat[n * FC_IN + j] as number);
        dFlat[n * FC_IN + j] =
          (dFlat[n * FC_IN + j] as number) + g * (fcWeight[k * FC_IN + j] as number);
      }
    }
  }
  const dBn2 = unpool(dFlat, f.pool2.from, CNN_BATCH * C2 * half * half);
  const bn2 = batchNormReluBackward(f.bn2, C2, half * half, get(p, "bn2.weight"), dBn2, magnitudes);
  const conv2 = conv3x3Backward(f.pool1.out, C1, half, bn2.input, C2, param("conv2.weight"));
  const dBn1 = unpool(conv2.input as Float64Array, f.pool1.from, CNN_BATCH * C1 * PIXELS);
  const bn1 = batchNormReluBackward(f.bn1, C1, PIXELS, get(p, "bn1.weight"), dBn1, magnitudes);
  const conv1 = conv3x3Backward(f.x, 1, SIDE, bn1.input, C1);
  return new Map([
    ["conv1.weight", conv1.weight],
    ["conv1.bias", conv1.bias],
    ["bn1.weight", bn1.gamma],
    ["bn1.bias", bn1.beta],
    ["conv2.weight", conv2.weight],
    ["conv2.bias", conv2.bias],
    ["bn2.weight", bn2.gamma],
    ["bn2.bias", bn2.beta],
    ["fc.weight", dFcWeight],
    ["fc.bias", dFcBias],
  ]);
}

/** The float64 replay of the first step from `cnnData()`. */
export interface CnnReference {
  loss: number;
  /** Every parameter's gradient by state-dict key. */
  gradients: ReadonlyMap<string, Float64Array>;
  /** Per gradient entry, the Σ|terms| scale of its float32 rounding errors. */
  magnitudes: ReadonlyMap<string, Float64Array>;
}

let reference: CnnReference | undefined;

/** The float64 loss and gradients at `cnnData()`'s parameters, once per process. */
export function cnnReference(): CnnReference {
  if (reference) return reference;
  const d = cnnData();
  const f = forward(d, d.parameters);
  reference = {
    loss: f.loss,
    gradients: backward(d, d.parameters, f, false),
    magnitudes: backward(d, d.parameters, f, true),
  };
  return reference;
}

/** Where each parameter's gradient starts in a step's output (its value is PARAMETER_COUNT on). */
const GRADIENT_OFFSETS = PARAMETER_SIZES.map((_, k) =>
  PARAMETER_SIZES.slice(0, k).reduce((s, n) => s + n, 1),
);

/** float32's unit roundoff: one rounding moves a value by at most this much relative. */
const FLOAT32_ROUNDOFF = 2 ** -24;

/**
 * How many roundings a term meets on the step's longest path, from the input through the loss
 * and back to conv1's weight: each of conv (multiply, add), batch norm (subtract the mean,
 * scale by 1/σ, by γ, add β), the same again, Linear (multiply, add) and the log-softmax
 * (subtract the maximum, exp, sum, log, subtract the label's logit) and the mean rounds once on
 * the way forward (20), and their backward passes once more on the way back (20). The
 * magnitudes of `cnnReference()` count one rounding per term; this many of them is the
 * tolerance.
 */
const ROUNDINGS = 40;

/** The tolerance of gradient entry i of `key`: ROUNDINGS·u·(its Σ|terms| magnitude). */
export function gradientTolerance(key: string, i: number): number {
  const magnitudes = cnnReference().magnitudes.get(key) as Float64Array;
  return ROUNDINGS * FLOAT32_ROUNDOFF * (magnitudes[i] as number);
}

/**
 * Checks one engine's first step from the initial parameters against the float64 replay:
 * - the loss within 10⁻⁶ relative (the engines land within about 10⁻⁸);
 * - every gradient entry against backpropagation in float64, within ROUNDINGS·u times its
 *   rounding magnitude (`gradientTolerance`): the engines land within 2·u·magnitude (5% of
 *   the tolerance), and a wrong entry (doubled, dropped, sign flipped) is off by about its own
 *   size, which is above the tolerance for 99.7% of the entries (all but a few of conv1's
 *   smallest; the convolutions' biases, which batch norm cancels to 0, are only held to it);
 * - every updated parameter as Adam's first step from the row's own gradient,
 *   θ' = θ − lr·g/(|g| + ε), within u·|θ'| + 2u·lr: the stored θ' rounds once, and the update
 *   carries the roundings of Adam's first and second moments (u and u/2 of lr·g/|g|).
 */
export function checkCnnStep(out: Output): Check {
  if (out.shape.length !== 1 || out.shape[0] !== CNN_OUTPUT_SIZE) {
    return { ok: false, detail: `output [${out.shape}], expected [${CNN_OUTPUT_SIZE}]` };
  }
  const ref = cnnReference();
  const d = cnnData();
  const loss = out.at(0);
  if (!(Math.abs(loss - ref.loss) <= 1e-6 * Math.abs(ref.loss))) {
    return { ok: false, detail: `loss ${loss}, expected ${ref.loss}` };
  }
  let worstGradient = 0;
  for (let k = 0; k < CNN_PARAMETERS.length; k++) {
    const [key] = CNN_PARAMETERS[k] as [string, number[]];
    const want = ref.gradients.get(key) as Float64Array;
    const at = GRADIENT_OFFSETS[k] as number;
    for (let i = 0; i < want.length; i++) {
      const got = out.at(at + i);
      const tolerance = gradientTolerance(key, i);
      const err = Math.abs(got - (want[i] as number));
      if (!(err <= tolerance)) {
        return {
          ok: false,
          detail: `${key} gradient entry ${i}: ${got}, expected ${want[i]} (±${tolerance.toPrecision(3)})`,
        };
      }
      worstGradient = Math.max(worstGradient, err / tolerance);
    }
  }
  let worstUpdate = 0;
  for (let k = 0; k < CNN_PARAMETERS.length; k++) {
    const [key] = CNN_PARAMETERS[k] as [string, number[]];
    const start = d.parameters.get(key) as Float32Array;
    const gradientAt = GRADIENT_OFFSETS[k] as number;
    const valueAt = gradientAt + PARAMETER_COUNT;
    for (let i = 0; i < start.length; i++) {
      const g = out.at(gradientAt + i);
      const theta = start[i] as number;
      const want = theta - (CNN_LR * g) / (Math.abs(g) + ADAM_EPS);
      const got = out.at(valueAt + i);
      const tolerance = FLOAT32_ROUNDOFF * (Math.abs(want) + 2 * CNN_LR);
      const err = Math.abs(got - want);
      if (!(err <= tolerance)) {
        return {
          ok: false,
          detail: `${key} entry ${i} after Adam's step: ${got}, expected ${want} (±${tolerance.toPrecision(3)})`,
        };
      }
      worstUpdate = Math.max(worstUpdate, err / tolerance);
    }
  }
  const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
  return {
    ok: true,
    detail: `loss, ${PARAMETER_COUNT} gradients and updated parameters, worst ${percent(worstGradient)} (gradients) and ${percent(worstUpdate)} (updates) of tolerance`,
  };
}
