// Blocked GEMM over packed panels, generic over f32 and f64 (v128 holds 4 or 2 lanes).
//
// C[i, j] = sum_p A[i, p] * B[p, j] for the block i0 <= i < i1, j0 <= j < j1 of an [m, k]·[k, n]
// product. Operands are read through element strides (any non-negative values, so transposed
// views cost nothing extra: packing reads them in whatever order they lie). The register tile
// is MR = 4 rows by two vectors of columns, with eight accumulators: V8's register allocator
// spills beyond that (6x8 and 4x12 tiles measured at half the speed of 4x8). The A sliver's
// four values are loaded at constant offsets given as the load's immediate, so V8 computes no
// address for them (1-2% on matmul n=512); each step is one `madd`.

import { transposeStore } from "./transpose";

const MR: i32 = 4;
const KC: i32 = 256;
const MC: i32 = 64;

/** Columns of the register tile: two vectors. */
@inline function nr<T>(): i32 {
  return <i32>(32 / sizeof<T>());
}

/**
 * Bytes `gemm` needs at `work` for a block `cols` wide and `depth` deep: all of B packed (as
 * many bytes as the block of B itself), one block of A, and one edge tile.
 */
export function gemmWorkBytes(cols: i32, depth: i32, elementBytes: i32): i32 {
  const lanes = 32 / elementBytes;
  const panels = (cols + lanes - 1) / lanes;
  return (panels * lanes * depth + MC * KC + MR * lanes) * elementBytes;
}

/** B[pc : pc+kc, j0 : j1] into slivers nr wide and kc deep, zero past j1. */
@inline function packB<T>(
  kc: i32,
  pc: i32,
  j0: i32,
  j1: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  dst: usize,
): void {
  const w = nr<T>();
  const size = sizeof<T>();
  for (let jp = j0; jp < j1; jp += w) {
    const full = jp + w <= j1;
    let p = 0;
    if (full && brs == 1 && bcs != 1 && sizeof<T>() == 4) {
      // Column-major B (a transposed view): 4 x 4 blocks of (column, depth), transposed.
      const pitch = <usize>bcs * 4;
      for (; p + 4 <= kc; p += 4) {
        for (let half = 0; half < 2; half++) {
          const at = b + (<usize>(pc + p) + <usize>(jp + 4 * half) * <usize>bcs) * 4;
          transposeStore(v128.load(at), v128.load(at + pitch), v128.load(at + 2 * pitch), v128.load(at + 3 * pitch), dst + 16 * half, 32);
        }
        dst += 128;
      }
    }
    for (; p < kc; p++) {
      const row = b + <usize>(pc + p) * <usize>brs * size;
      if (full && bcs == 1) {
        const at = row + <usize>jp * size;
        v128.store(dst, v128.load(at));
        v128.store(dst, v128.load(at, 16), 16);
      } else {
        for (let jj = 0; jj < w; jj++) {
          const j = jp + jj;
          store<T>(dst + <usize>jj * size, j < j1 ? load<T>(row + <usize>j * <usize>bcs * size) : <T>0);
        }
      }
      dst += 32;
    }
  }
}

/** A[ic : ic+mc, pc : pc+kc] into slivers MR tall and kc deep, zero past the block's last row. */
@inline function packA<T>(
  mc: i32,
  ic: i32,
  pc: i32,
  kc: i32,
  a: usize,
  ars: i32,
  acs: i32,
  dst: usize,
): void {
  const size = sizeof<T>();
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = min(MR, mc - ip);
    const base = a + <usize>(ic + ip) * <usize>ars * size;
    let p = 0;
    if (rows == MR && sizeof<T>() == 4) {
      if (ars == 1) {
        // Column-major A (a transposed view): each sliver column is one vector load.
        for (; p < kc; p++) {
          v128.store(dst, v128.load(base + <usize>(pc + p) * <usize>acs * 4));
          dst += 16;
        }
      } else if (acs == 1) {
        // Row-major A: four rows of four columns, transposed in registers.
        const pitch = <usize>ars * 4;
        for (; p + 4 <= kc; p += 4) {
          const at = base + <usize>(pc + p) * 4;
          transposeStore(v128.load(at), v128.load(at + pitch), v128.load(at + 2 * pitch), v128.load(at + 3 * pitch), dst, 16);
          dst += 64;
        }
      }
    }
    for (; p < kc; p++) {
      const col = base + <usize>(pc + p) * <usize>acs * size;
      for (let ii = 0; ii < MR; ii++) {
        store<T>(dst + <usize>ii * size, ii < rows ? load<T>(col + <usize>ii * <usize>ars * size) : <T>0);
      }
      dst += <usize>MR * size;
    }
  }
}

