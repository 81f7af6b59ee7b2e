import { asVariable, reshape, type Variable, type VariableLike } from "@zerograd/autograd";
import { formatShape, normalizeAxis, ShapeError } from "@zerograd/ndarray";
import { Layer } from "../layer";

/**
 * Merges the axes `startDim`..`endDim` (inclusive, default 1 and −1) into one (PyTorch's
 * `nn.Flatten`): [N, C, H, W] → [N, C·H·W], keeping the batch axis. A view when the input is
 * contiguous. Throws IndexError for axes out of range, and ShapeError (as PyTorch) when
 * `startDim` resolves to an axis after `endDim`'s for the input (`new Flatten(2, 1)` on any
 * input, `new Flatten(-1, 1)` on a 3-D one), naming both dims and the input's shape.
 */
export class Flatten extends Layer {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  forward(x: VariableLike): Variable {
    const v = asVariable(x);
    const shape = v.ndim === 0 ? [1] : v.shape;
    const start = normalizeAxis(this.startDim, shape.length, "Flatten", v.shape);
    const end = normalizeAxis(this.endDim, shape.length, "Flatten", v.shape);
    if (start > end) {
      throw new ShapeError(
        `Flatten: startDim ${this.startDim} comes after endDim ${this.endDim} for input ${formatShape(v.shape)} (axes ${start} > ${end})`,
      );
    }
    const merged = shape.slice(start, end + 1).reduce((a, b) => a * b, 1);
    return reshape(v, [...shape.slice(0, start), merged, ...shape.slice(end + 1)]);
  }
}
