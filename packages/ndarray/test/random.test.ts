import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  arange,
  array,
  broadcastTo,
  DTypeError,
  NDArrayError,
  Random,
  ShapeError,
  slice,
  take,
  transpose,
} from "../src/index";

const values = (x: { toTypedArray(): ArrayLike<number> }) => Array.from(x.toTypedArray());

// Reference values from an independent Python reimplementation of SplitMix64 seeding plus
// xoshiro128** (run once; the script checked SplitMix64 against its published vector for seed
// 1234567 and the jump constants against the 2^64-th power of the GF(2) transition matrix).
describe("Random reference streams", () => {
  it("matches SplitMix64-seeded xoshiro128** for fixed seeds", () => {
    const first = (seed: number | bigint) => {
      const rng = new Random(seed);
      return Array.from({ length: 6 }, () => rng.uint32());
    };
    expect(first(42)).toEqual([
      1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222,
    ]);
    expect(first(0)).toEqual([
      3737715805, 2584255861, 2876756834, 3286328325, 1553311962, 1625202774,
    ]);
    expect(first(2n ** 64n - 1n)).toEqual([
      477689756, 2493998634, 555695776, 607808419, 61340979, 301466976,
    ]);
  });

  it("derives floats, integers, normals and permutations from the stream as documented", () => {
    let rng = new Random(42);
    expect(Array.from({ length: 4 }, () => rng.random())).toEqual([
      0.4137016681565887, 0.003983993377814743, 0.6500837027638867, 0.6846020186141416,
    ]);
    expect(values(new Random(42).uniform(-2, 3, [4]))).toEqual([
      0.06850826740264893, 2.848936080932617, -1.9800801277160645, 0.6976865530014038,
    ]);
    expect(values(new Random(42).integers(0, 10, [12]))).toEqual([
      4, 8, 5, 0, 3, 2, 1, 1, 6, 7, 7, 6,
    ]);
    expect(values(new Random(42).integers(-5, 5, [6]))).toEqual([-1, 3, 0, -5, -2, -3]);
    expect(values(new Random(7).integers(-(2 ** 31), 2 ** 31, [4]))).toEqual([
      -346386879, -593157724, 845317194, 1441496892,
    ]);
    expect(values(new Random(42).permutation(10))).toEqual([1, 0, 9, 6, 2, 5, 3, 7, 8, 4]);
    // Math.log is not required to be correctly rounded, so allow a few ulps.
    const normals = values(new Random(42).normal(1, 2, [5], { dtype: "float64" }));
    const expected = [
      3.1746041350450236, 3.6747495272522337, 2.4819870928924344, 2.0588510271730156,
      1.8532980564331087,
    ];
    for (const [i, v] of normals.entries()) {
      expect(Math.abs(v - (expected[i] as number))).toBeLessThan(1e-14);
    }
    rng = new Random(42);
    const child = rng.fork();
    expect([child.uint32(), child.uint32(), child.uint32()]).toEqual([
      1776835114, 4165204688, 17111135,
    ]);
    expect([rng.uint32(), rng.uint32(), rng.uint32()]).toEqual([
      2449739786, 2605826980, 3103900246,
    ]);
  });
});

