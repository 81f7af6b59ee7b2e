import {
  add,
  asVariable,
  div,
  mean,
  mul,
  Parameter,
  reshape,
  sqrt,
  square,
  sub,
  type Variable,
  type VariableLike,
} from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { type DType, formatShape, ShapeError } from "@zerograd/ndarray";
import { NNError } from "../errors";
import { Buffer, Layer } from "../layer";

/** Options of `BatchNorm1d`. */
export interface BatchNormOptions {
  /** Added to the variance before the square root, a positive number (default 1e-5). */
  eps?: number;
  /**
   * Weight of the new batch in the running statistics, a number in [0, 1] (default 0.1).
   * PyTorch's `momentum=None` (a cumulative moving average) is not supported.
   */
  momentum?: number;
  /** Whether to learn a per-feature scale `weight` and shift `bias` (default true). */
  affine?: boolean;
  /** The parameters' and running statistics' dtype (default float32). */
  dtype?: DType;
}

/**
 * Batch normalisation over [N, C] or [N, C, L] inputs (PyTorch's `nn.BatchNorm1d`): each
 * feature c is normalised to zero mean and unit variance, then scaled by `weight[c]`
 * (initially 1) and shifted by `bias[c]` (initially 0).
 *
 * In training mode it uses the batch's mean and biased variance (over N, or N and L) and
 * updates the buffers `runningMean` and `runningVar` as
 * running = (1 − momentum)·running + momentum·batch, with the unbiased variance (n/(n − 1)),
 * and counts `numBatchesTracked` (int32). In eval mode it uses the running statistics. The
 * state dict holds `weight bias running_mean running_var num_batches_tracked`, PyTorch's keys.
 *
 * Throws NNError at construction for a `numFeatures` that is not a positive integer, an `eps`
 * that is not a positive finite number, or a `momentum` that is not a finite number in [0, 1]
 * (PyTorch's `momentum=None`, a cumulative moving average, is not supported). Throws
 * ShapeError for inputs that are not [N, C] or [N, C, L] with C = numFeatures, and NNError in
 * training mode when a feature has a single value (its variance is undefined).
 */
export class BatchNorm1d extends Layer {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;
  /** The scale, [numFeatures], or null without `affine`. */
  weight: Parameter | null;
  /** The shift, [numFeatures], or null without `affine`. */
  bias: Parameter | null;
  /** The running mean of the features, [numFeatures] (initially 0). */
  readonly runningMean: Buffer;
  /** The running (unbiased) variance of the features, [numFeatures] (initially 1). */
  readonly runningVar: Buffer;
  /** How many training batches have updated the running statistics, a 0-d int32 array. */
  readonly numBatchesTracked: Buffer;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new NNError(`BatchNorm1d: numFeatures must be a positive integer, got ${numFeatures}`);
    }
    const { eps = 1e-5, momentum = 0.1, affine = true, dtype = "float32" } = options;
    if (typeof eps !== "number" || !Number.isFinite(eps) || eps <= 0) {
      throw new NNError(`BatchNorm1d: eps must be a positive finite number, got ${show(eps)}`);
    }
    if (typeof momentum !== "number" || !(momentum >= 0 && momentum <= 1)) {
      const unsupported =
        momentum === null
          ? " (PyTorch's momentum=None, a cumulative moving average, is not supported)"
          : "";
      throw new NNError(
        `BatchNorm1d: momentum must be a finite number in [0, 1], got ${show(momentum)}${unsupported}`,
      );
    }
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.weight = affine ? new Parameter(nd.ones([numFeatures], dtype), { name: "weight" }) : null;
    this.bias = affine ? new Parameter(nd.zeros([numFeatures], dtype), { name: "bias" }) : null;
    this.runningMean = new Buffer(nd.zeros([numFeatures], dtype));
    this.runningVar = new Buffer(nd.ones([numFeatures], dtype));
    this.numBatchesTracked = new Buffer(nd.zeros([], "int32"));
  }

  forward(input: VariableLike): Variable {
    const x = asVariable(input);
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        `BatchNorm1d: expected input [N, ${this.numFeatures}] or [N, ${this.numFeatures}, L], got ${formatShape(x.shape)}`,
      );
    }
    // Per-feature arrays broadcast against x as [1, C] or [1, C, 1].
    const featureShape = x.ndim === 2 ? [1, this.numFeatures] : [1, this.numFeatures, 1];
    const axes = x.ndim === 2 ? [0] : [0, 2];
    let normalized: Variable;
    if (this.training) {
      const count = x.size / this.numFeatures;
      if (count < 2) {
        throw new NNError(
          `BatchNorm1d: training needs more than one value per feature, got input ${formatShape(x.shape)}`,
        );
      }
      const batchMean = mean(x, axes, true);
      const centered = sub(x, batchMean);
      const batchVar = mean(square(centered), axes, true);
      normalized = div(centered, sqrt(add(batchVar, this.eps)));
      this.updateRunningStatistics(batchMean.data, batchVar.data, count);
    } else {
      const runningMean = nd.reshape(this.runningMean.data, featureShape);
      const runningStd = nd.sqrt(nd.add(nd.reshape(this.runningVar.data, featureShape), this.eps));
      normalized = div(sub(x, runningMean), runningStd);
    }
    if (this.weight === null || this.bias === null) return normalized;
    return add(
      mul(normalized, reshape(this.weight, featureShape)),
      reshape(this.bias, featureShape),
    );
  }

  /** running ← (1 − momentum)·running + momentum·batch, the variance unbiased; in place. */
  private updateRunningStatistics(
    batchMean: nd.NDArray,
    batchVar: nd.NDArray,
    count: number,
  ): void {
    const m = this.momentum;
    const update = (running: nd.NDArray, batch: nd.NDArray) => {
      const step = nd.mul(nd.astype(nd.reshape(batch, [this.numFeatures]), running.dtype), m);
      nd.add(nd.mul(running, 1 - m, { out: running }), step, { out: running });
    };
    update(this.runningMean.data, batchMean);
    update(this.runningVar.data, nd.mul(batchVar, count / (count - 1)));
    const tracked = this.numBatchesTracked.data;
    nd.add(tracked, 1, { out: tracked });
  }
}

/** A bad option value as the user wrote it: strings quoted, numbers and null as they print. */
function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
