import type { TypedArray } from "../dtype";
import { createAsmPanelKernel } from "./gemm-asm";
import { createJsPanelKernel } from "./gemm-js";

/** A matrix inside a buffer: element (i, j) is at `data[offset + i*rowStride + j*colStride]`. */
export interface MatrixOperand {
  readonly data: TypedArray;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/**
 * A GEMM entry point: writes (overwrites) out[outOffset + i*n + j] = sum_p a[i,p] * b[p,j] for
 * an [m,k]·[k,n] product. Strides may be anything, including 0 (broadcast) and negative.
 */
export type GemmKernel = (
  m: number,
  n: number,
  k: number,
  a: MatrixOperand,
  b: MatrixOperand,
  out: TypedArray,
  outOffset: number,
) => void;

/**
 * Reference GEMM: writes out[outOffset + i*n + j] = sum_p a[i,p] * b[p,j] for an [m,k]·[k,n]
 * product, accumulating in float64. The fallback of `vectorGemm` and the oracle in tests.
 */
export const naiveGemm: GemmKernel = (m, n, k, a, b, out, outOffset) =>
  dotProducts(m, n, k, a, b, out, outOffset, false);

/**
 * The int32 product, as NumPy's int32 matmul: every multiply and add wraps to 32 bits, so sums
 * that pass 2^53 stay exact modulo 2^32 (float64 accumulation would round them).
 */
const int32Gemm: GemmKernel = (m, n, k, a, b, out, outOffset) =>
  dotProducts(m, n, k, a, b, out, outOffset, true);

function dotProducts(
  m: number,
  n: number,
  k: number,
  a: MatrixOperand,
  b: MatrixOperand,
  out: TypedArray,
  outOffset: number,
  wrapInt32: boolean,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let ai = a.offset + i * a.rowStride;
      let bi = b.offset + j * b.colStride;
      for (let p = 0; p < k; p++, ai += a.colStride, bi += b.rowStride) {
        const x = a.data[ai] as number;
        const y = b.data[bi] as number;
        s = wrapInt32 ? (s + Math.imul(x, y)) | 0 : s + x * y;
      }
      out[outOffset + i * n + j] = s;
    }
  }
}

/**
 * The inner part of a blocked GEMM over packed panels in a float64 workspace. Offsets and the
 * row pitch `ldc` are in elements of the workspace.
 */
export interface PanelKernel {
  /** Rows of the register tile: A is packed into slivers this tall. */
  readonly mr: number;
  /** Columns of the register tile: B is packed into slivers this wide. */
  readonly nr: number;
  /** The workspace, grown to hold at least `elements` (the returned view replaces older ones). */
  reserve(elements: number): Float64Array;
  /**
   * C[cp + i*ldc + j] = (accumulate ? C : 0) + sum_p A[i,p]·B[p,j] for i < mc, j < nc, with A
   * packed at `ap` (mc/mr slivers) and B at `bp` (nc/nr slivers), both of depth kc. mc and nc
   * are multiples of mr and nr.
   */
  multiply(
    ap: number,
    bp: number,
    cp: number,
    mc: number,
    nc: number,
    kc: number,
    ldc: number,
    accumulate: boolean,
  ): void;
}

/** Depth of one packed block: a kc×nr sliver of B stays in L1 while a tile sweeps it. */
const KC = 256;
/** Rows of A packed at once (64×256 float64 = 128 KiB, in L2). */
const MC = 64;
/** Widest B panel packed at once (1024×256 float64 = 2 MiB). */
const NC = 1024;
/** Float64 elements of C kept in the workspace at once (4 MiB): rows are processed in chunks. */
const C_BLOCK = 1 << 19;

function roundUp(x: number, step: number): number {
  return Math.ceil(x / step) * step;
}

/**
 * Copies `lines` lines (each `depth` long) of a strided matrix into slivers `width` lines wide:
 * element (line l, depth p) of sliver s lands at at + s*width*depth + p*width + l%width, and the
 * last sliver is padded with zeros. For A a line is a row, for B a column, so the transposed
 * and sliced views cost the same as contiguous ones.
 */
function packSlivers(
  data: TypedArray,
  start: number,
  lineStride: number,
  depthStride: number,
  lines: number,
  depth: number,
  width: number,
  dst: Float64Array,
  at: number,
): void {
  for (let s = 0; s < lines; s += width) {
    for (let l = 0; l < width; l++) {
      let q = at + l;
      if (s + l < lines) {
        let src = start + (s + l) * lineStride;
        for (let p = 0; p < depth; p++, src += depthStride, q += width) {
          dst[q] = data[src] as number;
        }
      } else {
        for (let p = 0; p < depth; p++, q += width) dst[q] = 0;
      }
    }
    at += width * depth;
  }
}

/**
 * The GotoBLAS/BLIS loop nest: for each chunk of C rows and each B panel of NC columns, for
 * each KC-deep block: pack B once, then for each MC-row block of A pack it and let the panel
 * kernel update C. C accumulates in float64 in the workspace and is rounded once on copy-out.
 */
