import { Parameter, type Variable, type VariableLike } from "@zerograd/autograd";
import type { DType, Random } from "@zerograd/ndarray";
import { NNError } from "../errors";
import { conv1d, conv2d, convTranspose2d, type Padding, type Pair } from "../functional/conv";
import { Layer } from "../layer";
import { freshRandom } from "../random";

/** Options of `Conv2d`; sizes are a number or `[height, width]`. */
export interface Conv2dLayerOptions {
  /** The step between windows (default 1). */
  stride?: Pair;
  /** Zero padding: a number, a pair, `'valid'` or `'same'` (default 0). */
  padding?: Padding;
  /** The spacing of the kernel's taps (default 1). */
  dilation?: Pair;
  /** Independent channel groups; both channel counts must divide by it (default 1). */
  groups?: number;
  /** Whether to learn a per-channel bias (default true). */
  bias?: boolean;
  /** The parameters' dtype (default float32). */
  dtype?: DType;
  /** Where the initial values come from (default: a fresh generator, see `freshRandom`). */
  rng?: Random;
}

/** Options of `Conv1d`: `Conv2d`'s, one number each. */
export interface Conv1dLayerOptions {
  stride?: number;
  padding?: number | "valid" | "same";
  dilation?: number;
  groups?: number;
  bias?: boolean;
  dtype?: DType;
  rng?: Random;
}

/** Options of `ConvTranspose2d`; sizes are a number or `[height, width]`. */
export interface ConvTranspose2dLayerOptions {
  stride?: Pair;
  /** Rows and columns cropped from each side of the full output (default 0). */
  padding?: Pair;
  /** Extra rows and columns at the bottom and right (default 0). */
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  dtype?: DType;
  rng?: Random;
}

/**
 * Throws NNError unless `value` is an integer >= `min` or `rank` of them (a layer's
 * constructor checks its sizes up front, rather than at the first forward).
 */
export function checkSize(
  layer: string,
  what: string,
  value: unknown,
  min: number,
  rank: number,
): void {
  const values = typeof value === "number" ? [value] : value;
  const fits =
    Array.isArray(values) &&
    (values.length === 1 || values.length === rank) &&
    values.every((v) => typeof v === "number" && Number.isInteger(v) && v >= min);
  if (!fits) {
    const many = rank === 1 ? "" : ` or ${rank} of them`;
    throw new NNError(
      `${layer}: ${what} must be an integer >= ${min}${many}, got ${JSON.stringify(value)}`,
    );
  }
}

/** Checks the sizes every convolution layer takes; returns the kernel as a list. */
function checkConv(
  layer: string,
  inChannels: number,
  outChannels: number,
  kernelSize: number | readonly number[],
  rank: number,
  groups: number,
): number[] {
  for (const [what, n] of [
    ["inChannels", inChannels],
    ["outChannels", outChannels],
    ["groups", groups],
  ] as const) {
    if (!Number.isInteger(n) || n < 1) {
      throw new NNError(`${layer}: ${what} must be a positive integer, got ${n}`);
    }
  }
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new NNError(
      `${layer}: inChannels ${inChannels} and outChannels ${outChannels} must both be divisible by groups ${groups}`,
    );
  }
  checkSize(layer, "kernelSize", kernelSize, 1, rank);
  return typeof kernelSize === "number"
    ? new Array<number>(rank).fill(kernelSize)
    : [...kernelSize];
}

/**
 * PyTorch's default initialisation of a convolution: weight and bias both from
 * U(−1/√fanIn, 1/√fanIn) (kaiming-uniform with a = √5), weight first, where fanIn is
 * `weightShape[1]` times the kernel's size.
 */
function initConv(
  weightShape: number[],
  biasSize: number,
  options: { bias?: boolean; dtype?: DType; rng?: Random },
): { weight: Parameter; bias: Parameter | null } {
  const { dtype = "float32", rng = freshRandom() } = options;
  const fanIn = weightShape.slice(1).reduce((p, d) => p * d, 1);
  const bound = 1 / Math.sqrt(fanIn);
  const weight = new Parameter(rng.uniform(-bound, bound, weightShape, { dtype }), {
    name: "weight",
  });
  const bias =
    (options.bias ?? true)
      ? new Parameter(rng.uniform(-bound, bound, [biasSize], { dtype }), { name: "bias" })
      : null;
  return { weight, bias };
}

/**
 * A 2-D convolution layer (PyTorch's `nn.Conv2d`): `weight` [outChannels, inChannels/groups,
 * kH, kW] and `bias` [outChannels] (null without bias), PyTorch's layout, keys and default
 * initialisation, so its state dicts load as they are. Input [N, inChannels, H, W] (or
 * unbatched [inChannels, H, W]); see `conv2d` for the output size. Throws NNError for sizes
 * that are not positive integers or channels not divisible by groups.
 */
