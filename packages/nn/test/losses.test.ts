import { grad, noGrad, Variable } from "@zerograd/autograd";
import { array, DTypeError, IndexError, ones, Random, ShapeError, zeros } from "@zerograd/ndarray";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  accuracy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  l1Loss,
  logSoftmax,
  mseLoss,
  NNError,
  nllLoss,
  type Reduction,
} from "../src/index";

const int32 = (values: number[]) => array(values, { dtype: "int32" });

describe("crossEntropy", () => {
  it("equals nllLoss(logSoftmax(x)) in value and gradient, for any logits and labels", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom<Reduction>("mean", "sum", "none"),
        (n, classes, seed, reduction) => {
          const rng = new Random(seed);
          const x = new Variable(rng.normal(0, 10, [n, classes], { dtype: "float64" }));
          const t = rng.integers(0, classes, [n]);
          const fused = crossEntropy(x, t, { reduction });
          const composed = nllLoss(logSoftmax(x, 1), t, { reduction });
          const [gFused] = grad(fused, x);
          const [gComposed] = grad(composed, x);
          const close = (a: Float64Array | ArrayLike<number>, b: ArrayLike<number>) =>
            Array.from(a).every(
              (v, i) => Math.abs(v - (b[i] as number)) < 1e-12 * (1 + Math.abs(v)),
            );
          return (
            close(fused.data.toTypedArray(), composed.data.toTypedArray()) &&
            close(
              (gFused as Variable).data.toTypedArray(),
              (gComposed as Variable).data.toTypedArray(),
            )
          );
        },
      ),
    );
  });

  it("gives the same first-order gradient with and without createGraph", () => {
    const x = new Variable(new Random(3).normal(0, 2, [4, 3], { dtype: "float64" }));
    const t = int32([0, 2, 1, 2]);
    for (const reduction of ["mean", "sum", "none"] as const) {
      const [fast] = grad(crossEntropy(x, t, { reduction }), x);
      const [recorded] = grad(crossEntropy(x, t, { reduction }), x, { createGraph: true });
      const a = (fast as Variable).data.toTypedArray();
      const b = (recorded as Variable).data.toTypedArray();
      a.forEach((v, i) => {
        expect(v).toBeCloseTo(b[i] as number, 14);
      });
    }
  });

  it("keeps float32 logits in float32 and accepts labels as a JS list", () => {
    const x = new Variable(array([[1, 2, 3]]));
    const loss = crossEntropy(x, [2]);
    expect(loss.dtype).toBe("float32");
    loss.backward();
    expect(x.grad?.dtype).toBe("float32");
    expect(loss.shape).toEqual([]);
    expect(crossEntropy(x, [2], { reduction: "none" }).shape).toEqual([1]);
  });

  it("computes nothing under noGrad and records nothing", () => {
    const x = new Variable(ones([2, 3]));
    const loss = noGrad(() => crossEntropy(x, [0, 1]));
    expect(loss.creator).toBeNull();
    expect(loss.item()).toBeCloseTo(Math.log(3), 6);
  });

  it("rejects labels out of range, naming the op, the label and C", () => {
    const x = ones([3, 5]);
    expect(() => crossEntropy(x, int32([0, 5, 1]))).toThrow(IndexError);
    expect(() => crossEntropy(x, int32([0, 5, 1]))).toThrow(
      "crossEntropy: label 5 at position 1 is outside [0, 5) (scores [3,5])",
    );
    expect(() => crossEntropy(x, [0, 1, -1])).toThrow(
      "crossEntropy: label -1 at position 2 is outside [0, 5)",
    );
    expect(() => nllLoss(x, [7, 0, 0])).toThrow("nllLoss: label 7 at position 0");
  });

  it("rejects bad label dtypes and shapes, and bad reductions", () => {
    const x = ones([3, 5]);
    expect(() => crossEntropy(x, array([0, 1, 2]))).toThrow(DTypeError);
    expect(() => crossEntropy(x, array([0, 1, 2]))).toThrow(
      "crossEntropy: labels must be int32 class indices, got float32",
    );
    expect(() => crossEntropy(x, [0, 1.5, 2])).toThrow(
      "crossEntropy: labels must be integers, got 1.5 at position 1",
    );
    expect(() => crossEntropy(x, int32([0, 1]))).toThrow(ShapeError);
    expect(() => crossEntropy(x, int32([0, 1]))).toThrow(
      "crossEntropy: labels must have shape [3] for scores [3,5], got [2]",
    );
    expect(() => crossEntropy(ones([5]), int32([0]))).toThrow(
      "crossEntropy: expected scores of shape [N, C], got [5]",
    );
    expect(() => crossEntropy(x, [0, 1, 2], { reduction: "avg" as Reduction })).toThrow(NNError);
  });

  it("nllLoss rejects non-float scores as crossEntropy does (PyTorch too)", () => {
    const labels = int32([0, 1]);
    for (const dtype of ["int32", "bool"] as const) {
      const scores = array(
        [
          [1, 0],
          [0, 1],
        ],
        { dtype },
      );
      expect(() => crossEntropy(scores, labels)).toThrow(DTypeError);
      expect(() => nllLoss(scores, labels)).toThrow(DTypeError);
      expect(() => nllLoss(scores, labels)).toThrow(
        `nllLoss: log-probabilities must be float32 or float64, got ${dtype}`,
      );
    }
  });
});

