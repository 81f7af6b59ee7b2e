// The kernel suite: every engine behind the seam in src/kernels/engine.ts must pass it. It runs
// here on the JavaScript engines and in @zerograd/wasm on the WebAssembly one.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { add, arange, array, clip, exp, matmul, max, sum, transpose, where } from "../src/index";
import { type Engine, identity, setEngine, type WindowGeometry } from "../src/kernels/engine";
import { naiveGemm } from "../src/kernels/gemm";
import { scalar } from "../src/kernels/scalar";

/**
 * A random strided operand over `shape`: its own buffer with the axes in a random memory order
 * (a permuted view), gaps, sign flips and stride-0 axes.
 */
export const operandArb = (shape: number[]) =>
  fc
    .record({
      gaps: fc.array(fc.integer({ min: 1, max: 3 }), {
        minLength: shape.length,
        maxLength: shape.length,
      }),
      flips: fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
      broadcast: fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
      seed: fc.integer({ min: 1, max: 1 << 30 }),
      order: fc.shuffledSubarray([...shape.keys()], {
        minLength: shape.length,
        maxLength: shape.length,
      }),
    })
    .map(({ gaps, flips, broadcast, seed, order }) => {
      const strides: number[] = new Array(shape.length).fill(0);
      let step = 1;
      for (const d of [...order].reverse()) {
        if (broadcast[d]) continue;
        strides[d] = step * (gaps[d] as number);
        step *= (shape[d] as number) * (gaps[d] as number);
      }
      let offset = 0;
      shape.forEach((n, d) => {
        if (flips[d]) {
          offset += (n - 1) * (strides[d] as number);
          strides[d] = -(strides[d] as number);
        }
      });
      const data = new Float64Array(step + 1);
      let s = seed;
      for (let i = 0; i < data.length; i++) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        data[i] = (s % 2001) / 100 - 10;
      }
      return { data, offset, strides };
    });

const shapeArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 4 });

function read(
  op: { data: ArrayLike<number>; offset: number; strides: number[] },
  index: number[],
): number {
  let at = op.offset;
  index.forEach((i, d) => {
    at += i * (op.strides[d] as number);
  });
  return op.data[at] as number;
}

function* indices(shape: number[]): Generator<number[]> {
  const total = shape.reduce((p, q) => p * q, 1);
  for (let flat = 0; flat < total; flat++) {
    const index: number[] = [];
    let rest = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d] = rest % (shape[d] as number);
      rest = Math.floor(rest / (shape[d] as number));
    }
    yield index;
  }
}

/**
 * A random window geometry with at least one window; images up to `maxWidth` wide (wide rows
 * reach the kernels' vector paths).
 */
const geometryOf = (maxWidth: number) =>
  fc
    .record({
      N: fc.integer({ min: 1, max: 2 }),
      C: fc.integer({ min: 1, max: 3 }),
      H: fc.integer({ min: 1, max: 7 }),
      W: fc.integer({ min: 1, max: maxWidth }),
      KH: fc.integer({ min: 1, max: 3 }),
      KW: fc.integer({ min: 1, max: 3 }),
      SH: fc.integer({ min: 1, max: 3 }),
      SW: fc.integer({ min: 1, max: 3 }),
      PH: fc.integer({ min: 0, max: 2 }),
      PW: fc.integer({ min: 0, max: 2 }),
      DH: fc.integer({ min: 1, max: 2 }),
      DW: fc.integer({ min: 1, max: 2 }),
    })
    .map((g) => ({
      ...g,
      OH: Math.floor((g.H + 2 * g.PH - g.DH * (g.KH - 1) - 1) / g.SH) + 1,
      OW: Math.floor((g.W + 2 * g.PW - g.DW * (g.KW - 1) - 1) / g.SW) + 1,
    }))
    .filter((g) => g.OH >= 1 && g.OW >= 1);
const geometryArb = geometryOf(7);

/** The named float functions engines may run in their own kernels, with their arity. */
const NAMED = Object.entries(scalar) as [string, (...args: number[]) => number][];
/** Functions whose float32 results may differ from the reference by one rounding. */
const ROUNDED_ONCE = new Set(["exp", "log", "tanh", "sigmoid"]);