export class Conv2d extends Layer {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: Pair;
  readonly padding: Padding;
  readonly dilation: Pair;
  readonly groups: number;
  /** [outChannels, inChannels/groups, kH, kW]. */
  weight: Parameter;
  /** [outChannels], or null when built with `bias: false`. */
  bias: Parameter | null;

  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    options: Conv2dLayerOptions = {},
  ) {
    super();
    const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
    const kernel = checkConv("Conv2d", inChannels, outChannels, kernelSize, 2, groups);
    checkSize("Conv2d", "stride", stride, 1, 2);
    checkSize("Conv2d", "dilation", dilation, 1, 2);
    if (padding !== "same" && padding !== "valid") checkSize("Conv2d", "padding", padding, 0, 2);
    if (
      padding === "same" &&
      stride !== 1 &&
      !(Array.isArray(stride) && stride.every((s) => s === 1))
    ) {
      throw new NNError(`Conv2d: padding 'same' needs stride 1, got ${JSON.stringify(stride)}`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernel as [number, number];
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.groups = groups;
    const { weight, bias } = initConv(
      [outChannels, inChannels / groups, ...kernel],
      outChannels,
      options,
    );
    this.weight = weight;
    this.bias = bias;
  }

  forward(x: VariableLike): Variable {
    const { stride, padding, dilation, groups } = this;
    return conv2d(x, this.weight, this.bias, { stride, padding, dilation, groups });
  }
}

/**
 * A 1-D convolution layer (PyTorch's `nn.Conv1d`): `weight` [outChannels, inChannels/groups,
 * K], `bias` [outChannels]; input [N, inChannels, L] or unbatched [inChannels, L]. Same
 * initialisation, keys and errors as `Conv2d`.
 */
export class Conv1d extends Layer {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number | "valid" | "same";
  readonly dilation: number;
  readonly groups: number;
  /** [outChannels, inChannels/groups, K]. */
  weight: Parameter;
  /** [outChannels], or null when built with `bias: false`. */
  bias: Parameter | null;

  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number,
    options: Conv1dLayerOptions = {},
  ) {
    super();
    const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
    const [kernel] = checkConv("Conv1d", inChannels, outChannels, kernelSize, 1, groups) as [
      number,
    ];
    checkSize("Conv1d", "stride", stride, 1, 1);
    checkSize("Conv1d", "dilation", dilation, 1, 1);
    if (padding !== "same" && padding !== "valid") checkSize("Conv1d", "padding", padding, 0, 1);
    if (padding === "same" && stride !== 1) {
      throw new NNError(`Conv1d: padding 'same' needs stride 1, got ${JSON.stringify(stride)}`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernel;
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.groups = groups;
    const { weight, bias } = initConv(
      [outChannels, inChannels / groups, kernel],
      outChannels,
      options,
    );
    this.weight = weight;
    this.bias = bias;
  }

  forward(x: VariableLike): Variable {
    const { stride, padding, dilation, groups } = this;
    return conv1d(x, this.weight, this.bias, { stride, padding, dilation, groups });
  }
}

/**
 * A transposed 2-D convolution layer (PyTorch's `nn.ConvTranspose2d`): `weight`
 * [inChannels, outChannels/groups, kH, kW] and `bias` [outChannels], PyTorch's layout, keys
 * and initialisation (fanIn = outChannels/groups·kH·kW, as PyTorch computes it from this
 * layout). See `convTranspose2d` for the output size. Throws NNError as `Conv2d` does.
 */
export class ConvTranspose2d extends Layer {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: Pair;
  readonly padding: Pair;
  readonly outputPadding: Pair;
  readonly dilation: Pair;
  readonly groups: number;
  /** [inChannels, outChannels/groups, kH, kW]. */
  weight: Parameter;
  /** [outChannels], or null when built with `bias: false`. */
  bias: Parameter | null;

  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    options: ConvTranspose2dLayerOptions = {},
  ) {
    super();
    const { stride = 1, padding = 0, outputPadding = 0, dilation = 1, groups = 1 } = options;
    const kernel = checkConv("ConvTranspose2d", inChannels, outChannels, kernelSize, 2, groups);
    checkSize("ConvTranspose2d", "stride", stride, 1, 2);
    checkSize("ConvTranspose2d", "padding", padding, 0, 2);
    checkSize("ConvTranspose2d", "outputPadding", outputPadding, 0, 2);
    checkSize("ConvTranspose2d", "dilation", dilation, 1, 2);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernel as [number, number];
    this.stride = stride;
    this.padding = padding;
    this.outputPadding = outputPadding;
    this.dilation = dilation;
    this.groups = groups;
    const { weight, bias } = initConv(
      [inChannels, outChannels / groups, ...kernel],
      outChannels,
      options,
    );
    this.weight = weight;
    this.bias = bias;
  }

  forward(x: VariableLike): Variable {
    const { stride, padding, outputPadding, dilation, groups } = this;
    return convTranspose2d(x, this.weight, this.bias, {
      stride,
      padding,
      outputPadding,
      dilation,
      groups,
    });
  }
}
