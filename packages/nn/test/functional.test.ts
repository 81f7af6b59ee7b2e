import { Variable } from "@zerograd/autograd";
import { array, IndexError, ones, Random, ShapeError } from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import {
  Dropout,
  dropout,
  Flatten,
  leakyRelu,
  linear,
  logSoftmax,
  NNError,
  Softmax,
  softmax,
} from "../src/index";

describe("softmax and logSoftmax", () => {
  it("stay finite and exact for logits of ±1000", () => {
    const x = array([[1000, -1000, 0]], { dtype: "float64" });
    expect(logSoftmax(x).data.toArray()).toEqual([[0, -2000, -1000]]);
    expect(softmax(x).data.toArray()).toEqual([[1, 0, 0]]);
    const ties = array([[1000, 1000]], { dtype: "float32" });
    expect(softmax(ties).data.toArray()).toEqual([[0.5, 0.5]]);
    expect(logSoftmax(ties).data.toArray()).toEqual([
      [-Math.fround(Math.LN2), -Math.fround(Math.LN2)],
    ]);
  });

  it("sum to one along the axis and keep the dtype", () => {
    const x = new Random(1).normal(0, 3, [2, 3, 4]);
    for (const axis of [0, 1, 2, -1]) {
      const y = softmax(x, axis);
      expect(y.dtype).toBe("float32");
      const sums = y.data.sum(axis).toTypedArray();
      for (const s of sums) expect(s).toBeCloseTo(1, 6);
    }
    expect(new Softmax(1).call(x).data.sum(1).toTypedArray()[0]).toBeCloseTo(1, 6);
  });

  it("name themselves when the axis is out of range", () => {
    expect(() => softmax(ones([2, 3]), 2)).toThrow(IndexError);
    expect(() => softmax(ones([2, 3]), 2)).toThrow(
      "softmax: axis 2 is out of bounds for an array of shape [2,3]",
    );
    expect(() => logSoftmax(ones([2, 3]), -3)).toThrow("logSoftmax: axis -3");
  });
});

describe("leakyRelu", () => {
  it("uses slope 0.01 by default and slope for x ≤ 0", () => {
    const x = array([-2, 0, 3], { dtype: "float64" });
    expect(leakyRelu(x).data.toArray()).toEqual([-0.02, 0, 3]);
    expect(leakyRelu(x, 0.5).data.toArray()).toEqual([-1, 0, 3]);
  });
});

describe("linear", () => {
  it("is x·Wᵀ + b for 1-D, 2-D and batched x", () => {
    const w = array([
      [1, 2, 3],
      [0, -1, 1],
    ]);
    const b = array([10, 20]);
    expect(linear(array([1, 1, 1]), w, b).data.toArray()).toEqual([16, 20]);
    expect(linear(array([[1, 0, 0]]), w).data.toArray()).toEqual([[1, 0]]);
    expect(linear(ones([2, 4, 3]), w, b).shape).toEqual([2, 4, 2]);
  });

  it("rejects shapes that do not fit, naming all of them", () => {
    const w = ones([2, 3]);
    expect(() => linear(ones([3]), ones([3]))).toThrow(
      "linear: weight must be 2-D [out, in] (x [3], weight [3])",
    );
    expect(() => linear(ones([4, 3]), w, ones([3]))).toThrow(
      "linear: bias must be 1-D with 2 elements (x [4,3], weight [2,3], bias [3])",
    );
    expect(() => linear(ones([]), w)).toThrow(ShapeError);
  });
});

describe("dropout", () => {
  const x = ones([200, 100]);

  it("is the identity in eval mode and for p = 0", () => {
    const v = new Variable(x);
    expect(dropout(v, 0.5, { training: false })).toBe(v);
    expect(dropout(v, 0)).toBe(v);
    const layer = new Dropout(0.3, { rng: new Random(1) }).eval();
    expect(layer.call(v)).toBe(v);
  });

  it.each([0.1, 0.5, 0.8])(
    "zeroes about p = %f of the elements and scales the rest by 1/(1 − p)",
    (p) => {
      const y = dropout(x, p, { rng: new Random(42) }).data.toTypedArray();
      let zeros = 0;
      for (const value of y) {
        if (value === 0) zeros++;
        else expect(value).toBe(Math.fround(1 / (1 - p)));
      }
      // 20,000 Bernoulli(p) draws: the fraction lies within 4 standard deviations
      const fraction = zeros / y.length;
      expect(Math.abs(fraction - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / y.length));
    },
  );

  it("is reproducible with a seeded rng, and its layer draws a new mask each call", () => {
    const a = dropout(x, 0.5, { rng: new Random(9) }).data;
    const b = dropout(x, 0.5, { rng: new Random(9) }).data;
    expect(a.toArray()).toEqual(b.toArray());
    const layer = new Dropout(0.5, { rng: new Random(9) });
    const first = layer.call(x).data;
    expect(first.toArray()).toEqual(a.toArray());
    expect(layer.call(x).data.toArray()).not.toEqual(first.toArray());
  });

  it("gives zeros for p = 1 and rejects p outside [0, 1]", () => {
    expect(dropout(array([1, 2]), 1).data.toArray()).toEqual([0, 0]);
    expect(() => dropout(x, 1.5)).toThrow(NNError);
    expect(() => dropout(x, Number.NaN)).toThrow(
      "dropout: the probability p must be in [0, 1], got NaN",
    );
    expect(() => new Dropout(-0.1)).toThrow(
      "Dropout: the probability p must be in [0, 1], got -0.1",
    );
  });

  it("keeps float64 inputs in float64", () => {
    expect(dropout(ones([3], "float64"), 0.5, { rng: new Random(1) }).dtype).toBe("float64");
  });
});

describe("Flatten", () => {
  it("merges startDim..endDim", () => {
    const x = ones([2, 3, 4, 5]);
    expect(new Flatten().call(x).shape).toEqual([2, 60]);
    expect(new Flatten(0).call(x).shape).toEqual([120]);
    expect(new Flatten(1, 2).call(x).shape).toEqual([2, 12, 5]);
    expect(new Flatten(-2).call(x).shape).toEqual([2, 3, 20]);
    expect(() => new Flatten(4).call(x)).toThrow("Flatten: axis 4 is out of bounds");
  });

  it("rejects a startDim after the endDim once they resolve against the input (PyTorch too)", () => {
    const x = ones([2, 3, 4]);
    const input = new Variable(ones([2, 3, 4]));
    for (const [start, end] of [
      [2, 1],
      [-1, 1],
      [2, -2],
    ]) {
      const run = () => new Flatten(start, end).call(input);
      expect(run).toThrow(ShapeError);
      expect(run).toThrow(`Flatten: startDim ${start} comes after endDim ${end} for input [2,3,4]`);
    }
    // -1 and 1 are the same axis of a 2-D input: nothing to merge, the input comes back.
    expect(new Flatten(-1, 1).call(ones([2, 3])).shape).toEqual([2, 3]);
    expect(new Flatten(1, 1).call(x).shape).toEqual([2, 3, 4]);
  });
});
