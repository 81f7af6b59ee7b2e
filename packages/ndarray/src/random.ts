import { allocate, checkDType, type DType, type TypedArray } from "./dtype";
import { DTypeError, NDArrayError, ShapeError } from "./errors";
import { NDArray } from "./ndarray";
import { copy, rowMajor } from "./ops/copy";
import { broadcastTo } from "./ops/shape";
import { checkShape, formatShape, type Shape, shapeSize } from "./shape";

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Output options of {@link Random.bernoulli}: any dtype, float32 by default. */
export interface RandomBernoulliOptions {
  dtype?: DType;
}

/** Output options of the float samplers: float32 (the default) or float64. */
export interface RandomFloatOptions {
  dtype?: DType;
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

/**
 * A seeded pseudo-random generator with NumPy's `Generator` methods (camelCase, shapes as
 * arrays). All state lives in the instance: two generators built from the same seed produce
 * the same values in any JavaScript engine (normals up to the last bit of `Math.log`).
 *
 * The bits come from xoshiro128** 1.1 (Blackman & Vigna; 128-bit state, period 2^128 − 1, 32-bit
 * outputs), whose state is filled from the seed by SplitMix64, as its authors recommend.
 *
 * ```ts
 * const rng = new Random(42);
 * rng.normal(0, 1, [2, 3]);      // float32 [2,3]
 * rng.integers(0, 10, [5]);      // int32 in [0, 10)
 * ```
 */
export class Random {
  #s0 = 0;
  #s1 = 0;
  #s2 = 0;
  #s3 = 0;

  /**
   * Seeds the generator with a non-negative integer (a safe-integer number, or a bigint below
   * 2^64). Throws `NDArrayError` for anything else.
   */
  constructor(seed: number | bigint) {
    let state: bigint;
    if (typeof seed === "bigint" && seed >= 0n && seed < 1n << 64n) state = seed;
    else if (typeof seed === "number" && Number.isSafeInteger(seed) && seed >= 0)
      state = BigInt(seed);
    else {
      throw new NDArrayError(
        `Random: seed must be a non-negative integer (below 2^53 as a number, 2^64 as a bigint), got ${String(seed)}`,
      );
    }
    // SplitMix64 (Steele, Lea & Flood); two outputs give the four 32-bit words. They cannot
    // both be zero, so the all-zero state xoshiro must avoid never occurs.
    const mask = (1n << 64n) - 1n;
    const next = () => {
      state = (state + 0x9e3779b97f4a7c15n) & mask;
      let z = state;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
      return z ^ (z >> 31n);
    };
    const a = next();
    const b = next();
    this.#s0 = Number(a & 0xffffffffn);
    this.#s1 = Number(a >> 32n);
    this.#s2 = Number(b & 0xffffffffn);
    this.#s3 = Number(b >> 32n);
  }