export function blockedGemm(
  kernel: PanelKernel,
  m: number,
  n: number,
  k: number,
  a: MatrixOperand,
  b: MatrixOperand,
  out: TypedArray,
  outOffset: number,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    out.fill(0, outOffset, outOffset + m * n);
    return;
  }
  const { mr, nr } = kernel;
  const ncMax = Math.min(roundUp(n, nr), NC);
  const kcMax = Math.min(k, KC);
  const mcMax = Math.min(roundUp(m, mr), MC);
  const rowChunk = Math.min(roundUp(m, mr), Math.max(MC, Math.floor(C_BLOCK / ncMax / MC) * MC));
  const ap = 0;
  const bp = ap + mcMax * kcMax;
  const cp = bp + ncMax * kcMax;
  const work = kernel.reserve(cp + rowChunk * ncMax);
  for (let i0 = 0; i0 < m; i0 += rowChunk) {
    const rows = Math.min(rowChunk, m - i0);
    for (let j0 = 0; j0 < n; j0 += ncMax) {
      const cols = Math.min(ncMax, n - j0);
      const ldc = roundUp(cols, nr);
      for (let p0 = 0; p0 < k; p0 += KC) {
        const kc = Math.min(KC, k - p0);
        const bStart = b.offset + p0 * b.rowStride + j0 * b.colStride;
        packSlivers(b.data, bStart, b.colStride, b.rowStride, cols, kc, nr, work, bp);
        for (let ic = 0; ic < rows; ic += MC) {
          const mc = Math.min(MC, rows - ic);
          const aStart = a.offset + (i0 + ic) * a.rowStride + p0 * a.colStride;
          packSlivers(a.data, aStart, a.rowStride, a.colStride, mc, kc, mr, work, ap);
          kernel.multiply(ap, bp, cp + ic * ldc, roundUp(mc, mr), ldc, kc, ldc, p0 > 0);
        }
      }
      const to = outOffset + i0 * n + j0;
      if (cols === n && ldc === n) {
        out.set(work.subarray(cp, cp + rows * n), to);
      } else {
        for (let i = 0; i < rows; i++) {
          out.set(work.subarray(cp + i * ldc, cp + i * ldc + cols), to + i * n);
        }
      }
    }
  }
}

/**
 * GEMM for matrix-vector shapes (m = 1 or n = 1), where a register tile would mostly multiply
 * padding and packing would copy as much as it computes. Streams the matrix operand along its
 * contiguous direction: dot products when that runs along k, otherwise accumulating the k
 * columns (or rows) of the matrix into a float64 result vector.
 */
export const vectorGemm: GemmKernel = (m, n, k, a, b, out, outOffset) => {
  // out is a column (n = 1, walk A) or a row (m = 1, walk B); `line` steps along out, `depth` along k.
  const matrix = n === 1 ? a : b;
  const vector = n === 1 ? b : a;
  const length = n === 1 ? m : n;
  const lineStride = n === 1 ? a.rowStride : b.colStride;
  const depthStride = n === 1 ? a.colStride : b.rowStride;
  const vectorStride = n === 1 ? b.rowStride : a.colStride;
  if (length === 1 || Math.abs(depthStride) <= Math.abs(lineStride)) {
    naiveGemm(m, n, k, a, b, out, outOffset);
    return;
  }
  const { data } = matrix;
  const sums = new Float64Array(length);
  for (let p = 0; p < k; p++) {
    const x = vector.data[vector.offset + p * vectorStride] as number;
    let at = matrix.offset + p * depthStride;
    for (let l = 0; l < length; l++, at += lineStride) sums[l] += x * (data[at] as number);
  }
  out.set(sums, outOffset);
};

/**
 * The fast GEMM: the blocked, packed kernel for every matrix-matrix product (measured here, it
 * beats an unpacked loop even at 4×4×4, because the loop pays a float32→float64 conversion and
 * typed-array checks on every load) and `vectorGemm` for matrix-vector ones. The panel kernel
 * is asm.js when `allowCodegen()` says code generation is allowed (asked once, on the first
 * matrix product), plain JavaScript otherwise. Sums are float64, rounded once into `out`; an
 * Int32Array `out` gets `int32Gemm`, which wraps like NumPy's int32 matmul.
 */
export function createGemm(allowCodegen: () => boolean): GemmKernel {
  let kernel: PanelKernel | undefined;
  return (m, n, k, a, b, out, outOffset) => {
    if (m === 0 || n === 0) return;
    if (out instanceof Int32Array) {
      int32Gemm(m, n, k, a, b, out, outOffset);
      return;
    }
    if (m === 1 || n === 1) {
      vectorGemm(m, n, k, a, b, out, outOffset);
      return;
    }
    kernel ??= allowCodegen() ? createAsmPanelKernel() : createJsPanelKernel();
    blockedGemm(kernel, m, n, k, a, b, out, outOffset);
  };
}
