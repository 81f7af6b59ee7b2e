// Sums of float32 elements into float64 accumulators over a four-axis loop nest (outermost
// first): element (i0, i1, i2, i3) is read at x + Σ ik·xsk and added to acc + Σ ik·ask (element
// strides, the accumulator's 0 on reduced axes). The engine orders and merges the axes as the
// JavaScript engine does, so the innermost axis is either reduced (as3 = 0: one run folded into
// one accumulator, pairwise as ndarray's sums are) or kept (as3 ≠ 0: a run of accumulators,
// each added to in order).

/** Runs up to this long are summed directly; longer ones are halved (pairwise summation). */
const BLOCK = 128;

/** The sum, in float64, of a contiguous run of n float32 values at x (n <= BLOCK). */
@inline function blockSum(x: usize, n: i32): f64 {
  let a = f64x2.splat(0);
  let b = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    a = f64x2.add(a, f64x2.promote_low_f32x4(v));
    b = f64x2.add(b, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
  }
  const ab = f64x2.add(a, b);
  let s = f64x2.extract_lane(ab, 0) + f64x2.extract_lane(ab, 1);
  for (; i < n; i++) s += <f64>load<f32>(x + (<usize>i << 2));
  return s;
}

/** The pairwise sum of n float32 values at x, `stride` elements apart. */
function runSum(x: usize, n: i32, stride: i32): f64 {
  if (n <= BLOCK) {
    if (stride == 1) return blockSum(x, n);
    let s: f64 = 0;
    for (let i = 0; i < n; i++) s += <f64>load<f32>(x + (<usize>(i * stride) << 2));
    return s;
  }
  const half = n >> 1;
  return runSum(x, half, stride) + runSum(x + (<usize>(half * stride) << 2), n - half, stride);
}

/** acc[i·as] += x[i·xs] for i < n. */
@inline function accumulateRun(acc: usize, as: i32, x: usize, xs: i32, n: i32): void {
  let i = 0;
  if (as == 1 && xs == 1) {
    for (; i + 2 <= n; i += 2) {
      const at = acc + (<usize>i << 3);
      const v = v128.load64_zero(x + (<usize>i << 2));
      v128.store(at, f64x2.add(v128.load(at), f64x2.promote_low_f32x4(v)));
    }
  }
  for (; i < n; i++) {
    const at = acc + (<usize>(i * as) << 3);
    store<f64>(at, load<f64>(at) + <f64>load<f32>(x + (<usize>(i * xs) << 2)));
  }
}

export function sumF32(
  n0: i32,
  n1: i32,
  n2: i32,
  n3: i32,
  x: usize,
  xs0: i32,
  xs1: i32,
  xs2: i32,
  xs3: i32,
  acc: usize,
  as0: i32,
  as1: i32,
  as2: i32,
  as3: i32,
): void {
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0; i2 < n2; i2++) {
        const xa = x + (<usize>(i0 * xs0 + i1 * xs1 + i2 * xs2) << 2);
        const aa = acc + (<usize>(i0 * as0 + i1 * as1 + i2 * as2) << 3);
        if (as3 == 0) store<f64>(aa, load<f64>(aa) + runSum(xa, n3, xs3));
        else accumulateRun(aa, as3, xa, xs3, n3);
      }
    }
  }
}
