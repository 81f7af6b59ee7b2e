import type { NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import {
  Function,
  reshape,
  transpose,
  unbroadcast,
  type Variable,
  type VariableLike,
} from "../internal";

/** The last two axes swapped. */
function swapLast(x: Variable): Variable {
  const axes = x.shape.map((_, i) => i);
  axes[axes.length - 2] = axes.length - 1;
  axes[axes.length - 1] = axes.length - 2;
  return transpose(x, axes);
}

class MatMul extends Function {
  forward(a: NDArray, b: NDArray): NDArray {
    return nd.matmul(a, b);
  }

  backward(gy: Variable): (Variable | null)[] {
    const [a, b] = this.inputs as [Variable, Variable];
    // Treat a 1-D a as a row [1,k] and a 1-D b as a column [k,1], so gy regains the axes
    // matmul dropped; then dA = gy·Bᵀ and dB = Aᵀ·gy, summed over broadcast batch axes.
    const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0] as number]) : a;
    const b2 = b.ndim === 1 ? reshape(b, [b.shape[0] as number, 1]) : b;
    const kept = (a.ndim === 1 ? 0 : 1) + (b.ndim === 1 ? 0 : 1);
    const batch = gy.shape.slice(0, gy.ndim - kept);
    const rows = a.ndim === 1 ? 1 : (a.shape[a.ndim - 2] as number);
    const columns = b.ndim === 1 ? 1 : (b.shape[b.ndim - 1] as number);
    const g = reshape(gy, [...batch, rows, columns]);
    return [
      this.needsInputGrad(0)
        ? reshape(unbroadcast(matmul(g, swapLast(b2)), a2.shape), a.shape)
        : null,
      this.needsInputGrad(1)
        ? reshape(unbroadcast(matmul(swapLast(a2), g), b2.shape), b.shape)
        : null,
    ];
  }
}

/**
 * The matrix product with NumPy's rules: 2-D·2-D, 1-D operands as vectors (the added axis is
 * dropped from the result), and batches with broadcast leading axes. The gradients are
 * gy·Bᵀ and Aᵀ·gy, summed over broadcast batch axes.
 */
export function matmul(a: VariableLike, b: VariableLike): Variable {
  return new MatMul().apply(a, b);
}
