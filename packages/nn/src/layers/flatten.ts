import { reshape, type Variable, type VariableLike } from "@zerograd/autograd";
import { normalizeAxis } from "@zerograd/ndarray";
import { asVariable } from "../functional/activation";
import { Layer } from "../layer";

/**
 * Merges the axes `startDim`..`endDim` (inclusive, default 1 and −1) into one (PyTorch's
 * `nn.Flatten`): [N, C, H, W] → [N, C·H·W], keeping the batch axis. A view when the input is
 * contiguous. Throws IndexError for axes out of range.
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
    if (start > end) return v;
    const merged = shape.slice(start, end + 1).reduce((a, b) => a * b, 1);
    return reshape(v, [...shape.slice(0, start), merged, ...shape.slice(end + 1)]);
  }
}
