import type { Variable, VariableLike } from "@zerograd/autograd";
import { NNError } from "../errors";
import type { Pair } from "../functional/conv";
import {
  type AvgPool2dOptions,
  adaptiveAvgPool2d,
  avgPool2d,
  type MaxPool2dOptions,
  maxPool2d,
} from "../functional/pooling";
import { Layer } from "../layer";
import { checkSize } from "./conv";

/** Checks a pooling layer's sizes at construction (NNError), as the conv layers do. */
function checkWindow(
  layer: string,
  kernelSize: Pair,
  options: { stride?: Pair; padding?: Pair; dilation?: Pair },
): void {
  checkSize(layer, "kernelSize", kernelSize, 1, 2);
  if (options.stride !== undefined) checkSize(layer, "stride", options.stride, 1, 2);
  if (options.padding !== undefined) checkSize(layer, "padding", options.padding, 0, 2);
  if (options.dilation !== undefined) checkSize(layer, "dilation", options.dilation, 1, 2);
}

/** 2-D max pooling as a layer (PyTorch's `nn.MaxPool2d`); see `maxPool2d`. No parameters. */
export class MaxPool2d extends Layer {
  constructor(
    readonly kernelSize: Pair,
    readonly options: MaxPool2dOptions = {},
  ) {
    super();
    checkWindow("MaxPool2d", kernelSize, options);
  }

  forward(x: VariableLike): Variable {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

/** 2-D average pooling as a layer (PyTorch's `nn.AvgPool2d`); see `avgPool2d`. No parameters. */
export class AvgPool2d extends Layer {
  constructor(
    readonly kernelSize: Pair,
    readonly options: AvgPool2dOptions = {},
  ) {
    super();
    checkWindow("AvgPool2d", kernelSize, options);
  }

  forward(x: VariableLike): Variable {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

/**
 * 2-D adaptive average pooling as a layer (PyTorch's `nn.AdaptiveAvgPool2d`); see
 * `adaptiveAvgPool2d`. No parameters.
 */
export class AdaptiveAvgPool2d extends Layer {
  constructor(readonly outputSize: number | readonly [number | null, number | null]) {
    super();
    const sizes = typeof outputSize === "number" ? [outputSize] : outputSize;
    if (
      !Array.isArray(sizes) ||
      !sizes.every((v) => v === null || (Number.isInteger(v) && v >= 1))
    ) {
      throw new NNError(
        `AdaptiveAvgPool2d: outputSize must be a positive integer or a pair of them (null keeps an axis), got ${JSON.stringify(outputSize)}`,
      );
    }
  }

  forward(x: VariableLike): Variable {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}
