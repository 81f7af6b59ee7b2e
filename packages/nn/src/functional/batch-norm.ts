import {
  add,
  asVariable,
  div,
  Function,
  isGradEnabled,
  mean,
  mul,
  reshape,
  sqrt,
  square,
  sub,
  sum,
  type Variable,
  type VariableLike,
} from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { formatShape, type NDArray, ShapeError } from "@zerograd/ndarray";
import { NNError } from "../errors";

/** Options of `batchNorm`. */
export interface BatchNormFunctionOptions {
  /** Normalise with the batch's statistics and update the running ones (default false). */
  training?: boolean;
  /** Weight of the new batch in the running statistics (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * The training-mode batch norm as one Function of (x, weight?, bias?): y = x̂·w + b with
 * x̂ = (x − μ)/√(σ² + ε), the batch's mean μ and biased variance σ² over `axes` (kept as size 1),
 * and w, b per channel. Forward fills two full-size arrays (x̂, kept for backward, and y) where
 * the composed graph fills five. Its backward is the closed form on raw arrays:
 * ∂b = Σg, ∂w = Σg·x̂ and, with h = g·w, ∂x = (h − mean(h) − x̂·mean(h·x̂))/√(σ² + ε), again in
 * two full-size arrays. When the gradient must be differentiable again (createGraph) it is the
 * same formula with x̂ and √(σ² + ε) rebuilt from the input as recorded Variable ops.
 */
class BatchNormalize extends Function {
  /** The batch's mean, [1, C, 1, ...], once forward ran. */
  batchMean!: NDArray;
  /** The batch's biased variance, [1, C, 1, ...], once forward ran. */
  batchVar!: NDArray;
  private std!: NDArray;
  private normalized!: NDArray;

  constructor(
    private readonly axes: number[],
    private readonly eps: number,
    private readonly channelShape: number[],
    private readonly hasWeight: boolean,
    private readonly hasBias: boolean,
  ) {
    super();
  }

  override get name(): string {
    return "BatchNorm";
  }

  forward(x: NDArray, ...affine: NDArray[]): NDArray {
    const { axes, channelShape } = this;
    this.batchMean = nd.mean(x, axes, true);
    const centered = nd.sub(x, this.batchMean);
    const squares = nd.square(centered);
    this.batchVar = nd.mean(squares, axes, true);
    this.std = nd.sqrt(nd.add(this.batchVar, this.eps));
    // In place: `centered` is not needed again, and a step saves a full-size allocation.
    this.normalized = nd.div(centered, this.std, { out: centered });
    const [weight, bias] = this.split(affine);
    if (weight === undefined && bias === undefined) return this.normalized;
    // y goes where the squares were (same shape and dtype: batchNorm only fuses one dtype).
    let y = this.normalized;
    if (weight !== undefined) y = nd.mul(y, nd.reshape(weight, channelShape), { out: squares });
    if (bias !== undefined) y = nd.add(y, nd.reshape(bias, channelShape), { out: squares });
    return y;
  }

  /** The weight and bias among the inputs after x (either may be absent). */
  private split<T>(affine: readonly T[]): [T | undefined, T | undefined] {
    return [
      this.hasWeight ? affine[0] : undefined,
      this.hasBias ? affine[this.hasWeight ? 1 : 0] : undefined,
    ];
  }

  /** One gradient per input: x's, then the weight's and the bias's when they are inputs. */
  private gradients<T>(dx: T | null, dw: T | null, db: T | null): (T | null)[] {
    return [dx, ...(this.hasWeight ? [dw] : []), ...(this.hasBias ? [db] : [])];
  }