describe("regression and binary losses", () => {
  it("mseLoss and l1Loss follow their definitions", () => {
    const x = array([1, 2, 3], { dtype: "float64" });
    const t = array([1, 0, 6], { dtype: "float64" });
    expect(mseLoss(x, t).item()).toBeCloseTo(13 / 3, 14);
    expect(mseLoss(x, t, { reduction: "sum" }).item()).toBe(13);
    expect(mseLoss(x, t, { reduction: "none" }).data.toArray()).toEqual([0, 4, 9]);
    expect(l1Loss(x, t).item()).toBeCloseTo(5 / 3, 14);
    expect(l1Loss(x, t, { reduction: "none" }).data.toArray()).toEqual([0, 2, 3]);
  });

  it("binaryCrossEntropyWithLogits is exact for huge logits", () => {
    const x = array([1e4, -1e4, 1e4, -1e4, 0], { dtype: "float64" });
    const t = array([1, 0, 0, 1, 1], { dtype: "float64" });
    expect(binaryCrossEntropyWithLogits(x, t, { reduction: "none" }).data.toArray()).toEqual([
      0,
      0,
      1e4,
      1e4,
      Math.LN2,
    ]);
  });

  it("reject targets of another shape instead of broadcasting", () => {
    for (const loss of [mseLoss, l1Loss, binaryCrossEntropyWithLogits]) {
      expect(() => loss(ones([4, 1]), ones([4]))).toThrow(ShapeError);
    }
    expect(() => mseLoss(ones([4, 1]), ones([4]))).toThrow(
      "mseLoss: input [4,1] and target [4] must have the same shape",
    );
  });

  it("reject integer input (PyTorch raises too); integer targets are fine", () => {
    const ints = array([1, 2], "int32");
    for (const loss of [mseLoss, l1Loss, binaryCrossEntropyWithLogits]) {
      expect(() => loss(ints, ints)).toThrow(DTypeError);
    }
    expect(() => l1Loss(ints, ints)).toThrow("l1Loss: input must be float32 or float64, got int32");
    expect(mseLoss(array([1, 2], "float64"), ints).item()).toBe(0);
  });
});

describe("accuracy", () => {
  it("is the fraction of rows whose argmax is the label", () => {
    const scores = array([
      [0.1, 0.9, 0],
      [0.8, 0.1, 0.1],
      [0.3, 0.3, 0.4],
      [0.5, 0.5, 0], // tie: the first index wins
    ]);
    expect(accuracy(scores, [1, 0, 2, 0])).toBe(1);
    expect(accuracy(new Variable(scores), int32([1, 1, 2, 1]))).toBe(0.5);
    expect(accuracy(scores, [2, 2, 0, 1])).toBe(0);
  });

  it("rejects bad labels and empty batches", () => {
    expect(() => accuracy(ones([2, 3]), [0, 3])).toThrow("accuracy: label 3 at position 1");
    expect(() => accuracy(zeros([0, 3]), int32([]))).toThrow("accuracy: no samples");
  });
});
