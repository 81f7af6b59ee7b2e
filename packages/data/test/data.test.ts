import { arange, array, IndexError, type NDArray, Random, ShapeError } from "@zerograd/ndarray";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ArrayDataset,
  DataError,
  DataLoader,
  type Dataset,
  SeqDataLoader,
  sinCurve,
  spiral,
} from "../src/index";

/** x[i] = [i, 10i], y[i] = i: every batch tells which samples it holds. */
function numbered(n: number): ArrayDataset {
  const rows = Array.from({ length: n }, (_, i) => [i, 10 * i]);
  return new ArrayDataset(array(rows), arange(n, undefined, 1, "int32"));
}

/** The same samples without `getBatch`, so the loader stacks them one by one. */
function plain<T>(dataset: Dataset<T>): Dataset<T> {
  return { length: dataset.length, get: (i) => dataset.get(i) };
}

const labels = (batch: [NDArray, NDArray]) => Array.from(batch[1].toTypedArray());

describe("ArrayDataset", () => {
  it("pairs x[i] with y[i]", () => {
    const d = numbered(5);
    expect(d.length).toBe(5);
    const [x, y] = d.get(3);
    expect(x.toArray()).toEqual([3, 30]);
    expect(y.item()).toBe(3);
  });

  it("get returns views of row i (negative counts from the end) and rejects indices out of range", () => {
    const d = numbered(5);
    const [x, y] = d.get(-1);
    expect(x.data).toBe(d.x.data);
    expect(x.toArray()).toEqual([4, 40]);
    expect(y.item()).toBe(4);
    expect(() => d.get(5)).toThrow(IndexError);
    expect(() => d.get(5)).toThrow("ArrayDataset.get: index 5 is out of range for 5 samples");
    expect(() => d.get(1.5)).toThrow(IndexError);
  });

  it("rejects mismatched lengths and 0-d arrays, naming both shapes", () => {
    expect(() => new ArrayDataset(array([[1], [2]]), array([1, 2, 3]))).toThrow(ShapeError);
    expect(() => new ArrayDataset(array([[1], [2]]), array([1, 2, 3]))).toThrow(
      "ArrayDataset: x has 2 samples but y has 3 (x [2,1], y [3])",
    );
    expect(() => new ArrayDataset(array(1), array([1]))).toThrow(/need a sample axis/);
  });
});

