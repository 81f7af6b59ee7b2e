import {
  Function,
  matmul,
  reshape,
  sum,
  transpose,
  type Variable,
  type VariableLike,
} from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { formatShape, type NDArray, ShapeError } from "@zerograd/ndarray";

/**
 * y = x·Wᵀ + b as one Function: one matmul over a transposed view of W (free in ndarray) and
 * one broadcast add. Its backward gives W a contiguous [out, in] gradient (gyᵀ·x), which
 * optimizers can update in place, rather than the transposed view a matmul-of-a-transpose
 * graph would leave.
 *
 * The class is not called `Linear`, the layer's name (a bundler would rename one of two
 * top-level classes with one name, and `constructor.name` is what errors print), but its node
 * reads "Linear" in graphs and errors, after the op, as autograd's Functions do (`Add`, `MatMul`).
 */
class LinearFunction extends Function {
  override get name(): string {
    return "Linear";
  }

  forward(x: NDArray, weight: NDArray, bias?: NDArray): NDArray {
    checkShapes(x, weight, bias);
    const y = nd.matmul(x, nd.transpose(weight));
    if (bias === undefined) return y;
    return bias.dtype === y.dtype ? nd.add(y, bias, { out: y }) : nd.add(y, bias);
  }

  backward(gy: Variable): (Variable | null)[] {
    const [x, weight] = this.inputs as [Variable, Variable];
    const [outFeatures, inFeatures] = weight.shape as [number, number];
    // Rows of gy and x pair up once the leading (batch) axes are flattened: dW = Σ gyᵀ·x.
    const rows = (g: Variable, width: number) => reshape(g, [-1, width]);
    const grads = [
      this.needsInputGrad(0) ? matmul(gy, weight) : null,
      this.needsInputGrad(1) ? matmul(transpose(rows(gy, outFeatures)), rows(x, inFeatures)) : null,
    ];
    if (this.inputs.length === 3) {
      grads.push(this.needsInputGrad(2) ? sum(rows(gy, outFeatures), 0) : null);
    }
    return grads;
  }
}

function checkShapes(x: NDArray, weight: NDArray, bias: NDArray | undefined): void {
  const shapes = `x ${formatShape(x.shape)}, weight ${formatShape(weight.shape)}${bias ? `, bias ${formatShape(bias.shape)}` : ""}`;
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-D [out, in] (${shapes})`);
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new ShapeError(
      `linear: the last axis of x must have the weight's ${inFeatures} input features (${shapes})`,
    );
  }
  if (bias !== undefined && (bias.ndim !== 1 || bias.shape[0] !== outFeatures)) {
    throw new ShapeError(`linear: bias must be 1-D with ${outFeatures} elements (${shapes})`);
  }
}

/**
 * The affine map x·weightᵀ + bias (PyTorch's `F.linear`): x `[..., in]`, weight `[out, in]`,
 * bias `[out]` (optional), result `[..., out]`. Throws ShapeError when the shapes do not fit,
 * naming all of them.
 */
export function linear(
  x: VariableLike,
  weight: VariableLike,
  bias?: VariableLike | null,
): Variable {
  const op = new LinearFunction();
  return bias === undefined || bias === null ? op.apply(x, weight) : op.apply(x, weight, bias);
}
