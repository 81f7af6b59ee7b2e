import { broadcastShapesFor, broadcastStrides } from "../broadcast";
import { allocate, type DType, promoteTypes } from "../dtype";
import { ShapeError } from "../errors";
import { engine } from "../kernels/engine";
import { walkRows } from "../kernels/walk";
import { NDArray } from "../ndarray";
import { contiguousStrides, formatShape, shapeSize } from "../shape";
import { astype } from "./copy";
import { checkArray } from "./operands";

/**
 * Floats multiply in their own dtype; int32 in int32 with C's wrap-around (as NumPy's int32
 * matmul); bool as 0/1 in float64, any non-zero sum being true.
 */
function computeType(dtype: DType): DType {
  return dtype === "bool" ? "float64" : dtype;
}

/**
 * Matrix product with NumPy semantics: 1-D operands are promoted to a row (left) or a column
 * (right) and that axis is dropped again; leading batch axes broadcast
 * (`[2,1,3,4]·[5,4,2] → [2,5,3,2]`). Transposed views are read in place, not copied.
 */
export function matmul(a: NDArray, b: NDArray): NDArray {
  checkArray(a, "matmul");
  checkArray(b, "matmul");
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      `matmul: operands must have at least one dimension, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  const dtype = promoteTypes(a.dtype, b.dtype);
  const compute = computeType(dtype);
  const left = a.dtype === compute ? a : astype(a, compute);
  const right = b.dtype === compute ? b : astype(b, compute);

  // A 1-D left operand is a row [1,k], a 1-D right one a column [k,1] (stride 0 on the added axis).
  const aShape = left.ndim === 1 ? [1, left.shape[0] as number] : [...left.shape];
  const bShape = right.ndim === 1 ? [right.shape[0] as number, 1] : [...right.shape];
  const aStrides = left.ndim === 1 ? [0, left.strides[0] as number] : [...left.strides];
  const bStrides = right.ndim === 1 ? [right.strides[0] as number, 0] : [...right.strides];
  const [m, k] = aShape.slice(-2) as [number, number];
  const [k2, n] = bShape.slice(-2) as [number, number];
  if (k !== k2) {
    throw new ShapeError(
      `matmul: ${formatShape(a.shape)}·${formatShape(b.shape)}: inner dimensions differ (${k} vs ${k2})`,
    );
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch =
    aBatch.length === 0 && bBatch.length === 0
      ? []
      : broadcastShapesFor(
          `matmul: batch dimensions of ${formatShape(a.shape)}·${formatShape(b.shape)}`,
          aBatch,
          bBatch,
        );
  const out = allocate(compute, shapeSize(batch) * m * n);

  // One GEMM per batch index: walk the broadcast batch axes (stride 0 where an operand repeats)
  // with a trailing axis of length 1, so that each "row" the walker visits is one product.
  const rowStride = (strides: number[]) => strides[strides.length - 2] as number;
  const colStride = (strides: number[]) => strides[strides.length - 1] as number;
  const walkStrides = [
    [...broadcastStrides(aBatch, aStrides.slice(0, -2), batch), 0],
    [...broadcastStrides(bBatch, bStrides.slice(0, -2), batch), 0],
    [...contiguousStrides(batch).map((st) => st * m * n), 0],
  ];
  const offsets = Int32Array.from([left.offset, right.offset, 0]);
  const gemm = engine().gemm;
  walkRows([...batch, 1], walkStrides, offsets, () =>
    gemm(
      m,
      n,
      k,
      {
        data: left.data,
        offset: offsets[0] as number,
        rowStride: rowStride(aStrides),
        colStride: colStride(aStrides),
      },
      {
        data: right.data,
        offset: offsets[1] as number,
        rowStride: rowStride(bStrides),
        colStride: colStride(bStrides),
      },
      out,
      offsets[2] as number,
    ),
  );
  const shape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  const result = new NDArray(out, shape);
  return compute === dtype ? result : astype(result, dtype);
}