describe("Random reproducibility", () => {
  const draw = (rng: Random) => [
    ...values(rng.uniform(0, 1, [5])),
    ...values(rng.normal(0, 1, [3], { dtype: "float64" })),
    ...values(rng.integers(100, undefined, [4])),
    ...values(rng.permutation(6)),
    rng.random(),
  ];

  it("repeats the same sequence for the same seed and differs across seeds", () => {
    expect(draw(new Random(123))).toEqual(draw(new Random(123)));
    expect(draw(new Random(123))).not.toEqual(draw(new Random(124)));
    expect(draw(new Random(123))).toEqual(draw(new Random(123n)));
  });

  it("keeps all state in the instance (interleaving two generators changes nothing)", () => {
    const a = new Random(5);
    const b = new Random(6);
    const [a1, b1, a2, b2] = [a, b, a, b].map((rng) => values(rng.uniform(0, 1, [3])));
    const aAlone = new Random(5);
    const bAlone = new Random(6);
    expect([a1, a2]).toEqual([
      values(aAlone.uniform(0, 1, [3])),
      values(aAlone.uniform(0, 1, [3])),
    ]);
    expect([b1, b2]).toEqual([
      values(bAlone.uniform(0, 1, [3])),
      values(bAlone.uniform(0, 1, [3])),
    ]);
  });

  it("consumes normals in whole pairs per call", () => {
    const three = values(new Random(9).normal(0, 1, [3]));
    const two = values(new Random(9).normal(0, 1, [2]));
    expect(three.slice(0, 2)).toEqual(two);
    const rng = new Random(9);
    rng.normal(0, 1, [3]);
    const afterThree = rng.uniform(0, 1, [2]);
    const rng4 = new Random(9);
    rng4.normal(0, 1, [4]);
    expect(values(afterThree)).toEqual(values(rng4.uniform(0, 1, [2])));
  });

  it("forks reproducible streams that differ from each other and from the parent", () => {
    const streamsOf = (seed: number) => {
      const parent = new Random(seed);
      const first = parent.fork();
      const second = parent.fork();
      return [parent, first, second].map((rng) => Array.from({ length: 8 }, () => rng.uint32()));
    };
    const streams = streamsOf(1);
    expect(new Set(streams.map((s) => s.join())).size).toBe(3);
    expect(streamsOf(1)).toEqual(streams);
    // The first child carries on where the parent stood.
    const plain = new Random(1);
    expect(streams[1]).toEqual(Array.from({ length: 8 }, () => plain.uint32()));
  });
});

describe("Random shapes, dtypes and ranges", () => {
  it("returns 0-d arrays without a shape and arrays of the given shape otherwise", () => {
    const rng = new Random(3);
    expect(rng.uniform().shape).toEqual([]);
    expect(rng.uniform().dtype).toBe("float32");
    expect(rng.normal(0, 1, undefined, { dtype: "float64" }).dtype).toBe("float64");
    expect(rng.integers(5).dtype).toBe("int32");
    expect(rng.normal(0, 1, [2, 0, 3]).shape).toEqual([2, 0, 3]);
    expect(rng.uniform(0, 1, [4, 5], { dtype: "float64" }).shape).toEqual([4, 5]);
    expect(rng.integers(0, 2, [3, 1]).shape).toEqual([3, 1]);
  });

  it("keeps uniform values in [low, high) for both float dtypes", () => {
    const rng = new Random(11);
    for (const dtype of ["float32", "float64"] as const) {
      const unit = values(rng.uniform(0, 1, [100000], { dtype }));
      expect(unit.every((v) => v >= 0 && v < 1)).toBe(true);
      const shifted = values(rng.uniform(-3, 5, [20000], { dtype }));
      expect(shifted.every((v) => v >= -3 && v < 5)).toBe(true);
    }
    expect(values(rng.uniform(2, 2, [3]))).toEqual([2, 2, 2]);
    for (let i = 0; i < 1000; i++) {
      const v = rng.random();
      expect(v >= 0 && v < 1).toBe(true);
    }
  });

  it("keeps integers in [low, high), including the full int32 range", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 2 ** 32 }),
        fc.nat(),
        (low, span, seed) => {
          const high = Math.min(low + span, 2 ** 31);
          const out = values(new Random(seed).integers(low, high, [50]));
          expect(out.every((v) => Number.isInteger(v) && v >= low && v < high)).toBe(true);
        },
      ),
    );
    expect(values(new Random(1).integers(7, 8, [5]))).toEqual([7, 7, 7, 7, 7]);
  });
});

