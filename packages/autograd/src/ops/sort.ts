import type { NDArray, SortOptions } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import {
  asVariable,
  Function,
  reshape,
  scatterAdd,
  Variable,
  type VariableLike,
} from "../internal";

/**
 * The flat positions in an array of `shape` of the elements that `indices` (positions along
 * `axis`, as argsort and topk give them) pick: where each output element came from.
 */
function sourcePositions(shape: readonly number[], indices: NDArray, axis: number): NDArray {
  const length = shape[axis] as number;
  const count = indices.shape[axis] as number;
  const outer = nd.shapeSize(shape.slice(0, axis));
  const inner = nd.shapeSize(shape.slice(axis + 1));
  const lines = nd
    .arange(outer, undefined, 1, "int32")
    .reshape([outer, 1, 1])
    .mul(length * inner);
  const within = nd.arange(inner, undefined, 1, "int32").reshape([1, 1, inner]);
  const picked = indices.reshape([outer, count, inner]).mul(inner);
  return picked.add(lines).add(within).reshape(indices.shape);
}

/** Values picked along an axis at known positions; the gradient goes back to those positions. */
class PickAlongAxis extends Function {
  constructor(
    private readonly picked: NDArray,
    private readonly indices: NDArray,
    private readonly axis: number,
  ) {
    super();
  }

  forward(_x: NDArray): NDArray {
    return this.picked;
  }

  backward(gy: Variable): Variable {
    const x = this.inputs[0] as Variable;
    const positions = sourcePositions(x.shape, this.indices, this.axis);
    return reshape(scatterAdd(nd.zeros([x.size], gy.dtype), positions, gy), x.shape);
  }
}

/**
 * x sorted along `axis` (ndarray's `sort`: stable, NaN as the largest value). The gradient of
 * each sorted element goes back to the position it came from.
 */
export function sort(x: VariableLike, axis = -1, options: SortOptions = {}): Variable {
  const input = asVariable(x);
  const ax = nd.normalizeAxis(axis, input.ndim, "sort", input.shape);
  const indices = nd.argsort(input.data, ax, options);
  const values = nd.sort(input.data, ax, options);
  return new PickAlongAxis(values, indices, ax).apply(input);
}

/**
 * The int32 positions that sort x along `axis` (ndarray's `argsort`), as a Variable that does
 * not require grad: positions have no derivative.
 */
export function argsort(x: VariableLike, axis = -1, options: SortOptions = {}): Variable {
  return new Variable(nd.argsort(asVariable(x).data, axis, options));
}

/**
 * The `k` largest values along `axis` and their positions, `[values, indices]` (ndarray's
 * `topk`: sorted largest first, equal values lower position first). `values` is differentiable
 * (its gradient goes back to the picked positions); `indices` is an int32 Variable without grad.
 */
export function topk(x: VariableLike, k: number, axis = -1): [Variable, Variable] {
  const input = asVariable(x);
  const ax = nd.normalizeAxis(axis, input.ndim, "topk", input.shape);
  const [values, indices] = nd.topk(input.data, k, ax);
  return [new PickAlongAxis(values, indices, ax).apply(input), new Variable(indices)];
}
