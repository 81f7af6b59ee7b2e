import type { DType, NDArray, Random, Shape } from "@zerograd/ndarray";
import { NNError } from "./errors";
import { freshRandom } from "./random";

// PyTorch's torch.nn.init, returning new arrays: `new Parameter(kaimingUniform([out, in], { rng }))`,
// or `layer.weight.data = xavierUniform(layer.weight.shape, { rng })` to re-initialise.

/** The nonlinearities `calculateGain` knows (PyTorch's names in camelCase). */
export type Nonlinearity =
  | "linear"
  | "conv1d"
  | "conv2d"
  | "conv3d"
  | "convTranspose1d"
  | "convTranspose2d"
  | "convTranspose3d"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leakyRelu"
  | "selu";

/** Which fan the kaiming functions keep the variance for: forward (`fanIn`) or backward (`fanOut`). */
export type FanMode = "fanIn" | "fanOut";

/** Options shared by the init functions. */
export interface InitOptions {
  /** Where the values come from (default: a fresh generator, see `freshRandom`). */
  rng?: Random;
  /** The result's dtype (default float32). */
  dtype?: DType;
}

/** Options of `xavierUniform` and `xavierNormal`. */
export interface XavierOptions extends InitOptions {
  /** Scale factor (default 1), e.g. `calculateGain("tanh")`. */
  gain?: number;
}

/** Options of `kaimingUniform` and `kaimingNormal`. */
export interface KaimingOptions extends InitOptions {
  /** The negative slope of the leaky ReLU that follows (default 0; only used for `leakyRelu`). */
  a?: number;
  /** Which fan to use (default `fanIn`). */
  mode?: FanMode;
  /** The nonlinearity that follows (default `leakyRelu`, PyTorch's default). */
  nonlinearity?: Nonlinearity;
}

/**
 * The recommended gain for a nonlinearity (PyTorch's `calculate_gain`): 1 for linear, conv
 * and sigmoid, 5/3 for tanh, √2 for relu, √(2 / (1 + slope²)) for leakyRelu (`param` is the
 * slope, default 0.01), 3/4 for selu. Throws NNError for an unknown name or a bad slope.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "convTranspose1d":
    case "convTranspose2d":
    case "convTranspose3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.sqrt(2);
    case "leakyRelu": {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope)) {
        throw new NNError(
          `calculateGain: the leakyRelu slope must be a finite number, got ${slope}`,
        );
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new NNError(`calculateGain: unknown nonlinearity ${JSON.stringify(nonlinearity)}`);
  }
}

/**
 * The fans of a weight of `shape` (PyTorch's rule): for [out, in, ...kernel], fanIn = in·k
 * and fanOut = out·k with k the product of the kernel axes (1 for a Linear weight).
 * Throws NNError for fewer than 2 axes.
 */
export function calculateFanInAndFanOut(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new NNError(
      `init: fan in and fan out need a shape of at least 2 axes, got [${shape.join(",")}]`,
    );
  }
  const receptiveField = shape.slice(2).reduce((a, b) => a * b, 1);
  return {
    fanIn: (shape[1] as number) * receptiveField,
    fanOut: (shape[0] as number) * receptiveField,
  };
}

// The formulas below round exactly as PyTorch's do (gain·√(6/n), not gain·√6/√n). A fan of 0
// means an empty array: nothing is drawn, so the scale is 0 rather than infinite.

/**
 * U(−b, b) with b = gain·√(6 / (fanIn + fanOut)) (Glorot & Bengio; PyTorch's
 * `xavier_uniform_`), a new array of `shape`. Throws NNError for fewer than 2 axes.
 */
export function xavierUniform(shape: Shape, options: XavierOptions = {}): NDArray {
  const { fanIn, fanOut } = calculateFanInAndFanOut(shape);
  const gain = options.gain ?? 1;
  const bound = fanIn + fanOut > 0 ? gain * Math.sqrt(6 / (fanIn + fanOut)) : 0;
  return (options.rng ?? freshRandom()).uniform(-bound, bound, shape, { dtype: options.dtype });
}

/**
 * N(0, std²) with std = gain·√(2 / (fanIn + fanOut)) (PyTorch's `xavier_normal_`), a new
 * array of `shape`. Throws NNError for fewer than 2 axes.
 */
export function xavierNormal(shape: Shape, options: XavierOptions = {}): NDArray {
  const { fanIn, fanOut } = calculateFanInAndFanOut(shape);
  const gain = options.gain ?? 1;
  const std = fanIn + fanOut > 0 ? gain * Math.sqrt(2 / (fanIn + fanOut)) : 0;
  return (options.rng ?? freshRandom()).normal(0, std, shape, { dtype: options.dtype });
}

/** gain / √fan, the std both kaiming functions aim for. */
function kaimingStd(op: string, shape: Shape, options: KaimingOptions): number {
  const { a = 0, mode = "fanIn", nonlinearity = "leakyRelu" } = options;
  if (mode !== "fanIn" && mode !== "fanOut") {
    throw new NNError(`${op}: mode must be 'fanIn' or 'fanOut', got ${JSON.stringify(mode)}`);
  }
  const fans = calculateFanInAndFanOut(shape);
  const fan = mode === "fanIn" ? fans.fanIn : fans.fanOut;
  return fan > 0 ? calculateGain(nonlinearity, a) / Math.sqrt(fan) : 0;
}

/**
 * U(−b, b) with b = √3·gain/√fan (He et al.; PyTorch's `kaiming_uniform_`), gain from
 * `nonlinearity` and `a`, fan from `mode`; a new array of `shape`. Throws NNError for fewer
 * than 2 axes or an unknown mode or nonlinearity.
 */
export function kaimingUniform(shape: Shape, options: KaimingOptions = {}): NDArray {
  const bound = Math.sqrt(3) * kaimingStd("kaimingUniform", shape, options);
  return (options.rng ?? freshRandom()).uniform(-bound, bound, shape, { dtype: options.dtype });
}

/**
 * N(0, std²) with std = gain/√fan (PyTorch's `kaiming_normal_`), options as `kaimingUniform`;
 * a new array of `shape`.
 */
export function kaimingNormal(shape: Shape, options: KaimingOptions = {}): NDArray {
  const std = kaimingStd("kaimingNormal", shape, options);
  return (options.rng ?? freshRandom()).normal(0, std, shape, { dtype: options.dtype });
}
