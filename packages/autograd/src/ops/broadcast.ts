import { sumTo, type Variable } from "../internal";

/** `g` summed back to `shape` when an op broadcast its input to the output's shape. */
export function unbroadcast(g: Variable, shape: readonly number[]): Variable {
  const same = g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i]);
  return same ? g : sumTo(g, shape);
}
