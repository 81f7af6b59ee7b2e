// A strided copy into contiguous memory: dst[i0, i1, i2] = src[i0*s0 + i1*s1 + i2*s2] (element
// strides, non-negative) over an [n0, n1, n2] nest. The engine uses it to bring a permuted
// operand (the NCHW view of a convolution's [N, H, W, C] output, a transposed gradient) into the
// layout its map kernels read. When the source is a transpose of the inner two axes (s1 == 1),
// float32 blocks of 4×4 are read as four vectors along axis 1 and stored transposed.

import { transposeStore } from "./transpose";

@inline function gatherScalar<T>(
  n0: i32,
  n1: i32,
  n2: i32,
  src: usize,
  s0: i32,
  s1: i32,
  s2: i32,
  dst: usize,
): void {
  const size = sizeof<T>();
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      let at = src + <usize>(i0 * s0 + i1 * s1) * size;
      for (let i2 = 0; i2 < n2; i2++, at += <usize>s2 * size, dst += size) {
        store<T>(dst, load<T>(at));
      }
    }
  }
}

/** Rows i1 .. i1+3 of dst (row length n2) from columns of src with s1 == 1, four at a time. */
@inline function transposeRows4(n2: i32, src: usize, s2: i32, dst: usize): void {
  const step = <usize>s2 * 4;
  const row = <usize>n2 * 4;
  let i2 = 0;
  for (; i2 + 4 <= n2; i2 += 4) {
    const at = src + <usize>i2 * step;
    const r0 = v128.load(at);
    const r1 = v128.load(at + step);
    const r2 = v128.load(at + 2 * step);
    const r3 = v128.load(at + 3 * step);
    transposeStore(r0, r1, r2, r3, dst + <usize>i2 * 4, row);
  }
  for (; i2 < n2; i2++) {
    const at = src + <usize>i2 * step;
    for (let j = 0; j < 4; j++) store<f32>(dst + <usize>(j * n2 + i2) * 4, load<f32>(at + j * 4));
  }
}

export function gatherF32(
  n0: i32,
  n1: i32,
  n2: i32,
  src: usize,
  s0: i32,
  s1: i32,
  s2: i32,
  dst: usize,
): void {
  if (s1 != 1) {
    gatherScalar<f32>(n0, n1, n2, src, s0, s1, s2, dst);
    return;
  }
  const plane = <usize>n1 * n2 * 4;
  for (let i0 = 0; i0 < n0; i0++, dst += plane) {
    const base = src + <usize>(i0 * s0) * 4;
    let i1 = 0;
    for (; i1 + 4 <= n1; i1 += 4) {
      transposeRows4(n2, base + <usize>i1 * 4, s2, dst + <usize>(i1 * n2) * 4);
    }
    if (i1 < n1) {
      gatherScalar<f32>(1, n1 - i1, n2, base + <usize>i1 * 4, 0, 1, s2, dst + <usize>(i1 * n2) * 4);
    }
  }
}

export function gatherF64(
  n0: i32,
  n1: i32,
  n2: i32,
  src: usize,
  s0: i32,
  s1: i32,
  s2: i32,
  dst: usize,
): void {
  gatherScalar<f64>(n0, n1, n2, src, s0, s1, s2, dst);
}