/**
 * The suite for one engine. `get` is called inside the tests, so an engine made in a
 * `beforeAll` (an async one) can be passed in; `title` names it in the report.
 */
export function describeKernelSuite(title: string, get: () => Engine): void {
  describe(`engine ${title}`, () => {
    it("map: binary and ternary functions over random strided operands", () => {
      fc.assert(
        fc.property(
          shapeArb.chain((shape) =>
            fc.tuple(fc.constant(shape), operandArb(shape), operandArb(shape), operandArb(shape)),
          ),
          ([shape, a, b, c]) => {
            const size = shape.reduce((p, q) => p * q, 1);
            const out2 = new Float64Array(size);
            get().map((x, y) => x * y - 1, shape, out2, [a, b]);
            const out3 = new Float32Array(size);
            get().map((x, y, z) => (x > 0 ? y : z), shape, out3, [a, b, c]);
            let flat = 0;
            for (const index of indices(shape)) {
              const [x, y, z] = [read(a, index), read(b, index), read(c, index)];
              expect(out2[flat]).toBe(x * y - 1);
              expect(out3[flat]).toBe(Math.fround(x > 0 ? y : z));
              flat++;
            }
          },
        ),
        { numRuns: 150 },
      );
    });

    it("reduce: sums and maxima over random axis subsets of strided operands", () => {
      fc.assert(
        fc.property(
          shapeArb.chain((shape) =>
            fc.tuple(
              fc.constant(shape),
              operandArb(shape),
              fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
            ),
          ),
          ([shape, x, reduced]) => {
            const kept = shape.map((d, i) => (reduced[i] ? 1 : d));
            const accStrides: number[] = [];
            let step = 1;
            for (let d = shape.length - 1; d >= 0; d--) {
              accStrides[d] = reduced[d] ? 0 : step;
              step *= kept[d] as number;
            }
            const sums = new Float64Array(step);
            const peaks = new Float64Array(step).fill(-Infinity);
            get().reduce((s, v) => s + v, shape, x, accStrides, sums, true);
            get().reduce((s, v) => Math.max(s, v), shape, x, accStrides, peaks, false);
            const wantSums = new Float64Array(step);
            const wantPeaks = new Float64Array(step).fill(-Infinity);
            for (const index of indices(shape)) {
              let at = 0;
              index.forEach((i, d) => {
                at += i * (accStrides[d] as number);
              });
              wantSums[at] = (wantSums[at] as number) + read(x, index);
              wantPeaks[at] = Math.max(wantPeaks[at] as number, read(x, index));
            }
            for (let i = 0; i < step; i++) {
              expect(sums[i]).toBeCloseTo(wantSums[i] as number, 9);
              expect(peaks[i]).toBe(wantPeaks[i]);
            }
          },
        ),
        { numRuns: 150 },
      );
    });

    it("reduce: float32 sums over random axis subsets of strided operands", () => {
      // Short axes, and long ones whose runs are summed in pairwise halves.
      const longShapeArb = fc.array(fc.integer({ min: 1, max: 400 }), {
        minLength: 1,
        maxLength: 2,
      });
      fc.assert(
        fc.property(
          fc
            .oneof(shapeArb, longShapeArb)
            .chain((shape) =>
              fc.tuple(
                fc.constant(shape),
                operandArb(shape),
                fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
                fc.integer({ min: 0, max: 3 }),
              ),
            ),
          ([shape, x64, reduced, start]) => {
            const x = { ...x64, data: Float32Array.from(x64.data) };
            const kept = shape.map((d, i) => (reduced[i] ? 1 : d));
            const accStrides: number[] = [];
            let step = 1;
            for (let d = shape.length - 1; d >= 0; d--) {
              accStrides[d] = reduced[d] ? 0 : step;
              step *= kept[d] as number;
            }
            // Accumulators that do not start at 0: the sums are added to them.
            const sums = new Float64Array(step).fill(start);
            get().reduce((s, v) => s + v, shape, x, accStrides, sums, true);
            const want = new Float64Array(step).fill(start);
            for (const index of indices(shape)) {
              let at = 0;
              index.forEach((i, d) => {
                at += i * (accStrides[d] as number);
              });
              want[at] = (want[at] as number) + read(x, index);
            }
            for (let i = 0; i < step; i++) expect(sums[i]).toBeCloseTo(want[i] as number, 9);
          },
        ),
        { numRuns: 150 },
      );
    });

    it("reduce: pairwise sums of long float32 runs stay accurate", () => {
      const n = 1 << 20;
      const data = new Float32Array(n).fill(0.1);
      const acc = new Float64Array(1);
      get().reduce((s, v) => s + v, [n], { data, offset: 0, strides: [1] }, [0], acc, true);
      expect(Math.abs((acc[0] as number) - n * Math.fround(0.1))).toBeLessThan(1e-6);
    });

    it("gemm: strided operands against the reference", () => {
      fc.assert(
        fc.property(
          fc
            .tuple(
              fc.integer({ min: 0, max: 9 }),
              fc.integer({ min: 0, max: 9 }),
              fc.integer({ min: 0, max: 9 }),
            )
            .chain(([m, n, k]) =>
              fc.tuple(
                fc.constant([m, n, k]),
                operandArb([m, k]),
                operandArb([k, n]),
                fc.boolean(),
              ),
            ),
          ([[m, n, k], a, b, single]) => {
            // float32 too: its register tiles are wider than float64's, so other shapes fill
            // them badly (and may run transposed).
            const cast = (data: Float64Array) => (single ? Float32Array.from(data) : data);
            const A = {
              data: cast(a.data),
              offset: a.offset,
              rowStride: a.strides[0] as number,
              colStride: a.strides[1] as number,
            };
            const B = {
              data: cast(b.data),
              offset: b.offset,
              rowStride: b.strides[0] as number,
              colStride: b.strides[1] as number,
            };
            const got = (single ? new Float32Array(m * n + 2) : new Float64Array(m * n + 2)).fill(
              7,
            );
            const want = new Float64Array(m * n + 2).fill(7);
            get().gemm(m as number, n as number, k as number, A, B, got, 1);
            naiveGemm(m as number, n as number, k as number, A, B, want, 1);
            // Sums of up to 9 products of values in [-10, 10]: float32 roundings stay below 2e-3.
            for (let i = 0; i < want.length; i++) {
              if (single)
                expect(Math.abs((got[i] as number) - (want[i] as number))).toBeLessThan(2e-3);
              else expect(got[i]).toBeCloseTo(want[i] as number, 9);
            }
          },
        ),
        { numRuns: 300 },
      );
    });

    it("ops give the same results on this engine", () => {
      const previous = setEngine(get());
      try {
        const x = arange(24, undefined, 1, "float64").reshape([2, 3, 4]);
        const t = transpose(x, [2, 0, 1]);
        expect(add(t, array([1, 2, 3])).toArray()).toEqual(
          (t.toArray() as number[][][]).map((p) => p.map((r) => r.map((v, j) => v + j + 1))),
        );
        expect(sum(t, [0, 2]).toArray()).toEqual([66, 210]);
        expect(max(t, 1).shape).toEqual([4, 3]);
        expect(where(t.greater(10), t, 0).sum().item()).toBe(221);
        expect(clip(t, 3, 5).sum().item()).toBe(3 * 4 + 4 + 5 * 19);
        expect(exp(array([0, 1])).toArray()).toEqual([1, Math.fround(Math.E)]);
        expect(matmul(x.reshape([6, 4]), transpose(x.reshape([6, 4]))).shape).toEqual([6, 6]);
      } finally {
        setEngine(previous);
      }
    });

    it("map: the named float functions over random strided operands, float32 and float64", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: NAMED.length - 1 }),
          fc.boolean(),
          shapeArb.chain((shape) =>
            fc.tuple(fc.constant(shape), operandArb(shape), operandArb(shape)),
          ),
          (which, single, [shape, a, b]) => {
            const [name, fn] = NAMED[which] as [string, (...args: number[]) => number];
            const cast = (x: typeof a) => (single ? { ...x, data: Float32Array.from(x.data) } : x);
            const inputs = fn.length === 2 ? [cast(a), cast(b)] : [cast(a)];
            const size = shape.reduce((p, q) => p * q, 1);
            const out = single ? new Float32Array(size + 1) : new Float64Array(size + 1);
            out[0] = 99;
            get().map(fn, shape, out, inputs, 1);
            expect(out[0]).toBe(99);
            let flat = 1;
            for (const index of indices(shape)) {
              const raw = fn(...inputs.map((x) => read(x, index)));
              const want = single ? Math.fround(raw) : raw;
              const got = out[flat++] as number;
              if (Number.isNaN(want)) {
                expect(got).toBeNaN();
              } else if (single && ROUNDED_ONCE.has(name) && got !== want) {
                expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.abs(want) * 2 ** -23);
              } else {
                expect(got).toBe(want);
              }
            }
          },
        ),
        { numRuns: 300 },
      );
    });

    it("map: copies and binary ops of permuted views (transposes), float32 and float64", () => {
      // Longer axes than operandArb's, so that blocked transposes meet both full blocks and
      // tails; the second operand is contiguous, the first a permuted view of its own buffer.
      const permutedArb = fc
        .array(fc.integer({ min: 0, max: 11 }), { minLength: 2, maxLength: 3 })
        .chain((shape) =>
          fc.tuple(fc.constant(shape), operandArb(shape), fc.boolean(), fc.boolean()),
        );
      fc.assert(
        fc.property(permutedArb, ([shape, a, single, copy]) => {
          const size = shape.reduce((p, q) => p * q, 1);
          const data = single ? Float32Array.from(a.data) : a.data;
          const x = { ...a, data };
          const y = { data: single ? new Float32Array(size) : new Float64Array(size), offset: 0 };
          y.data.forEach((_, i) => {
            y.data[i] = (i % 7) - 3;
          });
          const yStrides = shape.map((_, d) => shape.slice(d + 1).reduce((p, q) => p * q, 1));
          const out = single ? new Float32Array(size) : new Float64Array(size);
          if (copy) get().map(identity, shape, out, [x], 0);
          else get().map(scalar.sub, shape, out, [x, { ...y, strides: yStrides }], 0);
          let flat = 0;
          for (const index of indices(shape)) {
            const value =
              data[index.reduce((at, i, d) => at + i * (x.strides[d] as number), x.offset)];
            const want = copy ? value : (value as number) - (y.data[flat] as number);
            expect(out[flat++]).toBe(single ? Math.fround(want as number) : want);
          }
        }),
        { numRuns: 300 },
      );
    });

    it("map: comparisons into bool, and float ops with a bool operand, over strided operands", () => {
      const COMPARISONS = ["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"];
      const ARITHMETIC = ["add", "sub", "mul", "div", "maximum", "minimum"];
      const pick = (name: string) =>
        scalar[name as keyof typeof scalar] as (...v: number[]) => number;
      fc.assert(
        fc.property(
          fc.constantFrom(...COMPARISONS),
          fc.constantFrom(...ARITHMETIC),
          fc.boolean(),
          fc.boolean(),
          shapeArb.chain((shape) =>
            fc.tuple(fc.constant(shape), operandArb(shape), operandArb(shape)),
          ),
          (comparison, arithmetic, single, boolFirst, [shape, a, b]) => {
            // Coarse values tie often; the largest become NaN.
            const Float = single ? Float32Array : Float64Array;
            const coarse = (x: typeof a) => {
              const values = Array.from(x.data, (v) => (v > 9.5 ? Number.NaN : Math.round(v / 4)));
              return { ...x, data: single ? Float32Array.from(values) : Float64Array.from(values) };
            };
            const [x, y] = [coarse(a), coarse(b)];
            const size = shape.reduce((p, q) => p * q, 1);
            const compare = pick(comparison);
            const mask = new Uint8Array(size + 1);
            mask[0] = 7;
            get().map(compare, shape, mask, [x, y], 1);
            expect(mask[0]).toBe(7);
            let flat = 1;
            for (const index of indices(shape)) {
              expect(mask[flat++]).toBe(compare(read(x, index), read(y, index)));
            }
            const bool = { ...b, data: Uint8Array.from(b.data, (v) => (v > 0 ? 1 : 0)) };
            const inputs = boolFirst ? [bool, x] : [x, bool];
            const fn = pick(arithmetic);
            const out = new Float(size + 1);
            out[0] = 99;
            get().map(fn, shape, out, inputs, 1);
            expect(out[0]).toBe(99);
            flat = 1;
            for (const index of indices(shape)) {
              const raw = fn(...inputs.map((operand) => read(operand, index)));
              const want = single ? Math.fround(raw) : raw;
              const got = out[flat++] as number;
              if (Number.isNaN(want)) expect(got).toBeNaN();
              else expect(got).toBe(want);
            }
          },
        ),
        { numRuns: 300 },
      );
      // Long runs against a value repeated along them (a per-row bool or threshold), which the
      // small random shapes above rarely make.
      const shape = [3, 37];
      const x = {
        data: Float32Array.from({ length: 111 }, (_, i) => ((i * 7) % 11) - 5),
        offset: 0,
        strides: [37, 1],
      };
      const row = { data: Float32Array.from([1, -2, 0]), offset: 0, strides: [1, 0] };
      const rowBool = { data: Uint8Array.from([1, 0, 1]), offset: 0, strides: [1, 0] };
      const mask = new Uint8Array(111);
      get().map(scalar.greater, shape, mask, [x, row]);
      const sums = new Float32Array(111);
      get().map(scalar.sub, shape, sums, [rowBool, x]);
      for (const index of indices(shape)) {
        const at = (index[0] as number) * 37 + (index[1] as number);
        expect(mask[at]).toBe(read(x, index) > read(row, index) ? 1 : 0);
        expect(sums[at]).toBe(read(rowBool, index) - read(x, index));
      }
    });

    it("windows: im2col and col2im of random geometries and strided images", () => {
      fc.assert(
        fc.property(
          geometryArb.chain((g) =>
            fc.tuple(fc.constant(g), operandArb([g.N, g.C, g.H, g.W]), fc.boolean(), fc.boolean()),
          ),
          ([g, image64, toMatrix, single]) => {
            const image = single ? { ...image64, data: Float32Array.from(image64.data) } : image64;
            const size = g.N * g.C * g.KH * g.KW * g.OH * g.OW;
            const make = (n: number) => (single ? new Float32Array(n) : new Float64Array(n));
            // Where each (n, c, kh, kw, oh, ow) lands in col, and the pixel it reads (or -1).
            const taps: [number, number[] | undefined][] = [];
            for (let n = 0; n < g.N; n++)
              for (let c = 0; c < g.C; c++)
                for (let kh = 0; kh < g.KH; kh++)
                  for (let kw = 0; kw < g.KW; kw++)
                    for (let oh = 0; oh < g.OH; oh++)
                      for (let ow = 0; ow < g.OW; ow++) {
                        const y = oh * g.SH - g.PH + kh * g.DH;
                        const x = ow * g.SW - g.PW + kw * g.DW;
                        const at = toMatrix
                          ? ((n * g.OH + oh) * g.OW + ow) * g.C * g.KH * g.KW +
                            (c * g.KH + kh) * g.KW +
                            kw
                          : ((((n * g.C + c) * g.KH + kh) * g.KW + kw) * g.OH + oh) * g.OW + ow;
                        const inside = y >= 0 && y < g.H && x >= 0 && x < g.W;
                        taps.push([at, inside ? [n, c, y, x] : undefined]);
                      }
            const col = make(size);
            get().windows(g, toMatrix, image.data, image.offset, image.strides, col, "im2col");
            for (const [at, pixel] of taps) expect(col[at]).toBe(pixel ? read(image, pixel) : 0);
            // col2im adds into the image it is given (here one that does not start at 0).
            const cols = make(size).map((_, i) => ((i * 37) % 11) - 5);
            const target = make(g.N * g.C * g.H * g.W + 1).fill(0.5);
            const strides = [g.C * g.H * g.W, g.H * g.W, g.W, 1];
            get().windows(g, toMatrix, target, 1, strides, cols, "col2im");
            const want = new Float64Array(target.length).fill(0.5);
            for (const [at, pixel] of taps) {
              if (pixel === undefined) continue;
              const [n, c, y, x] = pixel as [number, number, number, number];
              const flat =
                1 + n * (strides[0] as number) + c * (strides[1] as number) + y * g.W + x;
              want[flat] = (want[flat] as number) + (cols[at] as number);
            }
            for (let i = 0; i < want.length; i++) expect(target[i]).toBe(want[i]);
          },
        ),
        { numRuns: 200 },
      );
    });

    it("windows: col2im adds negative zeros as such (a sum of -0 stays -0)", () => {
      // Wide enough rows for the engines' vector paths; -0 + -0 is -0 and must not become +0.
      const g: WindowGeometry = {
        ...{ N: 2, C: 3, H: 6, W: 11, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, DH: 1, DW: 1 },
        ...{ OH: 6, OW: 11 },
      };
      for (const single of [true, false]) {
        const size = g.N * g.C * g.H * g.W;
        const image = single ? new Float32Array(size) : new Float64Array(size);
        const cols = single ? new Float32Array(size * 9) : new Float64Array(size * 9);
        image.fill(-0);
        cols.fill(-0);
        get().windows(g, true, image, 0, [g.C * g.H * g.W, g.H * g.W, g.W, 1], cols, "col2im");
        expect(Array.from(image).every((v) => Object.is(v, -0))).toBe(true);
      }
    });

    it("windowMaxima: max pooling of random geometries and strided images, ties and NaN", () => {
      // Every window must hold a real tap (windowMaxima's callers check it).
      const holdsTaps = (g: WindowGeometry) =>
        [
          [g.OH, g.SH, g.PH, g.DH, g.KH, g.H],
          [g.OW, g.SW, g.PW, g.DW, g.KW, g.W],
        ].every(([count, s, p, d, k, size]) =>
          Array.from({ length: count as number }, (_, o) => o).every((o) =>
            Array.from(
              { length: k as number },
              (_, a) => o * (s as number) - (p as number) + a * (d as number),
            ).some((y) => y >= 0 && y < (size as number)),
          ),
        );
      fc.assert(
        fc.property(
          geometryOf(20)
            .filter(holdsTaps)
            .chain((g) => fc.tuple(fc.constant(g), operandArb([g.N, g.C, g.H, g.W]), fc.boolean())),
          ([g, image64, single]) => {
            // Coarse values tie often; the largest become NaN.
            const values = Array.from(image64.data, (v) =>
              v > 9 ? Number.NaN : Math.round(v / 5),
            );
            const data = single ? Float32Array.from(values) : Float64Array.from(values);
            const image = { ...image64, data };
            const size = g.N * g.C * g.OH * g.OW;
            const maxima = single ? new Float32Array(size) : new Float64Array(size);
            const indices = new Int32Array(size);
            get().windowMaxima(g, image.data, image.offset, image.strides, maxima, indices);
            let out = 0;
            for (let n = 0; n < g.N; n++)
              for (let c = 0; c < g.C; c++)
                for (let oh = 0; oh < g.OH; oh++)
                  for (let ow = 0; ow < g.OW; ow++) {
                    let best = Number.NaN;
                    let at = -1;
                    for (let kh = 0; kh < g.KH; kh++)
                      for (let kw = 0; kw < g.KW; kw++) {
                        const y = oh * g.SH - g.PH + kh * g.DH;
                        const x = ow * g.SW - g.PW + kw * g.DW;
                        if (y < 0 || y >= g.H || x < 0 || x >= g.W) continue;
                        const v = read(image, [n, c, y, x]);
                        if (at < 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
                          best = v;
                          at = ((n * g.C + c) * g.H + y) * g.W + x;
                        }
                      }
                    expect(indices[out]).toBe(at);
                    if (Number.isNaN(best)) expect(maxima[out]).toBeNaN();
                    else expect(maxima[out]).toBe(best);
                    out++;
                  }
          },
        ),
        { numRuns: 200 },
      );
    });

    it("copy contiguous runs between offsets, converting between types", async () => {
      const source = new Float64Array([9, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 9]);
      const same = new Float64Array(8);
      get().map(identity, [2, 3], same, [{ data: source, offset: 1, strides: [3, 1] }], 2);
      expect(Array.from(same)).toEqual([0, 0, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5]);
      const narrower = new Int32Array(6);
      get().map(identity, [6], narrower, [{ data: source, offset: 1, strides: [1] }]);
      expect(Array.from(narrower)).toEqual([1, 2, 3, 4, 5, 6]);
      const strided = new Float64Array(3);
      get().map(identity, [3], strided, [{ data: source, offset: 1, strides: [2] }]);
      expect(Array.from(strided)).toEqual([1.5, 3.5, 5.5]);
    });
  });
}
