// gradCheck (float64 central differences) for every Function, on contiguous inputs and on
// the same values read through non-contiguous views, with broadcasting operands.

import type { NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import type { Variable } from "../src/index";
import * as ag from "../src/index";

const rng = new nd.Random(7);
/** Uniform values in [lo, hi), float64. */
const uniform = (shape: number[], lo = -1, hi = 1) =>
  rng.uniform(lo, hi, shape, { dtype: "float64" });
/** Values with |x| in [0.2, 1.2): clear of the kinks of relu, abs and sign at 0. */
const awayFromZero = (shape: number[]) =>
  nd.mul(uniform(shape, 0.2, 1.2), nd.sub(nd.mul(nd.greater(uniform(shape), 0), 2), 1));

/** The same values as x, read through a view whose last axis has stride 2. */
function noncontiguous(x: NDArray): NDArray {
  if (x.ndim === 0) return x;
  const interleaved = nd.stack([x, nd.fullLike(x, Number.NaN)], -1);
  const view = nd.squeeze(nd.slice(interleaved, [...x.shape.map(() => null), [0, 1]]), -1);
  if ((x.shape[x.ndim - 1] as number) > 1) expect(view.isContiguous).toBe(false);
  return view;
}

type Case = [name: string, f: (...xs: Variable[]) => Variable, inputs: NDArray[]];

const idx = nd.array([2, 0, 2, 1], "int32");
const cases: Case[] = [
  // arithmetic, with broadcasting operands
  ["add", (a, b) => ag.add(a, b), [uniform([2, 3]), uniform([3])]],
  ["add (both broadcast)", (a, b) => ag.add(a, b), [uniform([2, 1]), uniform([1, 3])]],
  ["sub", (a, b) => ag.sub(a, b), [uniform([3, 1]), uniform([2, 3, 4])]],
  ["mul", (a, b) => ag.mul(a, b), [uniform([2, 3]), uniform([2, 1])]],
  ["div", (a, b) => ag.div(a, b), [uniform([2, 3]), awayFromZero([3])]],
  ["neg", (a) => ag.neg(a), [uniform([2, 3])]],
  ["pow (number exponent)", (a) => ag.pow(a, 3), [uniform([2, 3])]],
  ["pow (fractional exponent)", (a) => ag.pow(a, 2.5), [uniform([4], 0.5, 2)]],
  ["pow (Variable exponent)", (a, c) => ag.pow(a, c), [uniform([2, 3], 0.5, 2), uniform([3])]],
  ["maximum", (a, b) => ag.maximum(a, b), [uniform([2, 3]), uniform([3])]],
  ["minimum", (a, b) => ag.minimum(a, b), [uniform([2, 1]), uniform([2, 3])]],
  ["scalar on the left", (a) => ag.div(2, ag.sub(3, a)), [uniform([3])]],
  // unary math
  ["exp", (a) => ag.exp(a), [uniform([2, 3])]],
  ["log", (a) => ag.log(a), [uniform([2, 3], 0.3, 2)]],
  ["sqrt", (a) => ag.sqrt(a), [uniform([2, 3], 0.3, 2)]],
  ["square", (a) => ag.square(a), [uniform([2, 3])]],
  ["tanh", (a) => ag.tanh(a), [uniform([2, 3], -2, 2)]],
  ["sin", (a) => ag.sin(a), [uniform([2, 3], -3, 3)]],
  ["cos", (a) => ag.cos(a), [uniform([2, 3], -3, 3)]],
  ["sigmoid", (a) => ag.sigmoid(a), [uniform([2, 3], -4, 4)]],
  ["relu", (a) => ag.relu(a), [awayFromZero([2, 3])]],
  ["abs", (a) => ag.abs(a), [awayFromZero([2, 3])]],
  ["sign (zero gradient)", (a) => ag.mul(ag.sign(a), a), [awayFromZero([2, 3])]],
  ["erf", (a) => ag.erf(a), [uniform([2, 3], -3, 3)]],
  [
    "erf (second derivative)",
    (a) => ag.sum(ag.grad(ag.sum(ag.erf(a)), [a], { createGraph: true })[0] as Variable),
    [uniform([4], -2, 2)],
  ],
  ["log1p", (a) => ag.log1p(a), [uniform([2, 3], -0.5, 2)]],
  // selection
  [
    "clip (numbers)",
    (a) => ag.clip(a, -0.5, 0.5),
    [nd.array([-0.9, -0.2, 0.3, 0.8, 0.1], "float64")],
  ],
  ["clip (one side)", (a) => ag.clip(a, null, 0.25), [nd.array([-0.9, 0.3, 0.8, 0.1], "float64")]],
  [
    "clip (Variable bounds)",
    (a, lo, hi) => ag.clip(a, lo, hi),
    [
      nd.array([[-0.9, 0.0, 0.9]], "float64"),
      nd.array([-0.5], "float64"),
      nd.array([[0.5], [-0.7]], "float64"),
    ],
  ],
  [
    "where",
    (a, b) => ag.where(nd.array([[true, false, true]]), a, b),
    [uniform([2, 3]), uniform([2, 1])],
  ],
  // reductions
  ["sum (all)", (a) => ag.sum(a), [uniform([2, 3])]],
  ["sum (axis 1)", (a) => ag.sum(a, 1), [uniform([2, 3, 4])]],
  ["sum (axes, keepdims)", (a) => ag.sum(a, [0, -1], true), [uniform([2, 3, 4])]],
  ["mean", (a) => ag.mean(a, 0), [uniform([3, 4])]],
  ["mean (all, keepdims)", (a) => ag.mean(a, undefined, true), [uniform([3, 4])]],
  ["max (axis)", (a) => ag.max(a, 1), [uniform([3, 4])]],
  ["max (all)", (a) => ag.max(a), [uniform([3, 4])]],
  ["min (axes, keepdims)", (a) => ag.min(a, [0, 2], true), [uniform([2, 3, 4])]],
  ["prod", (a) => ag.prod(a, 1), [uniform([3, 4], 0.5, 1.5)]],
  [
    "prod (with zeros)",
    (a) => ag.prod(a, 1),
    [
      nd.array(
        [
          [0, 2, 3],
          [1, 0, 0],
          [2, 3, 4],
        ],
        "float64",
      ),
    ],
  ],
  ["logsumexp", (a) => ag.logsumexp(a, -1), [uniform([3, 4], -3, 3)]],
  ["variance", (a) => ag.variance(a, 0), [uniform([5, 3])]],
  ["std", (a) => ag.std(a, [0, 1], true), [uniform([4, 3])]],
  // matmul, every NumPy case
  ["matmul 2-D", (a, b) => ag.matmul(a, b), [uniform([3, 4]), uniform([4, 2])]],
  ["matmul 1-D · 2-D", (a, b) => ag.matmul(a, b), [uniform([4]), uniform([4, 2])]],
  ["matmul 2-D · 1-D", (a, b) => ag.matmul(a, b), [uniform([3, 4]), uniform([4])]],
  ["matmul 1-D · 1-D", (a, b) => ag.matmul(a, b), [uniform([4]), uniform([4])]],
  ["matmul batched", (a, b) => ag.matmul(a, b), [uniform([2, 1, 3, 4]), uniform([5, 4, 2])]],
  ["matmul 1-D · batched", (a, b) => ag.matmul(a, b), [uniform([4]), uniform([2, 4, 3])]],
  ["matmul batched · 1-D", (a, b) => ag.matmul(a, b), [uniform([2, 3, 4]), uniform([4])]],
  // shape
  ["reshape", (a) => ag.reshape(a, [3, -1]), [uniform([2, 3, 2])]],
  ["transpose", (a) => ag.transpose(a), [uniform([2, 3, 4])]],
  ["transpose (axes)", (a) => ag.transpose(a, [1, -1, 0]), [uniform([2, 3, 4])]],
  ["broadcastTo", (a) => ag.broadcastTo(a, [2, 3, 4]), [uniform([3, 1])]],
  ["sumTo", (a) => ag.sumTo(a, [3, 1]), [uniform([2, 3, 4])]],
  ["squeeze", (a) => ag.squeeze(a, 1), [uniform([2, 1, 3])]],
  ["expandDims", (a) => ag.expandDims(a, [0, -1]), [uniform([2, 3])]],
  ["flatten", (a) => ag.flatten(a), [uniform([2, 3])]],
  ["astype", (a) => ag.astype(a, "float64"), [uniform([2, 3])]],
  // joining
  ["concat", (a, b) => ag.concat([a, b], 1), [uniform([2, 3]), uniform([2, 1])]],
  ["stack", (a, b) => ag.stack([a, b], -1), [uniform([2, 3]), uniform([2, 3])]],
  [
    "split (one part unused)",
    (a) => {
      const [first, , third] = ag.split(a, [1, 3], 1) as [Variable, Variable, Variable];
      return ag.add(ag.mul(ag.sum(first), 2), ag.sum(third));
    },
    [uniform([2, 5])],
  ],
  [
    "pad",
    (a) =>
      ag.pad(
        a,
        [
          [1, 0],
          [2, 1],
        ],
        3,
      ),
    [uniform([2, 3])],
  ],
  // indexing
  [
    "slice",
    (a) =>
      ag.slice(a, [
        [null, null, -1],
        [1, 4, 2],
      ]),
    [uniform([3, 5])],
  ],
  ["slice (negative bounds)", (a) => ag.slice(a, [null, [-2, null]]), [uniform([3, 5])]],
  ["take (repeated indices)", (a) => ag.take(a, idx, 1), [uniform([2, 3])]],
  [
    "take (flat)",
    (a) =>
      ag.take(
        a,
        nd.array(
          [
            [5, 0],
            [5, 5],
          ],
          "int32",
        ),
      ),
    [uniform([2, 3])],
  ],
  ["scatterAdd", (t, v) => ag.scatterAdd(t, idx, v, 0), [uniform([3, 2]), uniform([4, 2])]],
  // convolution support
  ["im2col", (a) => ag.im2col(a, 2, 1, 1), [uniform([2, 2, 3, 3])]],
  ["col2im", (c) => ag.col2im(c, [1, 2, 3, 3], [2, 2], 1, 0), [uniform([4, 8])]],
  ["im2col dilated", (a) => ag.im2col(a, 2, [1, 2], 1, false, [2, 1]), [uniform([1, 2, 4, 5])]],
  ["col2im dilated", (c) => ag.col2im(c, [1, 2, 5, 5], [2, 2], 1, 0, true, 2), [uniform([9, 8])]],
];

describe("gradCheck of every Function (float64)", () => {
  for (const [name, f, inputs] of cases) {
    it(name, () => {
      expect(ag.gradCheck(f, inputs)).toBe(true);
    });
    it(`${name}, non-contiguous inputs`, () => {
      expect(ag.gradCheck(f, inputs.map(noncontiguous))).toBe(true);
    });
  }
});

describe("gradCheck itself", () => {
  class WrongSquare extends ag.Function {
    forward(x: NDArray): NDArray {
      return nd.square(x);
    }

    backward(gy: Variable): Variable {
      return ag.mul(gy, ag.mul(this.inputs[0] as Variable, 3)); // should be 2x
    }
  }

  it("throws GradCheckError naming the input and the worst element", () => {
    const x = nd.array([0.1, -2, 0.5], "float64");
    const run = () => ag.gradCheck((a, b) => ag.add(a, new WrongSquare().apply(b)), [x, x]);
    expect(run).toThrow(ag.GradCheckError);
    try {
      run();
    } catch (error) {
      const e = error as InstanceType<typeof ag.GradCheckError>;
      expect(e.input).toBe(1);
      expect(e.index).toEqual([1]); // |x| is largest there
      expect(e.analytical / e.numerical).toBeCloseTo(1.5, 6);
      expect(e.message).toMatch(/input 1 \[3\], element \[1\]/);
    }
  });

  it("leaves its inputs untouched, float32 ones included", () => {
    const x = nd.array(
      [
        [1, 2],
        [3, 4],
      ],
      "float32",
    );
    const before = x.toArray();
    expect(ag.gradCheck((a) => ag.square(a), [x])).toBe(true);
    expect(x.toArray()).toEqual(before);
  });

  it("checks second derivatives: f may differentiate with createGraph itself", () => {
    const firstDerivative = (x: Variable) =>
      ag.grad(ag.sum(ag.mul(ag.tanh(x), x)), [x], { createGraph: true })[0] as Variable;
    expect(ag.gradCheck(firstDerivative, [uniform([3], -1, 1)])).toBe(true);
  });

  it("numericalGrad matches a closed form", () => {
    const x = nd.array([0.5, 1, 2], "float64");
    const g = ag.numericalGrad((v) => ag.exp(v), x);
    expect(nd.allclose(g, nd.exp(x), { rtol: 1e-8 })).toBe(true);
  });
});
