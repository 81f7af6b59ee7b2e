import {
  add,
  logsumexp,
  matmul,
  mean,
  mul,
  Parameter,
  relu,
  sub,
  sum,
  type Variable,
} from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import type { Output } from "./impl";
import { randomFloat32 } from "./random";
import type { Check } from "./section";

// The 784-128-10 MLP of the autograd benchmarks: h = relu(x·W1 + b1), out = h·W2 + b2, and the
// mean softmax cross-entropy written as mean(logsumexp(out) − Σ out·onehot). Three versions
// compute the same loss and the same four parameter gradients: autograd ops, raw ndarray
// kernels with the backward pass written by hand, and (in the section) tfjs. A float64
// replay checks them all.

export const INPUT = 784;
export const HIDDEN = 128;
export const CLASSES = 10;

/** Seeded inputs and parameters for a batch of `batch` rows. */
export interface MlpData {
  batch: number;
  /** [batch, 784], pixel-like values in [0, 1). */
  x: Float32Array;
  /** [784, 128], uniform with He's scale, so the hidden layer is neither dead nor saturated. */
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
  /** [batch] class indices. */
  labels: Int32Array;
  /** [batch, 10], one 1 per row. */
  oneHot: Float32Array;
}

function scaled(size: number, seed: number, scale: number): Float32Array {
  const out = randomFloat32(size, seed);
  for (let i = 0; i < size; i++) out[i] = (out[i] as number) * scale;
  return out;
}

const cache = new Map<number, MlpData>();

/** The same data in every process and every call (cached: the checks ask for it too). */
export function mlpData(batch: number): MlpData {
  const hit = cache.get(batch);
  if (hit) return hit;
  const x = randomFloat32(batch * INPUT, 31);
  for (let i = 0; i < x.length; i++) x[i] = ((x[i] as number) + 1) / 2;
  const labels = new Int32Array(batch);
  const oneHot = new Float32Array(batch * CLASSES);
  const draws = randomFloat32(batch, 36);
  for (let i = 0; i < batch; i++) {
    const c = Math.min(CLASSES - 1, Math.floor((((draws[i] as number) + 1) / 2) * CLASSES));
    labels[i] = c;
    oneHot[i * CLASSES + c] = 1;
  }
  const data: MlpData = {
    batch,
    x,
    w1: scaled(INPUT * HIDDEN, 32, Math.sqrt(6 / INPUT)),
    b1: scaled(HIDDEN, 33, 0.1),
    w2: scaled(HIDDEN * CLASSES, 34, Math.sqrt(6 / HIDDEN)),
    b2: scaled(CLASSES, 35, 0.1),
    labels,
    oneHot,
  };
  cache.set(batch, data);
  return data;
}

/** The network as autograd ops on `Parameter`s; x and the one-hot labels are constants. */
export class AutogradMlp {
  readonly x: nd.NDArray;
  readonly oneHot: nd.NDArray;
  readonly w1: Parameter;
  readonly b1: Parameter;
  readonly w2: Parameter;
  readonly b2: Parameter;

  constructor(d: MlpData) {
    this.x = new nd.NDArray(d.x, [d.batch, INPUT]);
    this.oneHot = new nd.NDArray(d.oneHot, [d.batch, CLASSES]);
    this.w1 = new Parameter(new nd.NDArray(d.w1.slice(), [INPUT, HIDDEN]));
    this.b1 = new Parameter(new nd.NDArray(d.b1.slice(), [HIDDEN]));
    this.w2 = new Parameter(new nd.NDArray(d.w2.slice(), [HIDDEN, CLASSES]));
    this.b2 = new Parameter(new nd.NDArray(d.b2.slice(), [CLASSES]));
  }

  /** The loss, with its graph recorded. */
  forward(): Variable {
    const h = relu(add(matmul(this.x, this.w1), this.b1));
    const out = add(matmul(h, this.w2), this.b2);
    return mean(sub(logsumexp(out, 1), sum(mul(out, this.oneHot), 1)));
  }

  /** One training step's gradient work: clear, forward, backward. Returns the loss. */
  step(): Variable {
    this.w1.clearGrad();
    this.b1.clearGrad();
    this.w2.clearGrad();
    this.b2.clearGrad();
    const loss = this.forward();
    loss.backward();
    return loss;
  }

  /** [dW1, db1, dW2, db2] after `step`. */
  gradients(): nd.NDArray[] {
    return [this.w1, this.b1, this.w2, this.b2].map((p) => {
      if (p.grad === null) throw new Error("AutogradMlp: no gradient; call step() first");
      return p.grad.data;
    });
  }
}