  /** The next raw output: a uniform integer in [0, 2^32). */
  uint32(): number {
    const s1 = this.#s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** One float in [0, 1) with 53 random bits (two outputs), for code that needs a single draw. */
  random(): number {
    const high = this.uint32() >>> 5; // 27 bits
    const low = this.uint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / TWO_53;
  }

  /**
   * Samples from [low, high): float32 values use 24 random bits each (so [0, 1) never rounds up
   * to 1), float64 values 53. Returns an array of `shape`, or a 0-d array without one. As in
   * NumPy, rounding can give `high` itself when `high - low` is not exactly representable.
   * Throws `NDArrayError` for non-finite bounds or `high < low`, `ShapeError` for a bad shape,
   * `DTypeError` for a non-float dtype.
   */
  uniform(low = 0, high = 1, shape?: Shape, options: RandomFloatOptions = {}): NDArray {
    if (!Number.isFinite(low) || !Number.isFinite(high) || high < low) {
      throw new NDArrayError(`uniform: need finite low <= high, got low=${low}, high=${high}`);
    }
    const { data, dims } = floatOutput("uniform", shape, options);
    const span = high - low;
    if (data instanceof Float32Array) {
      for (let i = 0; i < data.length; i++)
        data[i] = low + span * ((this.uint32() >>> 8) / 16777216);
    } else {
      for (let i = 0; i < data.length; i++) data[i] = low + span * this.random();
    }
    return new NDArray(data, dims);
  }

  /**
   * Samples from the normal distribution N(mean, std²), by Marsaglia's polar method on 53-bit
   * uniforms. Each call consumes whole pairs of normals (an odd count drops the last spare), so
   * the values depend only on the seed and the sequence of calls. `std` may be 0. Returns an
   * array of `shape` (0-d without one); float32 unless `{ dtype: "float64" }`. Throws
   * `NDArrayError` for a negative or non-finite `std`, `ShapeError` for a bad shape.
   */
  normal(mean = 0, std = 1, shape?: Shape, options: RandomFloatOptions = {}): NDArray {
    if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
      throw new NDArrayError(
        `normal: need a finite mean and std >= 0, got mean=${mean}, std=${std}`,
      );
    }
    const { data, dims } = floatOutput("normal", shape, options);
    for (let i = 0; i < data.length; i += 2) {
      let u: number;
      let v: number;
      let s: number;
      do {
        u = 2 * this.random() - 1;
        v = 2 * this.random() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const scale = Math.sqrt((-2 * Math.log(s)) / s);
      data[i] = mean + std * u * scale;
      if (i + 1 < data.length) data[i + 1] = mean + std * v * scale;
    }
    return new NDArray(data, dims);
  }

  /**
   * Uniform int32 values in [low, high), or in [0, low) when `high` is omitted (NumPy's
   * `integers`). Unbiased: out-of-range raw draws are rejected, never folded. Bounds must be
   * integers (else `DTypeError`) with `low < high` inside [-2^31, 2^31] (else `NDArrayError`).
   * Returns an int32 array of `shape`, or a 0-d array without one.
   */
  integers(low: number, high?: number, shape?: Shape): NDArray {
    const [from, to] = high === undefined ? [0, low] : [low, high];
    if (!Number.isInteger(from) || !Number.isInteger(to)) {
      throw new DTypeError(`integers: bounds must be integers, got low=${from}, high=${to}`);
    }
    if (from >= to || from < INT32_MIN || to > INT32_MAX + 1) {
      throw new NDArrayError(`integers: need low < high within int32, got low=${from}, high=${to}`);
    }
    const dims = shape === undefined ? [] : checkShape(shape, "integers");
    const data = new Int32Array(shapeSize(dims));
    const range = to - from;
    for (let i = 0; i < data.length; i++) data[i] = from + this.#below(range);
    return new NDArray(data, dims);
  }

  /**
   * `permutation(n)`: the int32 values 0..n-1 in random order. `permutation(x)`: a shuffled
   * contiguous copy of `x` along axis 0 (`x` is not modified). Throws `NDArrayError` for a
   * negative or fractional `n`, `ShapeError` for a 0-d array.
   */
  permutation(x: number | NDArray): NDArray {
    if (x instanceof NDArray) {
      if (x.ndim === 0)
        throw new ShapeError("permutation: expected at least 1 dimension, got shape []");
      const result = copy(x);
      this.shuffle(result);
      return result;
    }
    if (!Number.isInteger(x) || x < 0 || x > INT32_MAX) {
      throw new NDArrayError(`permutation: n must be a non-negative int32, got ${String(x)}`);
    }
    const data = new Int32Array(x);
    for (let i = 0; i < x; i++) data[i] = i;
    this.shuffle(data);
    return new NDArray(data, [x]);
  }

  /**
   * Shuffles in place along the first axis (Fisher–Yates), as NumPy's `shuffle`: a JS array or
   * typed array has its elements reordered; an NDArray has its sub-arrays `x[i]` reordered,
   * writing into its buffer (any strided view works, and other views of the buffer see the
   * change). Throws `ShapeError` for a 0-d array, and `NDArrayError` for a broadcast view,
   * whose rows share memory.
   */
  shuffle(x: NDArray | unknown[] | TypedArray): void {
    if (!(x instanceof NDArray)) {
      const items: { length: number; [index: number]: unknown } = x;
      for (let i = items.length - 1; i > 0; i--) {
        const j = this.#below(i + 1);
        const held = items[i];
        items[i] = items[j];
        items[j] = held;
      }
      return;
    }
    if (x.ndim === 0) throw new ShapeError("shuffle: expected at least 1 dimension, got shape []");
    if (x.shape.some((d, axis) => d > 1 && x.strides[axis] === 0)) {
      throw new NDArrayError(
        `shuffle: cannot shuffle a broadcast view (shape ${formatShape(x.shape)}) in place`,
      );
    }
    const rows = x.shape[0] as number;
    const rowStride = x.strides[0] as number;
    const within = rowOffsets(x.shape.slice(1), x.strides.slice(1));
    const data = x.data;
    // Rows stored as unit-stride blocks are swapped as blocks.
    const blocks = within.every((d, k) => d === k);
    const held = data.slice(0, blocks ? within.length : 0);
    for (let i = rows - 1; i > 0; i--) {
      const j = this.#below(i + 1);
      if (i === j) continue;
      const a = x.offset + i * rowStride;
      const b = x.offset + j * rowStride;
      if (blocks) {
        held.set(data.subarray(a, a + held.length));
        data.copyWithin(a, b, b + held.length);
        data.set(held, b);
        continue;
      }
      for (const d of within) {
        const held = data[a + d] as number;
        data[a + d] = data[b + d] as number;
        data[b + d] = held;
      }
    }
  }

  /**
   * Draws `numSamples` category indices with replacement from each row of `probs`, PyTorch's
   * `multinomial(probs, numSamples, replacement=True)`: `probs` is `[K]` (gives int32
   * `[numSamples]`) or `[N, K]` (gives int32 `[N, numSamples]`), of non-negative weights that
   * need not sum to 1; a category of weight 0 is never drawn. Each draw takes one 53-bit
   * uniform, scaled by the row's total and found in its cumulative sum (float64).
   *
   * Throws `ShapeError` unless `probs` is 1-D or 2-D with K >= 1, `NDArrayError` for a negative,
   * NaN or infinite weight, a row of zeros, or a `numSamples` that is not a positive integer.
   * `probs` is not modified.
   */
  categorical(probs: NDArray, numSamples: number): NDArray {
    if (!(probs instanceof NDArray)) {
      throw new NDArrayError(`categorical: probs must be an NDArray, got ${String(probs)}`);
    }
    if ((probs.ndim !== 1 && probs.ndim !== 2) || (probs.shape[probs.ndim - 1] as number) < 1) {
      throw new ShapeError(
        `categorical: probs must be [K] or [N, K] with K >= 1, got shape ${formatShape(probs.shape)}`,
      );
    }
    if (!Number.isInteger(numSamples) || numSamples < 1) {
      throw new NDArrayError(
        `categorical: numSamples must be a positive integer, got ${String(numSamples)}`,
      );
    }
    const categories = probs.shape[probs.ndim - 1] as number;
    const rows = probs.ndim === 2 ? (probs.shape[0] as number) : 1;
    const { data, start } = rowMajor(probs);
    const out = new Int32Array(rows * numSamples);
    // Every row is checked before any draw, so bad probs leave the generator's state as it was.
    const cumulative = new Float64Array(rows * categories);
    const lastPositive = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      let total = 0;
      for (let c = 0; c < categories; c++) {
        const p = data[start + r * categories + c] as number;
        if (!(p >= 0) || p === Number.POSITIVE_INFINITY) {
          throw new NDArrayError(
            `categorical: probs must be finite and non-negative, got ${p} at ${probs.ndim === 2 ? `[${r}, ${c}]` : `[${c}]`} (shape ${formatShape(probs.shape)})`,
          );
        }
        if (p > 0) lastPositive[r] = c;
        total += p;
        cumulative[r * categories + c] = total;
      }
      if (!(total > 0)) {
        throw new NDArrayError(
          `categorical: probs ${probs.ndim === 2 ? `row ${r} ` : ""}sums to zero (shape ${formatShape(probs.shape)})`,
        );
      }
    }
    for (let r = 0; r < rows; r++) {
      const first = r * categories;
      const total = cumulative[first + categories - 1] as number;
      for (let s = 0; s < numSamples; s++) {
        const u = this.random() * total;
        // The first category whose cumulative weight exceeds u (zero weights never do).
        let lo = 0;
        let hi = categories;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if ((cumulative[first + mid] as number) > u) hi = mid;
          else lo = mid + 1;
        }
        // u rounded up to the total: the last category that can be drawn.
        out[r * numSamples + s] = lo < categories ? lo : (lastPositive[r] as number);
      }
    }
    return new NDArray(out, probs.ndim === 2 ? [rows, numSamples] : [numSamples]);
  }

