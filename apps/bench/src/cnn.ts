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

/** Training-mode batch norm (biased batch variance), then ReLU, in place. */
function batchNormRelu(
  x: Float64Array,
  channels: number,
  plane: number,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
): void {
  const count = CNN_BATCH * plane;
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
    const scale = (gamma[c] as number) / Math.sqrt(variance + BN_EPS);
    const shift = beta[c] as number;
    for (let n = 0; n < CNN_BATCH; n++) {
      const base = (n * channels + c) * plane;
      for (let i = 0; i < plane; i++) {
        x[base + i] = Math.max(0, ((x[base + i] as number) - mean) * scale + shift);
      }
    }
  }
}

/** 2×2 max pooling, stride 2, of [N, channels, size, size]. */
function maxPool(x: Float64Array, channels: number, size: number): Float64Array {
  const half = size / 2;
  const out = new Float64Array(CNN_BATCH * channels * half * half);
  for (let m = 0; m < CNN_BATCH * channels; m++) {
    for (let h = 0; h < half; h++) {
      for (let col = 0; col < half; col++) {
        const at = m * size * size + 2 * h * size + 2 * col;
        out[(m * half + h) * half + col] = Math.max(
          x[at] as number,
          x[at + 1] as number,
          x[at + size] as number,
          x[at + size + 1] as number,
        );
      }
    }
  }
  return out;
}

/** The mean cross-entropy of the network with parameters `p`, in float64. */
export function referenceLoss(d: CnnData, p: Params): number {
  const x = Float64Array.from(d.x);
  const h1 = conv3x3(x, 1, SIDE, get(p, "conv1.weight"), get(p, "conv1.bias"), C1);
  batchNormRelu(h1, C1, PIXELS, get(p, "bn1.weight"), get(p, "bn1.bias"));
  const p1 = maxPool(h1, C1, SIDE);
  const half = SIDE / 2;
  const h2 = conv3x3(p1, C1, half, get(p, "conv2.weight"), get(p, "conv2.bias"), C2);
  batchNormRelu(h2, C2, half * half, get(p, "bn2.weight"), get(p, "bn2.bias"));
  const flat = maxPool(h2, C2, half); // [N, 784] in NCHW order, as reshape reads it
  const w = get(p, "fc.weight");
  const b = get(p, "fc.bias");
  let total = 0;
  const logits = new Float64Array(CLASSES);
  for (let n = 0; n < CNN_BATCH; n++) {
    for (let k = 0; k < CLASSES; k++) {
      let s = b[k] as number;
      for (let j = 0; j < FC_IN; j++)
        s += (w[k * FC_IN + j] as number) * (flat[n * FC_IN + j] as number);
      logits[k] = s;
    }
    const top = Math.max(...logits);
    let z = 0;
    for (const v of logits) z += Math.exp(v - top);
    total += top + Math.log(z) - (logits[d.labels[n] as number] as number);
  }
  return total / CNN_BATCH;
}

/**
 * Steps of the central differences along a direction of entries in [−1, 1). Small, because the
 * first max pool has 50,000 windows whose top two entries can swap within a step of 10⁻⁵ (its
 * slope then jumps); float64 round-off still costs only about 10⁻⁷ of the slope at 10⁻⁷.
 */
const EPSILONS = [1e-7, 4e-8] as const;

interface Reference {
  loss: number;
  /**
   * Per parameter: its probe direction and the loss's derivative along it by central
   * differences with each step of `EPSILONS`.
   */
  directional: { direction: Float32Array; slopes: number[] }[];
}

let reference: Reference | undefined;

/**
 * The float64 loss at the initial parameters and, for each parameter tensor, the derivative of
 * the loss along one seeded direction, which a correct gradient g gives as g·direction. Two
 * step sizes: where they disagree, a step crossed a kink (ReLU or max pool) and the estimate is
 * not to be trusted. 41 forward passes in plain loops, about 2.5 s, once per process.
 */
function cnnReference(): Reference {
  if (reference) return reference;
  const d = cnnData();
  const base = new Map<string, ArrayLike<number>>(d.parameters);
  const directional = CNN_PARAMETERS.map(([key, shape], k) => {
    const direction = randomFloat32(sizeOf(shape), 61 + k);
    const start = d.parameters.get(key) as Float32Array;
    const moved = (step: number) => {
      const p = new Map(base);
      p.set(
        key,
        Float64Array.from(start, (v, i) => v + step * (direction[i] as number)),
      );
      return referenceLoss(d, p);
    };
    const slopes = EPSILONS.map((e) => (moved(e) - moved(-e)) / (2 * e));
    return { direction, slopes };
  });
  reference = { loss: referenceLoss(d, base), directional };
  return reference;
}