/** The network as raw ndarray arrays. */
export interface NdMlp {
  x: nd.NDArray;
  oneHot: nd.NDArray;
  w1: nd.NDArray;
  b1: nd.NDArray;
  w2: nd.NDArray;
  b2: nd.NDArray;
}

export function ndMlp(d: MlpData): NdMlp {
  return {
    x: new nd.NDArray(d.x, [d.batch, INPUT]),
    oneHot: new nd.NDArray(d.oneHot, [d.batch, CLASSES]),
    w1: new nd.NDArray(d.w1, [INPUT, HIDDEN]),
    b1: new nd.NDArray(d.b1, [HIDDEN]),
    w2: new nd.NDArray(d.w2, [HIDDEN, CLASSES]),
    b2: new nd.NDArray(d.b2, [CLASSES]),
  };
}

/** The forward pass with raw kernels: the loss (0-d). */
export function ndForward(m: NdMlp): nd.NDArray {
  const h = nd.relu(nd.add(nd.matmul(m.x, m.w1), m.b1));
  const out = nd.add(nd.matmul(h, m.w2), m.b2);
  return nd.mean(nd.sub(nd.logsumexp(out, 1), nd.sum(nd.mul(out, m.oneHot), 1)));
}

/**
 * Forward and backward written by hand with raw kernels, as one would without autograd:
 * d(loss)/d(out) = (softmax(out) − onehot) / batch, weight gradients through transposed
 * views, the ReLU's gradient through a mask. Returns the loss and [dW1, db1, dW2, db2].
 */
export function ndStep(m: NdMlp): { loss: nd.NDArray; gradients: nd.NDArray[] } {
  const batch = m.x.shape[0] as number;
  const z1 = nd.add(nd.matmul(m.x, m.w1), m.b1);
  const h = nd.relu(z1);
  const out = nd.add(nd.matmul(h, m.w2), m.b2);
  const lse = nd.logsumexp(out, 1, true);
  const picked = nd.sum(nd.mul(out, m.oneHot), 1, true);
  const loss = nd.mean(nd.sub(lse, picked));
  const softmax = nd.exp(nd.sub(out, lse));
  const dOut = nd.mul(nd.sub(softmax, m.oneHot), 1 / batch);
  const dW2 = nd.matmul(h.transpose(), dOut);
  const db2 = nd.sum(dOut, 0);
  const dh = nd.matmul(dOut, m.w2.transpose());
  const dz1 = nd.mul(dh, nd.greater(z1, 0));
  const dW1 = nd.matmul(m.x.transpose(), dz1);
  const db1 = nd.sum(dz1, 0);
  return { loss, gradients: [dW1, db1, dW2, db2] };
}

/** The loss and the four gradients replayed in float64 from the float32 data. */
export interface MlpReference {
  loss: number;
  gradients: Float64Array[];
  /** The smallest |x·W1 + b1|: a ReLU input this close to 0 could flip sign in float32. */
  closestToKink: number;
}

const references = new Map<number, MlpReference>();

export function mlpReference(d: MlpData): MlpReference {
  const hit = references.get(d.batch);
  if (hit) return hit;
  const { batch: B, x, w1, b1, w2, b2, oneHot } = d;
  const z1 = new Float64Array(B * HIDDEN);
  let closestToKink = Number.POSITIVE_INFINITY;
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < HIDDEN; j++) {
      let s = b1[j] as number;
      for (let p = 0; p < INPUT; p++)
        s += (x[i * INPUT + p] as number) * (w1[p * HIDDEN + j] as number);
      z1[i * HIDDEN + j] = s;
      closestToKink = Math.min(closestToKink, Math.abs(s));
    }
  }
  const h = z1.map((v) => Math.max(v, 0));
  const dOut = new Float64Array(B * CLASSES);
  let loss = 0;
  for (let i = 0; i < B; i++) {
    const row = new Float64Array(CLASSES);
    for (let c = 0; c < CLASSES; c++) {
      let s = b2[c] as number;
      for (let j = 0; j < HIDDEN; j++)
        s += (h[i * HIDDEN + j] as number) * (w2[j * CLASSES + c] as number);
      row[c] = s;
    }
    const peak = Math.max(...row);
    let total = 0;
    for (let c = 0; c < CLASSES; c++) total += Math.exp((row[c] as number) - peak);
    const lse = peak + Math.log(total);
    for (let c = 0; c < CLASSES; c++) {
      const t = oneHot[i * CLASSES + c] as number;
      loss -= (row[c] as number) * t;
      dOut[i * CLASSES + c] = (Math.exp((row[c] as number) - lse) - t) / B;
    }
    loss += lse;
  }
  loss /= B;
  const dW2 = new Float64Array(HIDDEN * CLASSES);
  const db2 = new Float64Array(CLASSES);
  const dz1 = new Float64Array(B * HIDDEN);
  for (let i = 0; i < B; i++) {
    for (let c = 0; c < CLASSES; c++) {
      const g = dOut[i * CLASSES + c] as number;
      db2[c] = (db2[c] as number) + g;
      for (let j = 0; j < HIDDEN; j++) {
        dW2[j * CLASSES + c] = (dW2[j * CLASSES + c] as number) + (h[i * HIDDEN + j] as number) * g;
      }
    }
    for (let j = 0; j < HIDDEN; j++) {
      if ((z1[i * HIDDEN + j] as number) <= 0) continue;
      let s = 0;
      for (let c = 0; c < CLASSES; c++)
        s += (dOut[i * CLASSES + c] as number) * (w2[j * CLASSES + c] as number);
      dz1[i * HIDDEN + j] = s;
    }
  }
  const dW1 = new Float64Array(INPUT * HIDDEN);
  const db1 = new Float64Array(HIDDEN);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < HIDDEN; j++) {
      const g = dz1[i * HIDDEN + j] as number;
      if (g === 0) continue;
      db1[j] = (db1[j] as number) + g;
      for (let p = 0; p < INPUT; p++) {
        dW1[p * HIDDEN + j] = (dW1[p * HIDDEN + j] as number) + (x[i * INPUT + p] as number) * g;
      }
    }
  }
  const ref = { loss, gradients: [dW1, db1, dW2, db2], closestToKink };
  references.set(d.batch, ref);
  return ref;
}

