import type { NDArray } from "./ndarray";

/** NumPy-like text of an array (replaced by the full printer). */
export function format(x: NDArray): string {
  return `array(${JSON.stringify(x.toArray())}, shape=[${x.shape.join(",")}], dtype=${x.dtype})`;
}
