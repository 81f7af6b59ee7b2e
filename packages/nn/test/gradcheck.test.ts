// Every loss, functional op and layer against central differences, in float64.
import { enableGrad, grad, gradCheck, type Variable } from "@zerograd/autograd";
import { array, type NDArray, Random } from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import {
  BatchNorm1d,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  Dropout,
  dropout,
  Flatten,
  LeakyReLU,
  Linear,
  l1Loss,
  leakyRelu,
  linear,
  logSoftmax,
  MLP,
  mseLoss,
  nllLoss,
  type Reduction,
  ReLU,
  relu,
  Sequential,
  Sigmoid,
  Softmax,
  sigmoid,
  softmax,
  Tanh,
} from "../src/index";
import { checkParameterGrads } from "./helpers";

const rng = new Random(2024);
const normal = (shape: number[], scale = 1) => rng.normal(0, scale, shape, { dtype: "float64" });
/** Values at least 0.1 away from 0, so kinks at 0 stay outside the finite differences. */
const awayFromZero = (shape: number[]) => {
  const x = normal(shape);
  return x.add(x.sign().mul(0.1));
};
const labels = (values: number[]) => array(values, { dtype: "int32" });
const reductions: Reduction[] = ["mean", "sum", "none"];

describe("losses pass gradCheck", () => {
  it.each(reductions)(
    "mseLoss, l1Loss, binaryCrossEntropyWithLogits (%s), input and target",
    (reduction) => {
      const x = normal([3, 4]);
      const t = x.add(awayFromZero([3, 4])); // l1's kink at x = t stays away
      expect(gradCheck((a, b) => mseLoss(a, b, { reduction }), [x, t])).toBe(true);
      expect(gradCheck((a, b) => l1Loss(a, b, { reduction }), [x, t])).toBe(true);
      const logits = normal([3, 4], 3);
      const p = rng.uniform(0, 1, [3, 4], { dtype: "float64" });
      expect(
        gradCheck((a, b) => binaryCrossEntropyWithLogits(a, b, { reduction }), [logits, p]),
      ).toBe(true);
    },
  );

  it.each(reductions)("crossEntropy and nllLoss (%s)", (reduction) => {
    const x = normal([5, 4], 2);
    const t = labels([0, 3, 3, 1, 2]);
    expect(gradCheck((a) => crossEntropy(a, t, { reduction }), [x])).toBe(true);
    expect(gradCheck((a) => nllLoss(a, t, { reduction }), [x])).toBe(true);
    expect(gradCheck((a) => nllLoss(logSoftmax(a, 1), t, { reduction }), [x])).toBe(true);
  });

  it("crossEntropy on a strided view of the logits", () => {
    const x = normal([4, 5], 2).T; // [5, 4], not contiguous
    const t = labels([3, 0, 1, 1, 2]);
    for (const reduction of reductions) {
      expect(gradCheck((a) => crossEntropy(a, t, { reduction }), [x])).toBe(true);
    }
  });

  it("crossEntropy's gradient is itself differentiable (createGraph)", () => {
    const t = labels([2, 0, 1]);
    const x = normal([3, 4]);
    // gradCheck evaluates f under noGrad for the central differences; grad() needs a graph.
    const gradient = (a: Variable) =>
      enableGrad(() => grad(crossEntropy(a, t), a, { createGraph: true })[0] as Variable);
    expect(gradCheck(gradient, [x])).toBe(true);
    const perRow = (a: Variable) =>
      enableGrad(
        () =>
          grad(crossEntropy(a, t, { reduction: "none" }), a, { createGraph: true })[0] as Variable,
      );
    expect(gradCheck(perRow, [x])).toBe(true);
  });
});

