// Elementwise kernels over a three-axis loop nest: the output is contiguous; each input is read
// at x + i0*xs0 + i1*xs1 + i2*xs2 (element strides) with xs2 either 1 (a run) or 0 (a value
// repeated along the run). The engine collapses any broadcast into that form or keeps the op
// on its JavaScript loops.

// Binary op codes (the engine's table must match).
const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const MAX = 4;
const MIN = 5;

// Unary op codes. EXP and after are float32 only: computed in float64 lanes and rounded once,
// so they agree with Math.fround(Math.exp(x)) and friends.
const NEG = 0;
const ABS = 1;
const SQUARE = 2;
const RELU = 3;
const SQRT = 4;
const EXP = 5;
const LOG = 6;
const TANH = 7;
const SIGMOID = 8;

@inline function binV<T>(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return v128.add<T>(a, b);
  if (op == SUB) return v128.sub<T>(a, b);
  if (op == MUL) return v128.mul<T>(a, b);
  if (op == DIV) return v128.div<T>(a, b);
  if (op == MAX) return v128.max<T>(a, b);
  return v128.min<T>(a, b);
}

@inline function binS<T>(op: i32, a: T, b: T): T {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  if (op == DIV) return a / b;
  if (op == MAX) return max<T>(a, b);
  return min<T>(a, b);
}

@inline function binaryRun<T>(op: i32, n: i32, out: usize, x: usize, xs: i32, y: usize, ys: i32): void {
  const size = sizeof<T>();
  const lanes: i32 = 16 / <i32>size;
  let i = 0;
  if (xs == 1 && ys == 1) {
    for (; i + lanes <= n; i += lanes) {
      const at = <usize>i * size;
      v128.store(out + at, binV<T>(op, v128.load(x + at), v128.load(y + at)));
    }
  } else if (xs == 1) {
    const vy = v128.splat<T>(load<T>(y));
    for (; i + lanes <= n; i += lanes) {
      const at = <usize>i * size;
      v128.store(out + at, binV<T>(op, v128.load(x + at), vy));
    }
  } else if (ys == 1) {
    const vx = v128.splat<T>(load<T>(x));
    for (; i + lanes <= n; i += lanes) {
      const at = <usize>i * size;
      v128.store(out + at, binV<T>(op, vx, v128.load(y + at)));
    }
  }
  for (; i < n; i++) {
    const xv = load<T>(x + <usize>(i * xs) * size);
    const yv = load<T>(y + <usize>(i * ys) * size);
    store<T>(out + <usize>i * size, binS<T>(op, xv, yv));
  }
}

@inline function binary<T>(
  op: i32,
  n0: i32,
  n1: i32,
  n2: i32,
  out: usize,
  x: usize,
  xs0: i32,
  xs1: i32,
  xs2: i32,
  y: usize,
  ys0: i32,
  ys1: i32,
  ys2: i32,
): void {
  const size = sizeof<T>();
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      const xa = x + <usize>(i0 * xs0 + i1 * xs1) * size;
      const ya = y + <usize>(i0 * ys0 + i1 * ys1) * size;
      binaryRun<T>(op, n2, out, xa, xs2, ya, ys2);
      out += <usize>n2 * size;
    }
  }
}

// One specialised copy of the loop nest per op, so that the op's test folds away.
@inline function binaryOp<T>(
  op: i32,
  n0: i32,
  n1: i32,
  n2: i32,
  out: usize,
  x: usize,
  xs0: i32,
  xs1: i32,
  xs2: i32,
  y: usize,
  ys0: i32,
  ys1: i32,
  ys2: i32,
): void {
  switch (op) {
    case ADD:
      binary<T>(ADD, n0, n1, n2, out, x, xs0, xs1, xs2, y, ys0, ys1, ys2);
      break;
    case SUB:
      binary<T>(SUB, n0, n1, n2, out, x, xs0, xs1, xs2, y, ys0, ys1, ys2);
      break;
    case MUL:
      binary<T>(MUL, n0, n1, n2, out, x, xs0, xs1, xs2, y, ys0, ys1, ys2);
      break;
    case DIV:
      binary<T>(DIV, n0, n1, n2, out, x, xs0, xs1, xs2, y, ys0, ys1, ys2);
      break;
    case MAX:
      binary<T>(MAX, n0, n1, n2, out, x, xs0, xs1, xs2, y, ys0, ys1, ys2);
      break;
    default:
      binary<T>(MIN, n0, n1, n2, out, x, xs0, xs1, xs2, y, ys0, ys1, ys2);
  }
}

