import type { IntPair, NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { Function, type Variable, type VariableLike } from "../internal";

/** Window geometry shared by im2col and col2im. */
interface Windows {
  kernelSize: IntPair;
  stride: IntPair;
  pad: IntPair;
  toMatrix: boolean;
}

class Im2col extends Function {
  constructor(private readonly windows: Windows) {
    super();
  }

  forward(x: NDArray): NDArray {
    const { kernelSize, stride, pad, toMatrix } = this.windows;
    return nd.im2col(x, kernelSize, stride, pad, toMatrix);
  }

  backward(gy: Variable): Variable {
    const x = this.inputs[0] as Variable;
    const { kernelSize, stride, pad, toMatrix } = this.windows;
    return col2im(gy, x.shape, kernelSize, stride, pad, toMatrix);
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
    const { kernelSize, stride, pad, toMatrix } = this.windows;
    return nd.col2im(col, this.inputShape, kernelSize, stride, pad, toMatrix);
  }

  backward(gy: Variable): Variable {
    const { kernelSize, stride, pad, toMatrix } = this.windows;
    return im2col(gy, kernelSize, stride, pad, toMatrix);
  }
}

/**
 * The sliding windows of an image batch `[N, C, H, W]` laid out as columns (ndarray's
 * im2col: `[N·OH·OW, C·KH·KW]` when `toMatrix`); the gradient is folded back with col2im.
 */
export function im2col(
  x: VariableLike,
  kernelSize: IntPair,
  stride: IntPair = 1,
  pad: IntPair = 0,
  toMatrix = true,
): Variable {
  return new Im2col({ kernelSize, stride, pad, toMatrix }).apply(x);
}

/** The adjoint of im2col: columns folded back into an image of `inputShape`, overlaps added. */
export function col2im(
  col: VariableLike,
  inputShape: readonly number[],
  kernelSize: IntPair,
  stride: IntPair = 1,
  pad: IntPair = 0,
  toMatrix = true,
): Variable {
  return new Col2im(inputShape, { kernelSize, stride, pad, toMatrix }).apply(col);
}