describe("DataLoader", () => {
  it("batches in order, with a smaller last batch", () => {
    const loader = new DataLoader(numbered(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map((b) => b[0].shape)).toEqual([
      [4, 2],
      [4, 2],
      [2, 2],
    ]);
    expect(batches.map(labels)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(batches[2]?.[0].toArray()).toEqual([
      [8, 80],
      [9, 90],
    ]);
  });

  it("drops the last partial batch with dropLast", () => {
    const loader = new DataLoader(numbered(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect([...loader].map(labels)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
  });

  it("reshuffles every epoch, deterministically for a seed", () => {
    const epochs = (seed: number) => {
      const loader = new DataLoader(numbered(12), {
        batchSize: 5,
        shuffle: true,
        rng: new Random(seed),
      });
      return [0, 1, 2].map(() => [...loader].flatMap(labels));
    };
    const [first, second, third] = epochs(1);
    for (const epoch of [first, second, third]) {
      expect([...(epoch as number[])].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    }
    expect(first).not.toEqual(second);
    expect(second).not.toEqual(third);
    expect(epochs(1)).toEqual([first, second, third]);
    expect(epochs(2)[0]).not.toEqual(first);
  });

  it("stacks samples one by one when the dataset has no getBatch, with the same result", () => {
    const d = numbered(7);
    const fast = [...new DataLoader(d, { batchSize: 3 })];
    const slow = [...new DataLoader(plain(d), { batchSize: 3 })];
    expect(slow.map((b) => [b[0].toArray(), b[1].toArray()])).toEqual(
      fast.map((b) => [b[0].toArray(), b[1].toArray()]),
    );
    expect(slow[0]?.[1].dtype).toBe("int32");
  });

  it("batches numbers and tuples of NDArrays from any dataset", () => {
    const squares: Dataset<number> = { length: 5, get: (i) => i * i };
    const batches = [...new DataLoader(squares, { batchSize: 2 })];
    expect(batches.map((b) => b.toArray())).toEqual([[0, 1], [4, 9], [16]]);
    expect(batches[0]?.dtype).toBe("int32");
    const halves: Dataset<number> = { length: 2, get: (i) => i / 2 };
    expect([...new DataLoader(halves, { batchSize: 2 })][0]?.dtype).toBe("float32");
  });

  it("covers every sample exactly once per epoch for any size (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        fc.boolean(),
        (n, batchSize, shuffle, dropLast) => {
          const loader = new DataLoader(numbered(n), {
            batchSize,
            shuffle,
            dropLast,
            rng: new Random(n),
          });
          const batches = [...loader];
          expect(batches).toHaveLength(loader.length);
          const seen = batches.flatMap(labels);
          const expected = dropLast ? Math.floor(n / batchSize) * batchSize : n;
          expect(seen).toHaveLength(expected);
          expect(new Set(seen).size).toBe(expected);
          for (const b of batches.slice(0, -1)) expect(b[0].shape[0]).toBe(batchSize);
        },
      ),
    );
  });

  it("rejects a bad batchSize and shuffle without an rng", () => {
    for (const batchSize of [0, -1, 1.5, Number.NaN]) {
      expect(() => new DataLoader(numbered(3), { batchSize })).toThrow(DataError);
    }
    expect(() => new DataLoader(numbered(3), { batchSize: 0 })).toThrow(
      "DataLoader: batchSize must be an integer >= 1, got 0",
    );
    expect(() => new DataLoader(numbered(3), { batchSize: "4" as never })).toThrow(
      'DataLoader: batchSize must be an integer >= 1, got string "4"',
    );
    expect(() => new DataLoader(numbered(3), { shuffle: true })).toThrow(/needs an rng/);
  });
});

describe("SeqDataLoader", () => {
  it("lays the series out as streams continued from batch to batch (the book's layout)", () => {
    // DeZero: jump = ⌊10 / 3⌋ = 3, ⌈10 / 3⌉ = 4 batches, indices (i·jump + t) mod 10
    const loader = new SeqDataLoader(numbered(10), { batchSize: 3 });
    expect(loader.length).toBe(4);
    const expected = [
      [0, 3, 6],
      [1, 4, 7],
      [2, 5, 8],
      [3, 6, 9],
    ];
    expect([...loader].map(labels)).toEqual(expected);
    const slow = [...new SeqDataLoader(plain(numbered(10)), { batchSize: 3 })];
    expect(slow.map(labels)).toEqual(expected);
    const wrapping = new SeqDataLoader(numbered(5), { batchSize: 2 });
    expect([...wrapping].map(labels)).toEqual([
      [0, 2],
      [1, 3],
      [2, 4],
    ]);
  });

  it("rejects a batchSize larger than the series", () => {
    expect(() => new SeqDataLoader(numbered(3), { batchSize: 4 })).toThrow(/exceeds the 3 samples/);
    expect(() => new SeqDataLoader(numbered(3), { batchSize: 0 })).toThrow(DataError);
  });
});

describe("toy datasets", () => {
  it("spiral: shapes, balanced classes, radii in [0, 1), deterministic for a seed", () => {
    const d = spiral({ rng: new Random(0) });
    expect(d.x.shape).toEqual([300, 2]);
    expect(d.x.dtype).toBe("float32");
    expect(d.y.dtype).toBe("int32");
    const y = Array.from(d.y.toTypedArray());
    expect([0, 1, 2].map((c) => y.filter((v) => v === c).length)).toEqual([100, 100, 100]);
    expect(y.slice(0, 20)).not.toEqual([...y.slice(0, 20)].sort()); // shuffled
    const x = d.x.toTypedArray();
    const radii = y.map((_, k) => Math.hypot(x[2 * k] as number, x[2 * k + 1] as number));
    expect(Math.max(...radii)).toBeLessThan(1);
    expect(Math.min(...radii)).toBe(0);
    const again = spiral({ rng: new Random(0) });
    expect(again.x.toArray()).toEqual(d.x.toArray());
    expect(spiral({ rng: new Random(1) }).x.toArray()).not.toEqual(d.x.toArray());
    const small = spiral({ numClasses: 2, pointsPerClass: 5, rng: new Random(0) });
    expect(small.length).toBe(10);
  });

  it("spiral puts point i of arm j at radius i/N and angle 4j + 4i/N + noise", () => {
    const d = spiral({ numClasses: 3, pointsPerClass: 50, rng: new Random(3) });
    const x = d.x.toTypedArray();
    const y = d.y.toTypedArray();
    for (let k = 0; k < d.length; k++) {
      const r = Math.hypot(x[2 * k] as number, x[2 * k + 1] as number);
      if (r < 1e-6) continue;
      const i = Math.round(r * 50);
      expect(r).toBeCloseTo(i / 50, 6);
      const theta = Math.atan2(x[2 * k] as number, x[2 * k + 1] as number); // sin over cos
      const noise = theta - (4 * (y[k] as number) + (4 * i) / 50);
      const wrapped = noise - 2 * Math.PI * Math.round(noise / (2 * Math.PI));
      expect(Math.abs(wrapped)).toBeLessThan(1.2); // 0.2·N(0,1): six standard deviations
    }
  });

  it("sinCurve pairs each value with the next; the test series is cos without noise", () => {
    const train = sinCurve({ rng: new Random(0) });
    expect(train.x.shape).toEqual([999, 1]);
    expect(train.y.shape).toEqual([999, 1]);
    const xs = train.x.toTypedArray();
    const ts = train.y.toTypedArray();
    expect(ts[0]).toBe(xs[1]);
    for (let i = 0; i < 999; i += 97) {
      expect(Math.abs((xs[i] as number) - Math.sin((2 * Math.PI * i) / 999))).toBeLessThanOrEqual(
        0.0500001,
      );
    }
    const test = sinCurve({ train: false, numPoints: 5 });
    expect(test.x.toArray()).toEqual([
      [1],
      [Math.fround(Math.cos(Math.PI / 2))],
      [-1],
      [Math.fround(Math.cos((3 * Math.PI) / 2))],
    ]);
    expect(sinCurve({ rng: new Random(0) }).x.toArray()).toEqual(train.x.toArray());
    expect(() => sinCurve()).toThrow(/needs an rng/);
    expect(() => spiral({} as never)).toThrow(
      "spiral: needs an rng for its noise and shuffle (a seeded Random)",
    );
    expect(() => spiral(undefined as never)).toThrow(/needs an rng/);
  });
});