  /**
   * Independent 0/1 draws that are 1 with probability `p`: `p` is a number or an NDArray that
   * broadcasts to `shape` (default: p's shape, or a 0-d array for a number). The result is
   * float32 by default, as PyTorch's `bernoulli`, so it multiplies straight into float arrays
   * (a dropout mask); `{ dtype: "bool" }` or `"int32"` (NumPy's `binomial(1, p)`) or `"float64"`
   * are there too. Each element takes one 53-bit uniform u and is `u < p`, so p = 0 never and
   * p = 1 always gives 1.
   *
   * Throws `NDArrayError` for a p outside [0, 1] or NaN, `ShapeError` for a bad shape or a p
   * that does not broadcast to it, `DTypeError` for an unknown dtype. `p` is not modified.
   */
  bernoulli(p: number | NDArray, shape?: Shape, options: RandomBernoulliOptions = {}): NDArray {
    const dtype = options.dtype === undefined ? "float32" : checkDType(options.dtype, "bernoulli");
    const isArray = p instanceof NDArray;
    if (!isArray && typeof p !== "number") {
      throw new NDArrayError(`bernoulli: p must be a number or an NDArray, got ${String(p)}`);
    }
    const dims =
      shape === undefined ? (isArray ? [...p.shape] : []) : checkShape(shape, "bernoulli");
    const size = shapeSize(dims);
    let probability: (i: number) => number;
    if (isArray) {
      let spread: NDArray;
      try {
        spread = broadcastTo(p, dims);
      } catch (error) {
        throw new ShapeError(
          `bernoulli: p of shape ${formatShape(p.shape)} does not broadcast to shape ${formatShape(dims)}`,
          { cause: error },
        );
      }
      const { data, start } = rowMajor(spread);
      probability = (i) => data[start + i] as number;
    } else {
      probability = () => p;
    }
    // Checked before any draw, so a bad p leaves the generator's state as it was.
    for (let i = 0; i < size; i++) {
      const q = probability(i);
      if (!(q >= 0 && q <= 1)) {
        throw new NDArrayError(
          `bernoulli: p must be in [0, 1], got ${q}${isArray ? ` at flat position ${i} of shape ${formatShape(dims)}` : ""}`,
        );
      }
    }
    if (!isArray && !(p >= 0 && p <= 1)) {
      throw new NDArrayError(`bernoulli: p must be in [0, 1], got ${p}`);
    }
    const out = allocate(dtype, size);
    for (let i = 0; i < size; i++) out[i] = this.random() < probability(i) ? 1 : 0;
    return new NDArray(out, dims);
  }

