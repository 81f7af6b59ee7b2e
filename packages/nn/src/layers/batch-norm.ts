import { asVariable, Parameter, type Variable, type VariableLike } from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { type DType, formatShape, ShapeError } from "@zerograd/ndarray";
import { NNError } from "../errors";
import { batchNorm } from "../functional/batch-norm";
import { Buffer, Layer } from "../layer";

/** Options of `BatchNorm1d` and `BatchNorm2d`. */
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
 * What BatchNorm1d and BatchNorm2d share (PyTorch's `_BatchNorm`): the parameters, the running
 * statistics, their checks, and a forward through `batchNorm` that counts training batches.
 * Subclasses only say which input ranks they take.
 */
abstract class BatchNorm extends Layer {
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

  constructor(numFeatures: number, options: BatchNormOptions) {
    super();
    const layer = this.constructor.name;
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new NNError(`${layer}: numFeatures must be a positive integer, got ${numFeatures}`);
    }
    const { eps = 1e-5, momentum = 0.1, affine = true, dtype = "float32" } = options;
    if (typeof eps !== "number" || !Number.isFinite(eps) || eps <= 0) {
      throw new NNError(`${layer}: eps must be a positive finite number, got ${show(eps)}`);
    }
    if (typeof momentum !== "number" || !(momentum >= 0 && momentum <= 1)) {
      const unsupported =
        momentum === null
          ? " (PyTorch's momentum=None, a cumulative moving average, is not supported)"
          : "";
      throw new NNError(
        `${layer}: momentum must be a finite number in [0, 1], got ${show(momentum)}${unsupported}`,
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

  /** The axes after [N, C] of each input layout this layer takes: `[["L"]]` reads [N, C, L]. */
  protected abstract readonly trailingAxes: readonly (readonly string[])[];

  forward(input: VariableLike): Variable {
    const x = asVariable(input);
    const fits = this.trailingAxes.some((axes) => axes.length + 2 === x.ndim);
    if (!fits || x.shape[1] !== this.numFeatures) {
      const expected = this.trailingAxes
        .map((axes) => `[${["N", this.numFeatures, ...axes].join(", ")}]`)
        .join(" or ");
      throw new ShapeError(
        `${this.constructor.name}: expected input ${expected}, got ${formatShape(x.shape)}`,
      );
    }
    if (this.training && x.size / this.numFeatures < 2) {
      throw new NNError(
        `${this.constructor.name}: training needs more than one value per feature, got input ${formatShape(x.shape)}`,
      );
    }
    const y = batchNorm(x, this.runningMean.data, this.runningVar.data, this.weight, this.bias, {
      training: this.training,
      momentum: this.momentum,
      eps: this.eps,
    });
    if (this.training) {
      const tracked = this.numBatchesTracked.data;
      nd.add(tracked, 1, { out: tracked });
    }
    return y;
  }
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
export class BatchNorm1d extends BatchNorm {
  protected readonly trailingAxes = [[], ["L"]];

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options);
  }
}

/**
 * Batch normalisation over [N, C, H, W] inputs (PyTorch's `nn.BatchNorm2d`): BatchNorm1d's
 * rules with each channel's statistics taken over N, H and W. Same fields, state-dict keys and
 * errors.
 */
export class BatchNorm2d extends BatchNorm {
  protected readonly trailingAxes = [["H", "W"]];

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options);
  }
}

/** A bad option value as the user wrote it: strings quoted, numbers and null as they print. */
function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
