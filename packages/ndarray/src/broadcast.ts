import { ShapeError } from "./errors";
import { checkShape, formatShape, type Shape } from "./shape";

/** The shape several shapes broadcast to (NumPy rules); `op` names the caller in errors. */
export function broadcastShapesFor(op: string, ...shapes: Shape[]): number[] {
  let ndim = 0;
  for (const s of shapes) ndim = Math.max(ndim, s.length);
  const out = new Array<number>(ndim).fill(1);
  for (let i = 0; i < ndim; i++) {
    let owner = -1;
    for (let k = 0; k < shapes.length; k++) {
      const s = shapes[k] as Shape;
      const d = s[s.length - ndim + i] ?? 1;
      if (d === 1) continue;
      if (out[i] === 1) {
        out[i] = d;
        owner = k;
      } else if (out[i] !== d) {
        const first = shapes[owner] as Shape;
        throw new ShapeError(
          `${op}: cannot broadcast ${formatShape(first)} with ${formatShape(s)} (axis ${i}: ${out[i]} vs ${d})`,
        );
      }
    }
  }
  return out;
}

/**
 * The shape that `shapes` broadcast to together (NumPy rules: align on the right, a length of 1
 * stretches). A `ShapeError` names the axis that disagrees, or a shape that is not a list of
 * non-negative integers.
 */
export function broadcastShapes(...shapes: Shape[]): number[] {
  for (const s of shapes) checkShape(s, "broadcastShapes");
  return broadcastShapesFor("broadcastShapes", ...shapes);
}

/**
 * Strides that read an array of `shape`/`strides` as if it had `outShape` (stride 0 on broadcast
 * axes). The caller has already checked that the shapes are compatible.
 */
export function broadcastStrides(shape: Shape, strides: Shape, outShape: Shape): number[] {
  const lead = outShape.length - shape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    out[lead + i] = shape[i] === 1 && outShape[lead + i] !== 1 ? 0 : (strides[i] as number);
  }
  return out;
}
