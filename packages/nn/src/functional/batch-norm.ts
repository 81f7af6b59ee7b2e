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
 * The training-mode normalisation of `batchNorm` as one Function: x̂ = (x − μ)/√(σ² + ε) with the
 * batch's mean μ and biased variance σ² over `axes` (kept as size 1). Its backward is the closed
 * form (∂x̂ᵀg)/∂x = (g − mean(g) − x̂·mean(g·x̂))/√(σ² + ε) on raw arrays, a few passes instead of
 * the dozen a composed graph takes; when the gradient must be differentiable again
 * (createGraph) it is the same formula with x̂ and √(σ² + ε) rebuilt from the input as recorded
 * Variable ops.
 */
class BatchNormalize extends Function {
  /** The batch's mean, [1, C, 1, ...], once forward ran. */
  batchMean!: NDArray;
  /** The batch's biased variance, [1, C, 1, ...], once forward ran. */
  batchVar!: NDArray;
  private std!: NDArray;

  constructor(
    private readonly axes: number[],
    private readonly eps: number,
  ) {
    super();
  }

  override get name(): string {
    return "BatchNorm";
  }

  forward(x: NDArray): NDArray {
    this.batchMean = nd.mean(x, this.axes, true);
    const centered = nd.sub(x, this.batchMean);
    this.batchVar = nd.mean(nd.square(centered), this.axes, true);
    this.std = nd.sqrt(nd.add(this.batchVar, this.eps));
    // In place: `centered` is not needed again, and a step saves a full-size allocation.
    return nd.div(centered, this.std, { out: centered });
  }

  backward(gy: Variable): Variable | NDArray {
    const { axes } = this;
    if (isGradEnabled()) {
      const x = this.inputs[0] as Variable;
      const centered = sub(x, mean(x, axes, true));
      const std = sqrt(add(mean(square(centered), axes, true), this.eps));
      const normalized = div(centered, std);
      const projection = mul(normalized, mean(mul(gy, normalized), axes, true));
      return div(sub(sub(gy, mean(gy, axes, true)), projection), std);
    }
    const g = gy.data;
    const normalized = (this.outputs[0] as Variable).data;
    // Two full-size arrays instead of five: each temporary is overwritten once it is used.
    const projection = nd.mul(g, normalized);
    nd.mul(normalized, nd.mean(projection, axes, true), { out: projection });
    const dx = nd.sub(g, nd.mean(g, axes, true));
    nd.sub(dx, projection, { out: dx });
    return nd.div(dx, this.std, { out: dx });
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
    const normalize = new BatchNormalize(axes, eps);
    normalized = normalize.apply(input);
    const { batchMean, batchVar } = normalize;
    const update = (running: NDArray | null, batch: NDArray) => {
      if (running === null) return;
      const step = nd.mul(nd.astype(nd.reshape(batch, [channels]), running.dtype), momentum);
      nd.add(nd.mul(running, 1 - momentum, { out: running }), step, { out: running });
    };
    update(runningMean, batchMean);
    update(runningVar, nd.mul(batchVar, count / (count - 1)));
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