/**
 * c + a·b per lane. Built with relaxed SIMD (the second module, which engines that validate it
 * load over the first one's gemm), it is one fused multiply-add where the CPU has one: half the
 * instructions of a multiply and an add, and one rounding instead of two.
 */
@inline function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(c, v128.mul<T>(a, b));
}

/** The 4 x nr register tile: c (pitch ldc elements) = (first ? 0 : c) + A sliver · B sliver. */
@inline function tile<T>(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, first: bool): void {
  const size = sizeof<T>();
  let c00 = v128.splat<T>(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  const end = bp + (<usize>kc << 5);
  while (bp < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = v128.load_splat<T>(ap);
    c00 = madd<T>(x, b0, c00);
    c01 = madd<T>(x, b1, c01);
    x = v128.load_splat<T>(ap, size);
    c10 = madd<T>(x, b0, c10);
    c11 = madd<T>(x, b1, c11);
    x = v128.load_splat<T>(ap, 2 * size);
    c20 = madd<T>(x, b0, c20);
    c21 = madd<T>(x, b1, c21);
    x = v128.load_splat<T>(ap, 3 * size);
    c30 = madd<T>(x, b0, c30);
    c31 = madd<T>(x, b1, c31);
    ap += 4 * size;
    bp += 32;
  }
  const l = <usize>ldc * size;
  if (!first) {
    c00 = v128.add<T>(c00, v128.load(c));
    c01 = v128.add<T>(c01, v128.load(c, 16));
    c10 = v128.add<T>(c10, v128.load(c + l));
    c11 = v128.add<T>(c11, v128.load(c + l, 16));
    c20 = v128.add<T>(c20, v128.load(c + 2 * l));
    c21 = v128.add<T>(c21, v128.load(c + 2 * l, 16));
    c30 = v128.add<T>(c30, v128.load(c + 3 * l));
    c31 = v128.add<T>(c31, v128.load(c + 3 * l, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + l, c10);
  v128.store(c + l, c11, 16);
  v128.store(c + 2 * l, c20);
  v128.store(c + 2 * l, c21, 16);
  v128.store(c + 3 * l, c30);
  v128.store(c + 3 * l, c31, 16);
}

/** Bytes of packed B per unit of depth for a block `cols` wide: whole slivers. */
@inline function packedPitch<T>(cols: i32): usize {
  const w = nr<T>();
  return <usize>((cols + w - 1) / w) * <usize>w * sizeof<T>();
}

/** All of B[:, j0 : j1] into `work`, one run of slivers per depth block of KC. */
function packAllB<T>(k: i32, b: usize, brs: i32, bcs: i32, j0: i32, j1: i32, work: usize): void {
  const pitch = packedPitch<T>(j1 - j0);
  for (let pc = 0; pc < k; pc += KC) {
    packB<T>(min(KC, k - pc), pc, j0, j1, b, brs, bcs, work + <usize>pc * pitch);
  }
}

/** Rows i0 <= i < i1 of the block j0 <= j < j1 of C, from B packed by `packAllB` at `work`. */
function gemmRows<T>(
  k: i32,
  a: usize,
  ars: i32,
  acs: i32,
  c: usize,
  ldc: i32,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
  work: usize,
): void {
  const size = sizeof<T>();
  const w = nr<T>();
  const cols = j1 - j0;
  const pitch = packedPitch<T>(cols);
  const packedA = work + <usize>k * pitch;
  const edge = packedA + <usize>MC * <usize>KC * size;
  for (let ic = i0; ic < i1; ic += MC) {
    const mc = min(MC, i1 - ic);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const first = pc == 0;
      const packedB = work + <usize>pc * pitch;
      packA<T>(mc, ic, pc, kc, a, ars, acs, packedA);
      for (let jp = 0; jp < cols; jp += w) {
        const bp = packedB + <usize>jp * <usize>kc * size;
        const nc = min(w, cols - jp);
        for (let ip = 0; ip < mc; ip += MR) {
          const ap = packedA + <usize>ip * <usize>kc * size;
          const rows = min(MR, mc - ip);
          const at = c + (<usize>(ic + ip) * <usize>ldc + <usize>(j0 + jp)) * size;
          if (rows == MR && nc == w) {
            tile<T>(kc, ap, bp, at, ldc, first);
          } else {
            // A tile that overhangs the block: compute it whole into `edge`, copy what fits.
            tile<T>(kc, ap, bp, edge, w, true);
            for (let ii = 0; ii < rows; ii++) {
              const src = edge + <usize>(ii * w) * size;
              const dst = at + <usize>ii * <usize>ldc * size;
              for (let jj = 0; jj < nc; jj++) {
                const v = load<T>(src + <usize>jj * size);
                const o = dst + <usize>jj * size;
                store<T>(o, first ? v : load<T>(o) + v);
              }
            }
          }
        }
      }
    }
  }
}

@inline function gemm<T>(
  k: i32,
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  c: usize,
  ldc: i32,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
  work: usize,
): void {
  if (k == 0) {
    for (let i = i0; i < i1; i++) {
      memory.fill(c + (<usize>i * <usize>ldc + <usize>j0) * sizeof<T>(), 0, <usize>(j1 - j0) * sizeof<T>());
    }
    return;
  }
  packAllB<T>(k, b, brs, bcs, j0, j1, work);
  gemmRows<T>(k, a, ars, acs, c, ldc, i0, i1, j0, j1, work);
}

/**
 * A thread's part of the rows 0 <= i < m of C when several threads compute it (k > 0): takes
 * blocks of `block` rows in turn from the counter at `next` (an i32 that every thread adds to),
 * at most `most` of them, packing all of B into `work` first unless `packed`. Sets block b's flag
 * (the i32 at flags + 4b) to 1 and wakes its waiter when the block is done. Returns the last
 * block taken, or -1 when none was left.
 */
@inline function gemmShare<T>(
  k: i32,
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  c: usize,
  ldc: i32,
  m: i32,
  block: i32,
  work: usize,
  next: usize,
  flags: usize,
  most: i32,
  packed: bool,
): i32 {
  if (!packed) packAllB<T>(k, b, brs, bcs, 0, ldc, work);
  let last = -1;
  for (let done = 0; done < most; done++) {
    const taken = atomic.add<i32>(next, 1);
    const i0 = taken * block;
    if (i0 >= m) break;
    gemmRows<T>(k, a, ars, acs, c, ldc, i0, min(m, i0 + block), 0, ldc, work);
    const flag = flags + (<usize>taken << 2);
    atomic.store<i32>(flag, 1);
    atomic.notify(flag, 1);
    last = taken;
  }
  return last;
}

export function sgemm(
  k: i32,
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  c: usize,
  ldc: i32,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
  work: usize,
): void {
  gemm<f32>(k, a, ars, acs, b, brs, bcs, c, ldc, i0, i1, j0, j1, work);
}

export function dgemm(
  k: i32,
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  c: usize,
  ldc: i32,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
  work: usize,
): void {
  gemm<f64>(k, a, ars, acs, b, brs, bcs, c, ldc, i0, i1, j0, j1, work);
}

export function sgemmShare(
  k: i32,
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  c: usize,
  ldc: i32,
  m: i32,
  block: i32,
  work: usize,
  next: usize,
  flags: usize,
  most: i32,
  packed: bool,
): i32 {
  return gemmShare<f32>(k, a, ars, acs, b, brs, bcs, c, ldc, m, block, work, next, flags, most, packed);
}

export function dgemmShare(
  k: i32,
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  c: usize,
  ldc: i32,
  m: i32,
  block: i32,
  work: usize,
  next: usize,
  flags: usize,
  most: i32,
  packed: bool,
): i32 {
  return gemmShare<f64>(k, a, ars, acs, b, brs, bcs, c, ldc, m, block, work, next, flags, most, packed);
}