export function binaryF32(
  op: i32,
  n0: i32,
  n1: i32,
  n2: i32,
  out: usize,
  x: usize,
  xs0: i32,
  xs1: i32,
  xs2: i32,
  y: usize,
  ys0: i32,
  ys1: i32,
  ys2: i32,
): void {
  binaryOp<f32>(op, n0, n1, n2, out, x, xs0, xs1, xs2, y, ys0, ys1, ys2);
}

export function binaryF64(
  op: i32,
  n0: i32,
  n1: i32,
  n2: i32,
  out: usize,
  x: usize,
  xs0: i32,
  xs1: i32,
  xs2: i32,
  y: usize,
  ys0: i32,
  ys1: i32,
  ys2: i32,
): void {
  binaryOp<f64>(op, n0, n1, n2, out, x, xs0, xs1, xs2, y, ys0, ys1, ys2);
}

// ---- comparisons into bool bytes, and binary ops with a bool operand ----

// Comparison op codes (the engine's table must match).
const EQ = 0;
const NE = 1;
const LT = 2;
const LE = 3;
const GT = 4;

/** All-ones lanes where the comparison holds (NaN compares false, and unequal). */
@inline function compareV<T>(op: i32, a: v128, b: v128): v128 {
  if (op == EQ) return v128.eq<T>(a, b);
  if (op == NE) return v128.ne<T>(a, b);
  if (op == LT) return v128.lt<T>(a, b);
  if (op == LE) return v128.le<T>(a, b);
  if (op == GT) return v128.gt<T>(a, b);
  return v128.ge<T>(a, b);
}

@inline function compareS<T>(op: i32, a: T, b: T): u8 {
  if (op == EQ) return <u8>(a == b);
  if (op == NE) return <u8>(a != b);
  if (op == LT) return <u8>(a < b);
  if (op == LE) return <u8>(a <= b);
  if (op == GT) return <u8>(a > b);
  return <u8>(a >= b);
}

/** Four float32 lanes at `at` of a run, or the run's one value when its stride is 0. */
@inline function lanesF32(x: usize, xs: i32, at: usize): v128 {
  return xs == 1 ? v128.load(x + at * 4) : v128.splat<f32>(load<f32>(x));
}

/**
 * `op` over the loop nest into bool bytes (1 or 0). float32 runs with unit or zero strides
 * compare sixteen lanes at a time and narrow the masks to bytes; the rest one element at a time.
 */
@inline function compare<T>(
  op: i32,
  n0: i32,
  n1: i32,
  n2: i32,
  out: usize,
  x: usize,
  xs0: i32,
  xs1: i32,
  xs2: i32,
  y: usize,
  ys0: i32,
  ys1: i32,
  ys2: i32,
): void {
  const size = sizeof<T>();
  const one = i8x16.splat(1);
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      const xa = x + <usize>(i0 * xs0 + i1 * xs1) * size;
      const ya = y + <usize>(i0 * ys0 + i1 * ys1) * size;
      let i = 0;
      if (size == 4) {
        for (; i + 16 <= n2; i += 16) {
          const at = <usize>i;
          const m0 = compareV<f32>(op, lanesF32(xa, xs2, at), lanesF32(ya, ys2, at));
          const m1 = compareV<f32>(op, lanesF32(xa, xs2, at + 4), lanesF32(ya, ys2, at + 4));
          const m2 = compareV<f32>(op, lanesF32(xa, xs2, at + 8), lanesF32(ya, ys2, at + 8));
          const m3 = compareV<f32>(op, lanesF32(xa, xs2, at + 12), lanesF32(ya, ys2, at + 12));
          const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3));
          v128.store(out + at, v128.and(bytes, one));
        }
      }
      for (; i < n2; i++) {
        const xv = load<T>(xa + <usize>(i * xs2) * size);
        const yv = load<T>(ya + <usize>(i * ys2) * size);
        store<u8>(out + <usize>i, compareS<T>(op, xv, yv));
      }
      out += <usize>n2;
    }
  }
}

export function compareF32(op: i32, n0: i32, n1: i32, n2: i32, out: usize, x: usize, xs0: i32, xs1: i32, xs2: i32, y: usize, ys0: i32, ys1: i32, ys2: i32): void {
  compare<f32>(op, n0, n1, n2, out, x, xs0, xs1, xs2, y, ys0, ys1, ys2);
}