/**
 * Checks one engine's first step from the initial parameters against the float64 replay:
 * - the loss within 10⁻⁶ relative (the engines land within about 10⁻⁸);
 * - each gradient along its probe direction: |g·v − slope| ≤ 10⁻⁴·Σ|gᵢvᵢ| + 10⁻⁷ (the engines
 *   land within 10⁻⁶ of that scale, batch norm's parameters being the worst); the
 *   convolutions' biases, whose gradient batch norm cancels exactly, must stay below 10⁻⁴ of
 *   their weights' largest gradient (they reach about 2·10⁻⁶);
 * - every updated parameter as Adam's first step from the row's own gradient, θ − lr·g/(|g| + ε),
 *   within 10⁻⁴·lr + 10⁻⁶·|θ|.
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
  let worst = 0;
  let offset = 1;
  const gradientOffsets: number[] = [];
  for (const size of PARAMETER_SIZES) {
    gradientOffsets.push(offset);
    offset += size;
  }
  const largest = (k: number) => {
    let m = 0;
    for (let i = 0; i < (PARAMETER_SIZES[k] as number); i++) {
      m = Math.max(m, Math.abs(out.at((gradientOffsets[k] as number) + i)));
    }
    return m;
  };
  for (let k = 0; k < CNN_PARAMETERS.length; k++) {
    const [key] = CNN_PARAMETERS[k] as [string, number[]];
    const at = gradientOffsets[k] as number;
    const size = PARAMETER_SIZES[k] as number;
    if (key.startsWith("conv") && key.endsWith(".bias")) {
      const limit = 1e-4 * largest(k - 1);
      const m = largest(k);
      if (!(m <= limit)) {
        return { ok: false, detail: `${key} gradient reaches ${m}, expected 0 (±${limit})` };
      }
      worst = Math.max(worst, m / limit);
      continue;
    }
    const { direction, slopes } = ref.directional[k] as Reference["directional"][number];
    const [slope, check] = slopes as [number, number];
    let along = 0;
    let magnitude = 0;
    for (let i = 0; i < size; i++) {
      const term = out.at(at + i) * (direction[i] as number);
      along += term;
      magnitude += Math.abs(term);
    }
    const tolerance = 1e-4 * magnitude + 1e-7;
    if (!(Math.abs(slope - check) <= tolerance / 4)) {
      return {
        ok: false,
        detail: `the float64 probe of ${key} crosses a kink (${slope} vs ${check}); use other seeds`,
      };
    }
    const err = Math.abs(along - slope);
    if (!(err <= tolerance)) {
      return {
        ok: false,
        detail: `${key} gradient along its probe: ${along}, expected ${slope} (±${tolerance.toPrecision(3)})`,
      };
    }
    worst = Math.max(worst, err / tolerance);
  }
  for (let k = 0; k < CNN_PARAMETERS.length; k++) {
    const [key] = CNN_PARAMETERS[k] as [string, number[]];
    const start = d.parameters.get(key) as Float32Array;
    const gradientAt = gradientOffsets[k] as number;
    const valueAt = gradientAt + PARAMETER_COUNT;
    for (let i = 0; i < start.length; i++) {
      const g = out.at(gradientAt + i);
      const theta = start[i] as number;
      const want = theta - (CNN_LR * g) / (Math.abs(g) + ADAM_EPS);
      const got = out.at(valueAt + i);
      const tolerance = 1e-4 * CNN_LR + 1e-6 * Math.abs(theta);
      const err = Math.abs(got - want);
      if (!(err <= tolerance)) {
        return {
          ok: false,
          detail: `${key} entry ${i} after Adam's step: ${got}, expected ${want} (±${tolerance.toPrecision(3)})`,
        };
      }
      worst = Math.max(worst, err / tolerance);
    }
  }
  return {
    ok: true,
    detail: `loss, ${PARAMETER_COUNT} gradients (probed) and updated parameters, worst ${(worst * 100).toFixed(1)}% of tolerance`,
  };
}