  backward(gy: Variable): (Variable | NDArray | null)[] {
    const { axes, channelShape } = this;
    const channels = [channelShape[1] as number];
    const [weight] = this.split(this.inputs.slice(1));
    const wantWeight = this.hasWeight && this.needsInputGrad(1);
    const wantBias = this.hasBias && this.needsInputGrad(this.hasWeight ? 2 : 1);
    if (isGradEnabled()) {
      const x = this.inputs[0] as Variable;
      const centered = sub(x, mean(x, axes, true));
      const std = sqrt(add(mean(square(centered), axes, true), this.eps));
      const normalized = div(centered, std);
      const h = weight === undefined ? gy : mul(gy, reshape(weight, channelShape));
      const projection = mul(normalized, mean(mul(h, normalized), axes, true));
      const dx = div(sub(sub(h, mean(h, axes, true)), projection), std);
      const dw = wantWeight ? reshape(sum(mul(gy, normalized), axes), channels) : null;
      const db = wantBias ? reshape(sum(gy, axes), channels) : null;
      return this.gradients(dx, dw, db);
    }
    const g = gy.data;
    const { normalized } = this;
    const db = wantBias ? nd.reshape(nd.sum(g, axes), channels) : null;
    // h = g·w in a scratch array that first holds g·x̂ for the weight's gradient; without a
    // weight h is g itself, which is not ours to overwrite.
    let h = g;
    let dw: NDArray | null = null;
    if (weight !== undefined) {
      const scratch = nd.mul(g, normalized);
      if (wantWeight) dw = nd.reshape(nd.sum(scratch, axes), channels);
      h = nd.mul(g, nd.reshape(weight.data, channelShape), { out: scratch });
    }
    const projection = nd.mul(h, normalized);
    nd.mul(normalized, nd.mean(projection, axes, true), { out: projection });
    const hMean = nd.mean(h, axes, true);
    const dx = h === g ? nd.sub(g, hMean) : nd.sub(h, hMean, { out: h });
    nd.sub(dx, projection, { out: dx });
    return this.gradients(nd.div(dx, this.std, { out: dx }), dw, db);
  }
}

/**
 * Batch normalisation, PyTorch's `F.batch_norm`: x `[N, C, ...]` is normalised per channel c
 * (axis 1), then scaled by `weight[c]` and shifted by `bias[c]` when given.
 *
 * With `training`, the statistics are the batch's mean and biased variance over every axis but
 * 1, and `runningMean` / `runningVar` (when not null) are updated in place as
 * running = (1 − momentum)·running + momentum·batch, the variance unbiased (n/(n − 1)).
 * Without it, the running statistics are used and must be given. Throws ShapeError when x has
 * fewer than 2 axes or an array is not `[C]`, NNError when eval mode lacks running statistics
 * or training sees one value per channel.
 */
export function batchNorm(
  x: VariableLike,
  runningMean: NDArray | null,
  runningVar: NDArray | null,
  weight?: VariableLike | null,
  bias?: VariableLike | null,
  options: BatchNormFunctionOptions = {},
): Variable {
  const { training = false, momentum = 0.1, eps = 1e-5 } = options;
  const input = asVariable(x);
  const w = weight === undefined || weight === null ? null : asVariable(weight);
  const b = bias === undefined || bias === null ? null : asVariable(bias);
  if (input.ndim < 2) {
    throw new ShapeError(`batchNorm: expected input [N, C, ...], got ${formatShape(input.shape)}`);
  }
  const channels = input.shape[1] as number;
  for (const [what, array] of [
    ["runningMean", runningMean],
    ["runningVar", runningVar],
    ["weight", w],
    ["bias", b],
  ] as const) {
    if (array !== null && (array.ndim !== 1 || array.shape[0] !== channels)) {
      throw new ShapeError(
        `batchNorm: ${what} ${formatShape(array.shape)} must be [${channels}] for input ${formatShape(input.shape)}`,
      );
    }
  }
  // Per-channel arrays broadcast against x as [1, C, 1, ...].
  const channelShape = input.shape.map((d, axis) => (axis === 1 ? d : 1));
  const axes = input.shape.map((_, axis) => axis).filter((axis) => axis !== 1);
  let normalized: Variable;
  if (training) {
    const count = input.size / Math.max(channels, 1);
    if (count < 2) {
      throw new NNError(
        `batchNorm: training needs more than one value per channel, got input ${formatShape(input.shape)}`,
      );
    }
    // One Function for the whole layer where x, weight and bias share a dtype; mixed dtypes
    // keep the composed affine, whose ops promote as they should.
    const fuse = [w, b].every((a) => a === null || a.dtype === input.dtype);
    const normalize = new BatchNormalize(
      axes,
      eps,
      channelShape,
      fuse && w !== null,
      fuse && b !== null,
    );
    const affine = fuse ? [w, b].filter((a): a is Variable => a !== null) : [];
    normalized = normalize.apply(input, ...affine);
    const { batchMean, batchVar } = normalize;
    const update = (running: NDArray | null, batch: NDArray) => {
      if (running === null) return;
      const step = nd.mul(nd.astype(nd.reshape(batch, [channels]), running.dtype), momentum);
      nd.add(nd.mul(running, 1 - momentum, { out: running }), step, { out: running });
    };
    update(runningMean, batchMean);
    update(runningVar, nd.mul(batchVar, count / (count - 1)));
    if (fuse) return normalized;
  } else {
    if (runningMean === null || runningVar === null) {
      throw new NNError("batchNorm: eval mode (training false) needs runningMean and runningVar");
    }
    const std = nd.sqrt(nd.add(nd.reshape(runningVar, channelShape), eps));
    normalized = div(sub(input, nd.reshape(runningMean, channelShape)), std);
  }
  if (w !== null) normalized = mul(normalized, reshape(w, channelShape));
  if (b !== null) normalized = add(normalized, reshape(b, channelShape));
  return normalized;
}