describe("Random distributions", () => {
  const n = 100000;
  const meanOf = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  const varianceOf = (xs: number[]) => {
    const m = meanOf(xs);
    return xs.reduce((s, v) => s + (v - m) ** 2, 0) / xs.length;
  };
  /** Pearson's statistic of observed counts against equal expected counts. */
  const chiSquare = (counts: number[], total: number) => {
    const expected = total / counts.length;
    return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  };

  it("draws normals with the requested mean, variance and shape", () => {
    const xs = values(new Random(2024).normal(2, 3, [n], { dtype: "float64" }));
    // Within 4 standard errors: SE(mean) = σ/√n, SE(variance) ≈ σ²·√(2/n).
    expect(Math.abs(meanOf(xs) - 2)).toBeLessThan((4 * 3) / Math.sqrt(n));
    expect(Math.abs(varianceOf(xs) - 9)).toBeLessThan(4 * 9 * Math.sqrt(2 / n));
    // Shape, not just moments: P(|z| < 1) = 0.6827 and P(|z| < 2) = 0.9545.
    for (const [k, p] of [
      [1, 0.682689],
      [2, 0.9545],
    ] as const) {
      const inside = xs.filter((v) => Math.abs(v - 2) < 3 * k).length / n;
      expect(Math.abs(inside - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
    const single = values(new Random(7).normal(0, 1, [n]));
    expect(Math.abs(meanOf(single))).toBeLessThan(4 / Math.sqrt(n));
  });

  it("spreads uniform values evenly (histogram chi-square)", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const xs = values(new Random(99).uniform(10, 30, [n], { dtype }));
      const counts = new Array<number>(20).fill(0);
      for (const v of xs) counts[Math.floor(v - 10)] = (counts[Math.floor(v - 10)] ?? 0) + 1;
      // 19 degrees of freedom: mean 19, sd 6.2; 60 is exceeded with probability ~1e-6.
      expect(chiSquare(counts, n)).toBeLessThan(60);
      expect(Math.abs(meanOf(xs) - 20)).toBeLessThan((4 * 20) / Math.sqrt(12 * n));
    }
  });

  it("covers every integer of a small range uniformly, and has no modulo bias on a large one", () => {
    const small = values(new Random(5).integers(-3, 4, [70000]));
    const counts = new Array<number>(7).fill(0);
    for (const v of small) counts[v + 3] = (counts[v + 3] ?? 0) + 1;
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(chiSquare(counts, 70000)).toBeLessThan(40); // 6 degrees of freedom
    // A range of 3·2^30: folding raw 32-bit draws with % would put 1/2 (not 1/3) of the
    // values in the lowest third.
    const low = -(2 ** 31);
    const wide = values(new Random(6).integers(low, low + 3 * 2 ** 30, [30000]));
    const lowestThird = wide.filter((v) => v < low + 2 ** 30).length / wide.length;
    expect(Math.abs(lowestThird - 1 / 3)).toBeLessThan(4 * Math.sqrt(2 / 9 / wide.length));
  });

  it("makes every ordering of 3 items equally likely", () => {
    const rng = new Random(8);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const key = values(rng.permutation(3)).join("");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    expect(chiSquare([...counts.values()], 6000)).toBeLessThan(35); // 5 degrees of freedom
  });
});

describe("Random permutation and shuffle", () => {
  it("permutation(n) is a permutation of 0..n-1", () => {
    fc.assert(
      fc.property(fc.nat({ max: 200 }), fc.nat(), (size, seed) => {
        const p = new Random(seed).permutation(size);
        expect(p.dtype).toBe("int32");
        expect(values(p).sort((a, b) => a - b)).toEqual(Array.from({ length: size }, (_, i) => i));
      }),
    );
  });

  it("permutation(x) shuffles a copy along axis 0, the same way as indexing by permutation(n)", () => {
    const x = arange(12).reshape([4, 3]);
    const before = x.toArray();
    const shuffled = new Random(21).permutation(x);
    expect(x.toArray()).toEqual(before);
    expect(shuffled.shape).toEqual([4, 3]);
    expect(shuffled.toArray()).toEqual(take(x, new Random(21).permutation(4), 0).toArray());
    expect(shuffled.toArray()).not.toEqual(before);
    // On a transposed view it permutes the view's rows.
    const t = transpose(x);
    expect(new Random(4).permutation(t).toArray()).toEqual(
      take(t, new Random(4).permutation(3), 0).toArray(),
    );
  });

  it("shuffle works in place on JS arrays, typed arrays and NDArray views", () => {
    const list = ["a", "b", "c", "d", "e", "f", "g"];
    new Random(1).shuffle(list);
    expect([...list].sort()).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
    expect(list).not.toEqual(["a", "b", "c", "d", "e", "f", "g"]);
    const typed = new Float64Array([0, 1, 2, 3, 4, 5, 6]);
    new Random(1).shuffle(typed);
    expect(Array.from(typed)).toEqual(list.map((c) => c.charCodeAt(0) - 97));

    const x = arange(20).reshape([5, 4]);
    const expected = take(x, new Random(3).permutation(5), 0).toArray();
    expect(new Random(3).shuffle(x)).toBeUndefined();
    expect(x.toArray()).toEqual(expected);

    // A reversed, strided view: its rows are reordered inside the parent's buffer.
    const parent = arange(24).reshape([6, 4]);
    const view = slice(parent, [
      [null, null, -2],
      [1, 4, 2],
    ]);
    const viewExpected = take(view, new Random(2).permutation(3), 0).toArray();
    new Random(2).shuffle(view);
    expect(view.toArray()).toEqual(viewExpected);
    const untouched = parent.toArray() as number[][];
    expect(untouched.map((row) => [row[0], row[2]])).toEqual(
      Array.from({ length: 6 }, (_, i) => [4 * i, 4 * i + 2]),
    );
  });

  it("rejects what it cannot shuffle", () => {
    const rng = new Random(0);
    expect(() => rng.shuffle(array(3))).toThrow(ShapeError);
    expect(() => rng.shuffle(broadcastTo(array([1, 2]), [3, 2]))).toThrow(NDArrayError);
    expect(() => rng.permutation(array(3))).toThrow(ShapeError);
    expect(() => rng.permutation(-1)).toThrow(NDArrayError);
    expect(() => rng.permutation(2.5)).toThrow(NDArrayError);
  });
});

describe("Random argument checks", () => {
  it("rejects bad seeds", () => {
    for (const seed of [-1, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, -1n, 2n ** 64n]) {
      expect(() => new Random(seed)).toThrow(NDArrayError);
    }
    expect(() => new Random(-1)).toThrow("Random: seed must be a non-negative integer");
  });

  it("rejects bad bounds, std, shapes and dtypes with typed errors naming the method", () => {
    const rng = new Random(0);
    expect(() => rng.uniform(1, 0)).toThrow("uniform: need finite low <= high, got low=1, high=0");
    expect(() => rng.uniform(0, Number.POSITIVE_INFINITY)).toThrow(NDArrayError);
    expect(() => rng.normal(0, -1)).toThrow(
      "normal: need a finite mean and std >= 0, got mean=0, std=-1",
    );
    expect(() => rng.normal(Number.NaN, 1)).toThrow(NDArrayError);
    expect(() => rng.integers(5, 5)).toThrow(
      "integers: need low < high within int32, got low=5, high=5",
    );
    expect(() => rng.integers(0)).toThrow(NDArrayError);
    expect(() => rng.integers(0, 2 ** 31 + 1)).toThrow(NDArrayError);
    expect(() => rng.integers(-(2 ** 31) - 1, 0)).toThrow(NDArrayError);
    expect(() => rng.integers(0.5, 3)).toThrow(DTypeError);
    expect(() => rng.uniform(0, 1, [2.5])).toThrow(ShapeError);
    expect(() => rng.normal(0, 1, [-1, 2])).toThrow(ShapeError);
    expect(() => rng.integers(0, 3, [1, 0.5])).toThrow(ShapeError);
    expect(() => rng.normal(0, 1, [2], { dtype: "int32" })).toThrow(DTypeError);
    expect(() => rng.uniform(0, 1, [2], { dtype: "float16" as never })).toThrow(DTypeError);
  });
});