  /**
   * A generator for an independent stream: it takes over this generator's current state, and
   * this one jumps 2^64 outputs ahead (xoshiro's jump). Streams forked one after another never
   * overlap for fewer than 2^64 draws each, and forking is as reproducible as drawing.
   */
  fork(): Random {
    // Not `new Random(0)`: a class that names itself in its body is renamed _Random by the
    // bundler, and `constructor.name` would say so.
    const child = new (this.constructor as new (seed: number) => Random)(0);
    child.#s0 = this.#s0;
    child.#s1 = this.#s1;
    child.#s2 = this.#s2;
    child.#s3 = this.#s3;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    // The jump polynomial for 2^64 steps, from the xoshiro128** reference code.
    for (const word of [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b]) {
      for (let bit = 0; bit < 32; bit++) {
        if ((word >>> bit) & 1) {
          s0 ^= this.#s0;
          s1 ^= this.#s1;
          s2 ^= this.#s2;
          s3 ^= this.#s3;
        }
        this.uint32();
      }
    }
    this.#s0 = s0;
    this.#s1 = s1;
    this.#s2 = s2;
    this.#s3 = s3;
    return child;
  }

  /** A uniform integer in [0, range) for 1 <= range <= 2^32, by rejection (no modulo bias). */
  #below(range: number): number {
    const limit = TWO_32 - (TWO_32 % range);
    let u = this.uint32();
    while (u >= limit) u = this.uint32();
    return u % range;
  }
}

/** Validates shape and dtype of a float sampler and allocates its output. */
function floatOutput(
  op: string,
  shape: Shape | undefined,
  options: RandomFloatOptions,
): { data: Float32Array | Float64Array; dims: number[] } {
  const dims = shape === undefined ? [] : checkShape(shape, op);
  const dtype = options.dtype === undefined ? "float32" : checkDType(options.dtype, op);
  if (dtype !== "float32" && dtype !== "float64") {
    throw new DTypeError(`${op}: dtype must be float32 or float64, got ${dtype}`);
  }
  return { data: allocate(dtype, shapeSize(dims)) as Float32Array | Float64Array, dims };
}

/** Offsets of every element of a sub-array, relative to its first element. */
function rowOffsets(shape: Shape, strides: Shape): number[] {
  let offsets = [0];
  shape.forEach((d, axis) => {
    const stride = strides[axis] as number;
    const next: number[] = [];
    for (const o of offsets) for (let i = 0; i < d; i++) next.push(o + i * stride);
    offsets = next;
  });
  return offsets;
}