describe("functional ops pass gradCheck", () => {
  it("activations", () => {
    const x = awayFromZero([3, 4]);
    expect(gradCheck((a) => relu(a), [x])).toBe(true);
    expect(gradCheck((a) => leakyRelu(a), [x])).toBe(true);
    expect(gradCheck((a) => leakyRelu(a, 0.3), [x])).toBe(true);
    expect(gradCheck((a) => sigmoid(a), [normal([3, 4], 3)])).toBe(true);
  });

  it.each([-1, 0, 1])("softmax and logSoftmax along axis %d of a [2,3,4] array", (axis) => {
    const x = normal([2, 3, 4], 2);
    expect(gradCheck((a) => softmax(a, axis), [x])).toBe(true);
    expect(gradCheck((a) => logSoftmax(a, axis), [x])).toBe(true);
  });

  it("linear with and without bias, for 1-D, 2-D and 3-D x", () => {
    const w = normal([2, 3]);
    const b = normal([2]);
    for (const shape of [[3], [4, 3], [2, 4, 3]]) {
      expect(gradCheck((x, weight, bias) => linear(x, weight, bias), [normal(shape), w, b])).toBe(
        true,
      );
      expect(gradCheck((x, weight) => linear(x, weight), [normal(shape), w])).toBe(true);
    }
  });

  it("linear on strided views (a transposed x and weight)", () => {
    const x = normal([3, 4]).T; // [4, 3], not contiguous
    const w = normal([3, 2]).T; // [2, 3]
    expect(gradCheck((a, weight, bias) => linear(a, weight, bias), [x, w, normal([2])])).toBe(true);
  });

  it("dropout with a fixed mask", () => {
    const x = normal([4, 5]);
    expect(gradCheck((a) => dropout(a, 0.4, { rng: new Random(3) }), [x])).toBe(true);
  });
});

/** gradCheck of a layer with respect to its input, and of its parameters. */
function checkLayer(
  layer: { call(x: Variable): Variable } & Parameters<typeof checkParameterGrads>[0],
  x: NDArray,
) {
  expect(gradCheck((a) => layer.call(a), [x])).toBe(true);
  expect(checkParameterGrads(layer, x)).toBeLessThan(1e-6);
}

describe("layers pass gradCheck (input and parameters)", () => {
  const dtype = "float64" as const;

  it("Linear, Sequential, MLP", () => {
    checkLayer(new Linear(3, 2, { dtype, rng: new Random(1) }), normal([4, 3]));
    checkLayer(new Linear(3, 2, { dtype, bias: false, rng: new Random(1) }), normal([4, 3]));
    const rng1 = new Random(2);
    checkLayer(
      new Sequential(
        new Linear(3, 5, { dtype, rng: rng1 }),
        new Tanh(),
        new Linear(5, 2, { dtype, rng: rng1 }),
      ),
      normal([4, 3]),
    );
    checkLayer(
      new MLP([3, 6, 4, 2], { dtype, rng: new Random(3), activation: (v) => sigmoid(v) }),
      normal([5, 3]),
    );
  });

  it("activation layers, Softmax, Flatten, Dropout", () => {
    const x = awayFromZero([2, 3, 4]);
    for (const layer of [
      new ReLU(),
      new Sigmoid(),
      new Tanh(),
      new LeakyReLU(0.2),
      new Softmax(1),
      new Flatten(),
    ]) {
      expect(gradCheck((a) => layer.call(a), [x])).toBe(true);
    }
    expect(gradCheck((a) => new Dropout(0.5).eval().call(a), [x])).toBe(true);
  });

  it.each([[[6, 3]], [[4, 3, 5]]])("BatchNorm1d on %j, train and eval", (shape) => {
    const bn = new BatchNorm1d(3, { dtype });
    bn.loadStateDict({
      weight: array([1.5, -0.5, 2], { dtype }),
      bias: array([0.1, 0.2, -0.3], { dtype }),
      running_mean: array([0.3, -1, 0], { dtype }),
      running_var: array([2, 0.5, 1], { dtype }),
      num_batches_tracked: array(0, { dtype: "int32" }),
    });
    checkLayer(bn, normal(shape, 2));
    checkLayer(bn.eval(), normal(shape, 2));
  });
});