export function compareF64(op: i32, n0: i32, n1: i32, n2: i32, out: usize, x: usize, xs0: i32, xs1: i32, xs2: i32, y: usize, ys0: i32, ys1: i32, ys2: i32): void {
  compare<f64>(op, n0, n1, n2, out, x, xs0, xs1, xs2, y, ys0, ys1, ys2);
}

/**
 * The binary op `op` of a float operand x (type T) and a bool operand m (bytes, 0 or 1) over the
 * loop nest: x op m, or m op x when `boolFirst`. float32 runs with a unit-stride x widen four
 * bytes to four lanes at a time; the rest one element at a time.
 */
@inline function withBool<T>(
  op: i32,
  boolFirst: i32,
  n0: i32,
  n1: i32,
  n2: i32,
  out: usize,
  x: usize,
  xs0: i32,
  xs1: i32,
  xs2: i32,
  m: usize,
  ms0: i32,
  ms1: i32,
  ms2: i32,
): void {
  const size = sizeof<T>();
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      const xa = x + <usize>(i0 * xs0 + i1 * xs1) * size;
      const ma = m + <usize>(i0 * ms0 + i1 * ms1);
      let i = 0;
      if (size == 4 && xs2 == 1) {
        for (; i + 4 <= n2; i += 4) {
          const xv = v128.load(xa + <usize>i * 4);
          const mv =
            ms2 == 1
              ? f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(ma + <usize>i))))
              : f32x4.splat(<f32>load<u8>(ma));
          v128.store(out + <usize>i * 4, boolFirst ? binV<f32>(op, mv, xv) : binV<f32>(op, xv, mv));
        }
      }
      for (; i < n2; i++) {
        const xv = load<T>(xa + <usize>(i * xs2) * size);
        const mv = <T>load<u8>(ma + <usize>(i * ms2));
        store<T>(out + <usize>i * size, boolFirst ? binS<T>(op, mv, xv) : binS<T>(op, xv, mv));
      }
      out += <usize>n2 * size;
    }
  }
}

export function withBoolF32(op: i32, boolFirst: i32, n0: i32, n1: i32, n2: i32, out: usize, x: usize, xs0: i32, xs1: i32, xs2: i32, m: usize, ms0: i32, ms1: i32, ms2: i32): void {
  withBool<f32>(op, boolFirst, n0, n1, n2, out, x, xs0, xs1, xs2, m, ms0, ms1, ms2);
}

export function withBoolF64(op: i32, boolFirst: i32, n0: i32, n1: i32, n2: i32, out: usize, x: usize, xs0: i32, xs1: i32, xs2: i32, m: usize, ms0: i32, ms1: i32, ms2: i32): void {
  withBool<f64>(op, boolFirst, n0, n1, n2, out, x, xs0, xs1, xs2, m, ms0, ms1, ms2);
}

// ---- float64-lane elementary functions (for float32 results) ----

const LOG2E = 1.4426950408889634;
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;

/** 1.5 * 2^52: adding it rounds a float64 to an integer held in the low bits of its mantissa. */
const ROUNDER = 6755399441055744.0;

/** e^x per float64 lane for |x| <= 700: x = n ln2 + r, a degree-11 Taylor series in r. */
@inline function expCore(x: v128): v128 {
  // n = round(x / ln2), read back both as a float and, from the bits, as an integer.
  const t = f64x2.add(f64x2.mul(x, f64x2.splat(LOG2E)), f64x2.splat(ROUNDER));
  const n = f64x2.sub(t, f64x2.splat(ROUNDER));
  let r = f64x2.sub(x, f64x2.mul(n, f64x2.splat(LN2_HI)));
  r = f64x2.sub(r, f64x2.mul(n, f64x2.splat(LN2_LO)));
  // The series to r^10 by Estrin's scheme: short dependency chains keep the lanes busy.
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const q01 = f64x2.add(f64x2.splat(1.0), r);
  const q23 = f64x2.add(f64x2.splat(0.5), f64x2.mul(r, f64x2.splat(1.0 / 6.0)));
  const q45 = f64x2.add(f64x2.splat(1.0 / 24.0), f64x2.mul(r, f64x2.splat(1.0 / 120.0)));
  const q67 = f64x2.add(f64x2.splat(1.0 / 720.0), f64x2.mul(r, f64x2.splat(1.0 / 5040.0)));
  const q89 = f64x2.add(f64x2.splat(1.0 / 40320.0), f64x2.mul(r, f64x2.splat(1.0 / 362880.0)));
  const q8a = f64x2.add(q89, f64x2.mul(r2, f64x2.splat(1.0 / 3628800.0)));
  const q03 = f64x2.add(q01, f64x2.mul(r2, q23));
  const q47 = f64x2.add(q45, f64x2.mul(r2, q67));
  const q07 = f64x2.add(q03, f64x2.mul(r4, q47));
  const p = f64x2.add(q07, f64x2.mul(f64x2.mul(r4, r4), q8a));
  // 2^n: n + 1023 in the exponent field (the rounder's bits are 0x4338... + n).
  const scale = i64x2.shl(i64x2.add(t, i64x2.splat(1023 - 0x4338000000000000)), 52);
  return f64x2.mul(p, scale);
}