const GRADIENT_NAMES = ["dW1", "db1", "dW2", "db2"];

/** [loss, dW1…, db1…, dW2…, db2…] as one flat Output, the layout the checks read. */
export function lossAndGradients(loss: number, gradients: readonly ArrayLike<number>[]): Output {
  const blocks = [[loss], ...gradients];
  const starts: number[] = [];
  let size = 0;
  for (const b of blocks) {
    starts.push(size);
    size += b.length;
  }
  return {
    shape: [size],
    at(i) {
      let k = blocks.length - 1;
      while ((starts[k] as number) > i) k--;
      return (blocks[k] as ArrayLike<number>)[i - (starts[k] as number)] as number;
    },
  };
}

/** The loss alone as an Output (forward-only cases). */
export const lossOutput = (loss: number): Output => ({ shape: [1], at: () => loss });

/**
 * Checks the loss (10⁻⁵ relative) and, when the output has them, every gradient entry within
 * 10⁻⁵ of its block's largest magnitude plus 10⁻⁴ relative. The float32 kernels land within
 * 10⁻⁷ of that scale (measured: at most 8·10⁻⁸); a wrong gradient misses by the scale itself.
 * The ReLU's kink is not an issue with this data: the closest x·W1 + b1 to 0 is 4.5·10⁻⁵ at
 * batch 128, 200 times the largest float32 error of that product (2.2·10⁻⁷).
 */
export function checkMlp(out: Output, d: MlpData, withGradients: boolean): Check {
  const ref = mlpReference(d);
  const gradientSize = ref.gradients.reduce((s, g) => s + g.length, 0);
  const size = withGradients ? 1 + gradientSize : 1;
  if (out.shape.length !== 1 || out.shape[0] !== size) {
    return { ok: false, detail: `shape [${out.shape}], expected [${size}]` };
  }
  if (ref.closestToKink < 1e-5) {
    // Guards a change of data: float32 could then take the other side of the kink.
    return { ok: false, detail: `a ReLU input is ${ref.closestToKink} from 0; use other seeds` };
  }
  const loss = out.at(0);
  if (!(Math.abs(loss - ref.loss) <= 1e-5 * Math.abs(ref.loss))) {
    return { ok: false, detail: `loss ${loss}, expected ${ref.loss}` };
  }
  if (!withGradients) return { ok: true, detail: `loss ${loss.toPrecision(6)} matches` };
  let offset = 1;
  let worst = 0;
  for (let k = 0; k < ref.gradients.length; k++) {
    const g = ref.gradients[k] as Float64Array;
    let scale = 0;
    for (const v of g) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < g.length; i++) {
      const want = g[i] as number;
      const got = out.at(offset + i);
      const tolerance = 1e-5 * scale + 1e-4 * Math.abs(want);
      const err = Math.abs(got - want);
      if (!(err <= tolerance)) {
        return {
          ok: false,
          detail: `${GRADIENT_NAMES[k]} entry ${i}: got ${got}, expected ${want} (±${tolerance.toPrecision(3)})`,
        };
      }
      worst = Math.max(worst, err / tolerance);
    }
    offset += g.length;
  }
  return {
    ok: true,
    detail: `loss and ${gradientSize} gradient entries, worst ${(worst * 100).toFixed(1)}% of tolerance`,
  };
}
