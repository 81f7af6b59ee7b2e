import type { TypedArray } from "../dtype";

/** A matrix inside a buffer: element (i, j) is at `data[offset + i*rowStride + j*colStride]`. */
export interface MatrixOperand {
  readonly data: TypedArray;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/**
 * Reference GEMM: writes out[outOffset + i*n + j] = sum_p a[i,p] * b[p,j] for an [m,k]·[k,n]
 * product, accumulating in float64. Used where sizes are tiny and as the oracle in tests.
 */
export function naiveGemm(
  m: number,
  n: number,
  k: number,
  a: MatrixOperand,
  b: MatrixOperand,
  out: TypedArray,
  outOffset: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let ai = a.offset + i * a.rowStride;
      let bi = b.offset + j * b.colStride;
      for (let p = 0; p < k; p++, ai += a.colStride, bi += b.rowStride) {
        s += (a.data[ai] as number) * (b.data[bi] as number);
      }
      out[outOffset + i * n + j] = s;
    }
  }
}