/** x limited to [lo, hi] with NaN kept (pmin and pmax are single instructions; min and max are not). */
@inline function clamp(x: v128, lo: f64, hi: f64): v128 {
  return f64x2.pmin(f64x2.pmax(x, f64x2.splat(lo)), f64x2.splat(hi));
}

@inline function expF32(x: v128): v128 {
  // Below -104 every float32 result is 0 and above 89 it is Infinity; NaN passes through.
  return expCore(clamp(x, -104.0, 89.0));
}

@inline function logF32(x: v128): v128 {
  // x = 2^e * m with m in [sqrt(1/2), sqrt(2)); float32 inputs are normal in float64.
  const bits = x;
  let e = i64x2.sub(i64x2.shr_u(bits, 52), i64x2.splat(1023));
  let m = v128.or(v128.and(bits, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
  const big = f64x2.gt(m, f64x2.splat(SQRT2));
  m = v128.bitselect(f64x2.mul(m, f64x2.splat(0.5)), m, big);
  e = i64x2.sub(e, big); // big lanes are all ones, i.e. -1
  const ef = f64x2.convert_low_i32x4_s(i32x4.shuffle(e, e, 0, 2, 0, 2));
  const s = f64x2.div(f64x2.sub(m, f64x2.splat(1.0)), f64x2.add(m, f64x2.splat(1.0)));
  const s2 = f64x2.mul(s, s);
  let p = f64x2.splat(1.0 / 15.0);
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 13.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 11.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 9.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 7.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 5.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 3.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0));
  let y = f64x2.add(f64x2.mul(ef, f64x2.splat(LN2)), f64x2.mul(f64x2.mul(s, f64x2.splat(2.0)), p));
  const zero = f64x2.splat(0.0);
  y = v128.bitselect(f64x2.splat(-Infinity), y, f64x2.eq(x, zero));
  y = v128.bitselect(f64x2.splat(NaN), y, f64x2.lt(x, zero));
  y = v128.bitselect(x, y, f64x2.eq(x, f64x2.splat(Infinity)));
  return v128.bitselect(x, y, f64x2.ne(x, x));
}

@inline function tanhF32(x: v128): v128 {
  const ax = f64x2.abs(x);
  // Small |x|: the odd series to x^9 (the next term is below 1e-15 relative for |x| < 1/16).
  const x2 = f64x2.mul(x, x);
  let p = f64x2.splat(62.0 / 2835.0);
  p = f64x2.add(f64x2.mul(p, x2), f64x2.splat(-17.0 / 315.0));
  p = f64x2.add(f64x2.mul(p, x2), f64x2.splat(2.0 / 15.0));
  p = f64x2.add(f64x2.mul(p, x2), f64x2.splat(-1.0 / 3.0));
  const small = f64x2.add(x, f64x2.mul(f64x2.mul(x, x2), p));
  // Otherwise 1 - 2 / (e^2|x| + 1) with the sign of x (|x| > 20 is 1 to float64 precision).
  const e = expCore(f64x2.mul(f64x2.pmin(ax, f64x2.splat(20.0)), f64x2.splat(2.0)));
  const t = f64x2.sub(f64x2.splat(1.0), f64x2.div(f64x2.splat(2.0), f64x2.add(e, f64x2.splat(1.0))));
  const signed = v128.or(t, v128.and(x, i64x2.splat(0x8000000000000000)));
  const y = v128.bitselect(small, signed, f64x2.lt(ax, f64x2.splat(0.0625)));
  return v128.bitselect(x, y, f64x2.ne(x, x));
}

@inline function sigmoidF32(x: v128): v128 {
  const c = clamp(x, -104.0, 104.0);
  const one = f64x2.splat(1.0);
  return f64x2.div(one, f64x2.add(one, expCore(f64x2.neg(c))));
}

@inline function wideF32(op: i32, x: v128): v128 {
  if (op == EXP) return expF32(x);
  if (op == LOG) return logF32(x);
  if (op == TANH) return tanhF32(x);
  return sigmoidF32(x);
}

