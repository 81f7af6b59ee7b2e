import type { IntPair, NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { Function, type Variable, type VariableLike } from "../internal";

/** Window geometry shared by im2col and col2im. */
interface Windows {
  kernelSize: IntPair;
  stride: IntPair;
  pad: IntPair;
  toMatrix: boolean;
  dilation: IntPair;
}

class Im2col extends Function {
  constructor(private readonly windows: Windows) {
    super();
  }

  forward(x: NDArray): NDArray {
    const { kernelSize, stride, pad, toMatrix, dilation } = this.windows;
    return nd.im2col(x, kernelSize, stride, pad, toMatrix, dilation);
  }

  backward(gy: Variable): Variable {
    const x = this.inputs[0] as Variable;
    const { kernelSize, stride, pad, toMatrix, dilation } = this.windows;
    return col2im(gy, x.shape, kernelSize, stride, pad, toMatrix, dilation);
  }
}

class Col2im extends Function {
  constructor(
    private readonly inputShape: readonly number[],
    private readonly windows: Windows,
  ) {
    super();
  }

  forward(col: NDArray): NDArray {
    const { kernelSize, stride, pad, toMatrix, dilation } = this.windows;
    return nd.col2im(col, this.inputShape, kernelSize, stride, pad, toMatrix, dilation);
  }

  backward(gy: Variable): Variable {
    const { kernelSize, stride, pad, toMatrix, dilation } = this.windows;
    return im2col(gy, kernelSize, stride, pad, toMatrix, dilation);
  }
}

/**
 * The sliding windows of an image batch `[N, C, H, W]` laid out as columns (ndarray's
 * im2col: `[N·OH·OW, C·KH·KW]` when `toMatrix`, taps `dilation` apart); the gradient is
 * folded back with col2im.
 */
export function im2col(
  x: VariableLike,
  kernelSize: IntPair,
  stride: IntPair = 1,
  pad: IntPair = 0,
  toMatrix = true,
  dilation: IntPair = 1,
): Variable {
  return new Im2col({ kernelSize, stride, pad, toMatrix, dilation }).apply(x);
}

/** The adjoint of im2col: columns folded back into an image of `inputShape`, overlaps added. */
export function col2im(
  col: VariableLike,
  inputShape: readonly number[],
  kernelSize: IntPair,
  stride: IntPair = 1,
  pad: IntPair = 0,
  toMatrix = true,
  dilation: IntPair = 1,
): Variable {
  return new Col2im(inputShape, { kernelSize, stride, pad, toMatrix, dilation }).apply(col);
}
