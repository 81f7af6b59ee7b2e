import { broadcastShapesFor } from "../broadcast";
import { allocate, type DType, promoteTypes } from "../dtype";
import { ShapeError } from "../errors";
import { engine } from "../kernels/engine";
import { NDArray } from "../ndarray";
import { formatShape, shapeSize } from "../shape";
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

  const aShape = a.ndim === 1 ? [1, a.shape[0] as number] : [...a.shape];
  const bShape = b.ndim === 1 ? [b.shape[0] as number, 1] : [...b.shape];
  const aStrides = a.ndim === 1 ? [0, left.strides[0] as number] : [...left.strides];
  const bStrides = b.ndim === 1 ? [right.strides[0] as number, 0] : [...right.strides];
  const m = aShape[aShape.length - 2] as number;
  const k = aShape[aShape.length - 1] as number;
  const k2 = bShape[bShape.length - 2] as number;
  const n = bShape[bShape.length - 1] as number;
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
  const batches = shapeSize(batch);
  const out = allocate(compute, batches * m * n);

  // Walk the broadcast batch index with per-operand offsets (stride 0 on broadcast batch axes).
  const batchStride = (shape: number[], strides: number[]) => {
    const lead = batch.length - shape.length + 2;
    return batch.map((d, i) => {
      const own = i - lead >= 0 ? (shape[i - lead] as number) : 1;
      return own === 1 && d !== 1 ? 0 : i - lead >= 0 ? (strides[i - lead] as number) : 0;
    });
  };
  const aBatchStrides = batchStride(aShape, aStrides);
  const bBatchStrides = batchStride(bShape, bStrides);
  const counter = new Array<number>(batch.length).fill(0);
  let aOffset = left.offset;
  let bOffset = right.offset;
  const gemm = engine().gemm;
  for (let t = 0; t < batches; t++) {
    gemm(
      m,
      n,
      k,
      {
        data: left.data,
        offset: aOffset,
        rowStride: aStrides[aStrides.length - 2] as number,
        colStride: aStrides[aStrides.length - 1] as number,
      },
      {
        data: right.data,
        offset: bOffset,
        rowStride: bStrides[bStrides.length - 2] as number,
        colStride: bStrides[bStrides.length - 1] as number,
      },
      out,
      t * m * n,
    );
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++(counter[d] as number) < (batch[d] as number)) {
        aOffset += aBatchStrides[d] as number;
        bOffset += bBatchStrides[d] as number;
        break;
      }
      aOffset -= (aBatchStrides[d] as number) * ((batch[d] as number) - 1);
      bOffset -= (bBatchStrides[d] as number) * ((batch[d] as number) - 1);
      counter[d] = 0;
    }
  }
  const shape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  const result = new NDArray(out, shape);
  return compute === dtype ? result : astype(result, dtype);
}