/** A float32 op through float64 lanes: four lanes in, two halves widened, one rounding. */
@inline function wideV(op: i32, x: v128): v128 {
  const lo = f32x4.demote_f64x2_zero(wideF32(op, f64x2.promote_low_f32x4(x)));
  const hi = f32x4.demote_f64x2_zero(wideF32(op, f64x2.promote_low_f32x4(v128.shuffle<i64>(x, x, 1, 1))));
  return v128.shuffle<i64>(lo, hi, 0, 2);
}

@inline function unaryV<T>(op: i32, x: v128): v128 {
  if (op == NEG) return v128.neg<T>(x);
  if (op == ABS) return v128.abs<T>(x);
  if (op == SQUARE) return v128.mul<T>(x, x);
  if (op == RELU) {
    // x where x > 0 or x is NaN, else +0 (so -0 gives +0, as the JavaScript loops do).
    const keep = v128.or(v128.gt<T>(x, v128.splat<T>(0)), v128.ne<T>(x, x));
    return v128.and(x, keep);
  }
  if (op == SQRT) return v128.sqrt<T>(x);
  return wideV(op, x);
}

@inline function unary<T>(op: i32, n0: i32, n1: i32, n2: i32, out: usize, x: usize, xs0: i32, xs1: i32, xs2: i32): void {
  const size = sizeof<T>();
  const lanes: i32 = 16 / <i32>size;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      const xa = x + <usize>(i0 * xs0 + i1 * xs1) * size;
      let i = 0;
      if (xs2 == 1) {
        for (; i + lanes <= n2; i += lanes) {
          const at = <usize>i * size;
          v128.store(out + at, unaryV<T>(op, v128.load(xa + at)));
        }
        // The tail one element per vector, so that every element takes the same path.
        for (; i < n2; i++) {
          const v = unaryV<T>(op, v128.splat<T>(load<T>(xa + <usize>i * size)));
          store<T>(out + <usize>i * size, v128.extract_lane<T>(v, 0));
        }
      } else {
        const r = v128.extract_lane<T>(unaryV<T>(op, v128.splat<T>(load<T>(xa))), 0);
        for (; i < n2; i++) store<T>(out + <usize>i * size, r);
      }
      out += <usize>n2 * size;
    }
  }
}

export function unaryF32(op: i32, n0: i32, n1: i32, n2: i32, out: usize, x: usize, xs0: i32, xs1: i32, xs2: i32): void {
  switch (op) {
    case NEG:
      unary<f32>(NEG, n0, n1, n2, out, x, xs0, xs1, xs2);
      break;
    case ABS:
      unary<f32>(ABS, n0, n1, n2, out, x, xs0, xs1, xs2);
      break;
    case SQUARE:
      unary<f32>(SQUARE, n0, n1, n2, out, x, xs0, xs1, xs2);
      break;
    case RELU:
      unary<f32>(RELU, n0, n1, n2, out, x, xs0, xs1, xs2);
      break;
    case SQRT:
      unary<f32>(SQRT, n0, n1, n2, out, x, xs0, xs1, xs2);
      break;
    case EXP:
      unary<f32>(EXP, n0, n1, n2, out, x, xs0, xs1, xs2);
      break;
    case LOG:
      unary<f32>(LOG, n0, n1, n2, out, x, xs0, xs1, xs2);
      break;
    case TANH:
      unary<f32>(TANH, n0, n1, n2, out, x, xs0, xs1, xs2);
      break;
    default:
      unary<f32>(SIGMOID, n0, n1, n2, out, x, xs0, xs1, xs2);
  }
}

/** The float64 ops: the exact ones only (transcendental float64 stays on the JavaScript loops). */
export function unaryF64(op: i32, n0: i32, n1: i32, n2: i32, out: usize, x: usize, xs0: i32, xs1: i32, xs2: i32): void {
  switch (op) {
    case NEG:
      unary<f64>(NEG, n0, n1, n2, out, x, xs0, xs1, xs2);
      break;
    case ABS:
      unary<f64>(ABS, n0, n1, n2, out, x, xs0, xs1, xs2);
      break;
    case SQUARE:
      unary<f64>(SQUARE, n0, n1, n2, out, x, xs0, xs1, xs2);
      break;
    case RELU:
      unary<f64>(RELU, n0, n1, n2, out, x, xs0, xs1, xs2);
      break;
    default:
      unary<f64>(SQRT, n0, n1, n2, out, x, xs0, xs1, xs2);
  }
}
