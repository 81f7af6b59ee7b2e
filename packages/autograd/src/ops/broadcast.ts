import { shapesEqual } from "@zerograd/ndarray";
import { sumTo, type Variable } from "../internal";

/** `g` summed back to `shape` when an op broadcast its input to the output's shape. */
export function unbroadcast(g: Variable, shape: readonly number[]): Variable {
  return shapesEqual(g.shape, shape) ? g : sumTo(g, shape);
}
