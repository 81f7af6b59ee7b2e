// Convolution, pooling and BatchNorm2d: values and gradients against PyTorch 1.13
// (fixtures/conv.json, float64, from generate_conv.py), gradCheck in float64 on contiguous and
// strided inputs, layers, and the errors bad input raises.
import { enableGrad, grad, gradCheck, mul, sum, Variable } from "@zerograd/autograd";
import { array, type NDArray, Random, ShapeError, zeros } from "@zerograd/ndarray";
import { afterAll, describe, expect, it } from "vitest";
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  adaptiveAvgPool2d,
  avgPool2d,
  BatchNorm2d,
  batchNorm,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  conv1d,
  conv2d,
  convTranspose2d,
  Identity,
  MaxPool2d,
  maxPool2d,
  NNError,
  Sequential,
} from "../src/index";
import { checkParameterGrads, ErrorLog, fixture, maxAbsError } from "./helpers";

interface Tensor {
  shape: number[];
  values: number[];
}

interface OpCase {
  name: string;
  fn: string;
  args: Record<string, unknown>;
  inputs: (Tensor | null)[];
  output: Tensor;
  weight: Tensor;
  grads: (Tensor | null)[];
}

interface BatchNormStep {
  input: Tensor;
  output: Tensor;
  weight: Tensor;
  gradInput: Tensor;
  gradWeight?: number[];
  gradBias?: number[];
  runningMean?: number[];
  runningVar?: number[];
  numBatchesTracked?: number;
}

interface Fixture {
  torchVersion: string;
  conv2d: OpCase[];
  conv1d: OpCase[];
  convTranspose2d: OpCase[];
  pooling: OpCase[];
  batchNorm2d: {
    name: string;
    options: { momentum?: number; eps?: number };
    params: { weight: number[]; bias: number[] };
    train: BatchNormStep[];
    eval: BatchNormStep;
  }[];
}

const data = fixture<Fixture>("conv.json");
const log = new ErrorLog();
afterAll(() => console.log(`worst errors vs PyTorch ${data.torchVersion}:\n${log}`));

const f64 = (t: Tensor): NDArray => array(Float64Array.from(t.values), { shape: t.shape });
/** The error of `actual` against a fixture tensor, after checking the shapes agree. */
function error(actual: Variable | NDArray, expected: Tensor): number {
  const a = actual instanceof Variable ? actual.data : actual;
  expect(a.shape).toEqual(expected.shape);
  return maxAbsError(a, f64(expected).toArray() as number[]);
}

type Op = (inputs: Variable[], args: Record<string, unknown>) => Variable;
const OPS: Record<string, Op> = {
  conv2d: ([x, w, b], args) => conv2d(x as Variable, w as Variable, b, args),
  conv1d: ([x, w, b], args) => conv1d(x as Variable, w as Variable, b, args),
  conv_transpose2d: ([x, w, b], args) => convTranspose2d(x as Variable, w as Variable, b, args),
  max_pool2d: ([x], { kernelSize, ...rest }) =>
    maxPool2d(x as Variable, kernelSize as number, rest),
  avg_pool2d: ([x], { kernelSize, ...rest }) =>
    avgPool2d(x as Variable, kernelSize as number, rest),
  adaptive_avg_pool2d: ([x], { outputSize }) =>
    adaptiveAvgPool2d(x as Variable, outputSize as [number, number]),
};

function runCase(c: OpCase): void {
  const op = OPS[c.fn] as Op;
  const inputs = c.inputs.map((t) => (t === null ? null : new Variable(f64(t))));
  const present = inputs.filter((v): v is Variable => v !== null);
  const before = present.map((v) => [...v.data.data]);
  const args = c.args;
  const y = op(inputs as Variable[], args);
  expect(log.note(`${c.fn} output`, error(y, c.output))).toBeLessThan(1e-8);
  sum(mul(y, f64(c.weight))).backward();
  c.grads.forEach((g, i) => {
    if (g === null) return;
    const v = inputs[i] as Variable;
    expect(log.note(`${c.fn} grads`, error(v.grad as Variable, g))).toBeLessThan(1e-8);
  });
  present.forEach((v, i) => {
    expect([...v.data.data]).toEqual(before[i]);
  });
}

describe("functional ops match PyTorch", () => {
  for (const group of ["conv2d", "conv1d", "convTranspose2d", "pooling"] as const) {
    it.each(data[group].map((c) => [`${c.fn}: ${c.name}`, c] as const))("%s", (_, c) => runCase(c));
  }

  it("maxPool2d sends a tied window's gradient to its first maximum only", () => {
    const x = new Variable(
      array(
        [
          [
            [
              [1, 1, 0, 2],
              [1, 0, 2, 2],
            ],
          ],
        ],
        { dtype: "float64" },
      ),
    );
    const y = maxPool2d(x, 2);
    expect(y.toArray()).toEqual([[[[1, 2]]]]);
    y.backward();
    expect((x.grad as Variable).toArray()).toEqual([
      [
        [
          [1, 0, 0, 1],
          [0, 0, 0, 0],
        ],
      ],
    ]);
  });
});

describe("BatchNorm2d matches PyTorch", () => {
  it.each(data.batchNorm2d.map((c) => [c.name, c] as const))(
    "%s: three training batches (running statistics), then eval",
    (_, c) => {
      const bn = new BatchNorm2d(3, { ...c.options, dtype: "float64" });
      bn.loadStateDict(
        {
          weight: array(c.params.weight, { dtype: "float64" }),
          bias: array(c.params.bias, { dtype: "float64" }),
        },
        { strict: false },
      );
      for (const step of c.train) {
        const x = new Variable(f64(step.input));
        bn.zeroGrad();
        const out = bn.call(x);
        expect(log.note("BatchNorm2d output", error(out, step.output))).toBeLessThan(1e-8);
        sum(mul(out, f64(step.weight))).backward();
        expect(
          log.note("BatchNorm2d grads", error(x.grad as Variable, step.gradInput)),
        ).toBeLessThan(1e-8);
        const vector = (values: number[] | undefined): Tensor => ({
          shape: [3],
          values: values ?? [],
        });
        expect(error(bn.weight?.grad as Variable, vector(step.gradWeight))).toBeLessThan(1e-8);
        expect(error(bn.bias?.grad as Variable, vector(step.gradBias))).toBeLessThan(1e-8);
        expect(
          log.note(
            "BatchNorm2d running stats",
            error(bn.runningMean.data, vector(step.runningMean)),
          ),
        ).toBeLessThan(1e-8);
        expect(
          log.note("BatchNorm2d running stats", error(bn.runningVar.data, vector(step.runningVar))),
        ).toBeLessThan(1e-8);
        expect(bn.numBatchesTracked.data.item()).toBe(step.numBatchesTracked);
      }
      bn.eval();
      const x = new Variable(f64(c.eval.input));
      const out = bn.call(x);
      expect(log.note("BatchNorm2d output", error(out, c.eval.output))).toBeLessThan(1e-8);
      sum(mul(out, f64(c.eval.weight))).backward();
      expect(error(x.grad as Variable, c.eval.gradInput)).toBeLessThan(1e-8);
    },
  );

  it("the functional batchNorm updates the running statistics it is given, in place", () => {
    const x = array(
      [
        [[[1, 3]], [[2, 6]]],
        [[[5, 7]], [[0, 4]]],
      ],
      { dtype: "float64" },
    );
    const runningMean = zeros([2], "float64");
    const runningVar = array([1, 1], { dtype: "float64" });
    batchNorm(x, runningMean, runningVar, null, null, { training: true, momentum: 0.5 });
    // Channel 0 holds 1, 3, 5, 7 (mean 4, unbiased variance 20/3); channel 1 holds 2, 6, 0, 4.
    expect([...runningMean.data]).toEqual([2, 1.5]);
    expect(runningVar.data[0]).toBeCloseTo(0.5 + 0.5 * (20 / 3), 12);
    expect(() => batchNorm(x, null, null)).toThrow(NNError);
    expect(() => batchNorm(x, zeros([3]), zeros([3]))).toThrow(
      "batchNorm: runningMean [3] must be [2] for input [2,2,1,2]",
    );
  });
});

const rng = new Random(7);
const normal = (shape: number[]) => rng.normal(0, 1, shape, { dtype: "float64" });
/** The same values through non-contiguous strides: the last two axes stored swapped. */
const strided = (x: NDArray): NDArray => {
  const axes = x.shape.map((_, i) => i);
  const n = axes.length;
  [axes[n - 1], axes[n - 2]] = [axes[n - 2] as number, axes[n - 1] as number];
  const view = x.transpose(axes).copy().transpose(axes);
  expect(view.isContiguous).toBe(false);
  return view;
};

describe("gradCheck in float64, contiguous and strided inputs", () => {
  const cases: [string, (...xs: Variable[]) => Variable, NDArray[]][] = [
    [
      "conv2d",
      (x, w, b) => conv2d(x, w, b, { stride: 2, padding: 1 }),
      [normal([2, 3, 5, 5]), normal([2, 3, 3, 3]), normal([2])],
    ],
    [
      "conv2d dilated, groups",
      (x, w) => conv2d(x, w, null, { dilation: 2, groups: 2, padding: [1, 2] }),
      [normal([1, 4, 5, 6]), normal([4, 2, 2, 2])],
    ],
    [
      "conv2d same (uneven)",
      (x, w) => conv2d(x, w, null, { padding: "same" }),
      [normal([1, 2, 4, 4]), normal([2, 2, 2, 3])],
    ],
    [
      "conv1d",
      (x, w, b) => conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2 }),
      [normal([2, 2, 8]), normal([3, 2, 3]), normal([3])],
    ],
    [
      "convTranspose2d",
      (x, w, b) => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
      [normal([1, 2, 3, 3]), normal([2, 3, 3, 3]), normal([3])],
    ],
    [
      "convTranspose2d groups, dilation",
      (x, w) => convTranspose2d(x, w, null, { groups: 2, dilation: 2, outputPadding: 1 }),
      [normal([1, 4, 3, 3]), normal([4, 1, 2, 2])],
    ],
    ["maxPool2d", (x) => maxPool2d(x, 3, { stride: 2, padding: 1 }), [normal([2, 2, 5, 5])]],
    [
      "maxPool2d dilated",
      (x) => maxPool2d(x, 2, { stride: 1, dilation: 2 }),
      [normal([1, 2, 5, 5])],
    ],
    [
      "avgPool2d",
      (x) => avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }),
      [normal([1, 2, 5, 6])],
    ],
    ["adaptiveAvgPool2d uneven", (x) => adaptiveAvgPool2d(x, [3, 2]), [normal([1, 2, 5, 5])]],
    [
      "batchNorm training",
      (x, w, b) => batchNorm(x, null, null, w, b, { training: true }),
      [normal([3, 2, 2, 3]), normal([2]), normal([2])],
    ],
  ];
  for (const [name, f, inputs] of cases) {
    it(name, () => {
      expect(gradCheck(f, inputs)).toBe(true);
      expect(
        gradCheck(
          f,
          inputs.map((x) => (x.ndim >= 2 ? strided(x) : x)),
        ),
      ).toBe(true);
    });
  }

  it("conv2d's and maxPool2d's gradients are differentiable again (createGraph)", () => {
    const w = normal([2, 1, 2, 2]);
    // gradCheck evaluates f under noGrad for the central differences; grad() needs a graph.
    const convGradient = (x: Variable) =>
      enableGrad(() => {
        const y = conv2d(x, w);
        return grad(sum(mul(y, y)), x, { createGraph: true })[0] as Variable;
      });
    expect(gradCheck(convGradient, [normal([1, 1, 3, 3])])).toBe(true);
    const poolGradient = (x: Variable) =>
      enableGrad(() => {
        const y = maxPool2d(x, 2, { stride: 1 });
        return grad(sum(mul(y, y)), x, { createGraph: true })[0] as Variable;
      });
    expect(gradCheck(poolGradient, [normal([1, 1, 3, 3])])).toBe(true);
  });

  it("batchNorm's training gradient is differentiable again (createGraph), per channel", () => {
    const weights = normal([2, 3, 2, 2]);
    const bnGradient = (x: Variable, createGraph = true) =>
      enableGrad(() => {
        const y = batchNorm(x, null, null, null, null, { training: true });
        // sum(x̂) and sum(x̂²) are constant in x: a weighted cube makes every term of the
        // gradient matter.
        return grad(sum(mul(mul(mul(y, y), y), weights)), x, { createGraph })[0] as Variable;
      });
    const x = new Variable(normal([2, 3, 2, 2]));
    // The recorded gradient (createGraph) and the fused one on raw arrays agree ...
    expect(maxAbsError(bnGradient(x), bnGradient(x, false).data.toArray())).toBeLessThan(1e-12);
    // ... and the recorded one differentiates correctly.
    expect(gradCheck((a) => bnGradient(a), [x.data])).toBe(true);
  });

  it("batchNorm with weight and bias: fused gradients equal the recorded ones, which differentiate again", () => {
    const weights = normal([2, 3, 2, 2]);
    const gradients = (x: Variable, w: Variable, b: Variable, createGraph = true) =>
      enableGrad(() => {
        const y = batchNorm(x, null, null, w, b, { training: true });
        return grad(sum(mul(mul(mul(y, y), y), weights)), [x, w, b], { createGraph }) as Variable[];
      });
    const x = new Variable(normal([2, 3, 2, 2]));
    const w = new Variable(array([1.5, -0.5, 2], { dtype: "float64" }));
    const b = new Variable(array([0.1, 0.2, -0.3], { dtype: "float64" }));
    const recorded = gradients(x, w, b);
    const fused = gradients(x, w, b, false);
    recorded.forEach((g, i) => {
      expect(g.shape).toEqual([x, w, b][i]?.shape);
      expect(maxAbsError(g, (fused[i] as Variable).data.toArray())).toBeLessThan(1e-12);
    });
    // Each recorded gradient, as a function of x, w and b, against central differences.
    for (let i = 0; i < 3; i++) {
      const f = (xv: Variable, wv: Variable, bv: Variable) => gradients(xv, wv, bv)[i] as Variable;
      expect(gradCheck(f, [x.data, w.data, b.data])).toBe(true);
    }
    // Without a bias, and with a weight that needs no gradient.
    const noBias = enableGrad(() => {
      const y = batchNorm(x, null, null, w.data, null, { training: true });
      return grad(sum(mul(y, weights)), x)[0] as Variable;
    });
    const composed = enableGrad(() => {
      const y = mul(
        batchNorm(x, null, null, null, null, { training: true }),
        w.data.reshape([1, 3, 1, 1]),
      );
      return grad(sum(mul(y, weights)), x)[0] as Variable;
    });
    expect(maxAbsError(noBias, composed.data.toArray())).toBeLessThan(1e-12);
  });

  it("batchNorm promotes a float32 input with a float64 weight and bias, as their product does", () => {
    const x = new Variable(normal([4, 2, 3]).astype("float32"));
    const w = new Variable(array([2, -1], { dtype: "float64" }));
    const b = new Variable(array([0.5, 0.25], { dtype: "float64" }));
    const y = batchNorm(x, null, null, w, b, { training: true });
    expect(y.dtype).toBe("float64");
    const [gw, gb] = grad(sum(mul(y, y)), [w, b]) as Variable[];
    expect(gw?.dtype).toBe("float64");
    const twice = (sum(y, [0, 2]).data.toArray() as number[]).map((v) => 2 * v);
    expect(gb?.data.toArray()).toEqual(twice);
  });

  it("the layers' parameter gradients match central differences", () => {
    const dtype = "float64";
    const layerRng = new Random(3);
    expect(
      checkParameterGrads(
        new Conv2d(2, 3, 3, { padding: 1, dtype, rng: layerRng }),
        normal([2, 2, 4, 4]),
      ),
    ).toBeLessThan(1e-6);
    expect(
      checkParameterGrads(
        new Conv1d(2, 2, 2, { groups: 2, dtype, rng: layerRng }),
        normal([1, 2, 5]),
      ),
    ).toBeLessThan(1e-6);
    expect(
      checkParameterGrads(
        new ConvTranspose2d(2, 2, 2, { stride: 2, dtype, rng: layerRng }),
        normal([1, 2, 2, 3]),
      ),
    ).toBeLessThan(1e-6);
    expect(checkParameterGrads(new BatchNorm2d(2, { dtype }), normal([2, 2, 3, 3]))).toBeLessThan(
      1e-6,
    );
  });
});

describe("layers", () => {
  it("Conv2d has PyTorch's fields, keys, shapes and initialisation bounds", () => {
    const conv = new Conv2d(4, 6, [3, 2], { groups: 2, rng: new Random(0) });
    expect(conv.weight.shape).toEqual([6, 2, 3, 2]);
    expect(conv.bias?.shape).toEqual([6]);
    expect(Object.keys(conv.stateDict())).toEqual(["weight", "bias"]);
    const bound = 1 / Math.sqrt(2 * 3 * 2);
    for (const p of [conv.weight, conv.bias as Variable]) {
      const values = [...p.data.data];
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(bound * 0.6);
    }
    expect(conv.call(zeros([2, 4, 5, 5])).shape).toEqual([2, 6, 3, 4]);
    expect(new Conv2d(1, 2, 3, { bias: false }).bias).toBeNull();
    expect(new Conv1d(3, 4, 5).weight.shape).toEqual([4, 3, 5]);
    const transposed = new ConvTranspose2d(4, 6, 3, { groups: 2, stride: 2 });
    expect(transposed.weight.shape).toEqual([4, 3, 3, 3]);
    expect(transposed.call(zeros([1, 4, 3, 3])).shape).toEqual([1, 6, 7, 7]);
  });

  it("the same seed gives the same weights, drawn weight first", () => {
    const a = new Conv2d(2, 3, 3, { rng: new Random(5) });
    const b = new Conv2d(2, 3, 3, { rng: new Random(5) });
    expect([...a.weight.data.data]).toEqual([...b.weight.data.data]);
    expect([...(a.bias as Variable).data.data]).toEqual([...(b.bias as Variable).data.data]);
  });

  it("pooling layers, BatchNorm2d and Identity compose in a Sequential", () => {
    const model = new Sequential(
      new Conv2d(1, 4, 3, { padding: "same", rng: new Random(1) }),
      new BatchNorm2d(4),
      new MaxPool2d(2),
      new AvgPool2d(2, { stride: 1 }),
      new AdaptiveAvgPool2d([1, 1]),
      new Identity(),
    );
    expect(model.call(normal([2, 1, 8, 8])).shape).toEqual([2, 4, 1, 1]);
    expect(Object.keys(model.stateDict())).toEqual([
      "layers.0.weight",
      "layers.0.bias",
      "layers.1.weight",
      "layers.1.bias",
      "layers.1.running_mean",
      "layers.1.running_var",
      "layers.1.num_batches_tracked",
    ]);
    const x = new Variable(normal([2, 3]));
    expect(new Identity().call(x)).toBe(x);
  });

  it("bad constructor arguments raise NNError naming the layer", () => {
    expect(() => new Conv2d(0, 2, 3)).toThrow(
      "Conv2d: inChannels must be a positive integer, got 0",
    );
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(
      "Conv2d: inChannels 3 and outChannels 4 must both be divisible by groups 2",
    );
    expect(() => new Conv2d(2, 2, [3, 0])).toThrow(NNError);
    expect(() => new Conv2d(2, 2, 3, { stride: 0 })).toThrow(
      "Conv2d: stride must be an integer >= 1 or 2 of them, got 0",
    );
    expect(() => new Conv2d(2, 2, 3, { padding: "same", stride: 2 })).toThrow(NNError);
    expect(() => new Conv1d(2, 2, 3, { padding: -1 })).toThrow(
      "Conv1d: padding must be an integer >= 0, got -1",
    );
    expect(() => new ConvTranspose2d(2, 2, 3, { outputPadding: -1 })).toThrow(NNError);
    expect(() => new MaxPool2d(0)).toThrow(
      "MaxPool2d: kernelSize must be an integer >= 1 or 2 of them, got 0",
    );
    expect(() => new AvgPool2d(2, { padding: 1.5 })).toThrow(NNError);
    expect(() => new AdaptiveAvgPool2d([2, 0])).toThrow(NNError);
    expect(() => new BatchNorm2d(0)).toThrow(
      "BatchNorm2d: numFeatures must be a positive integer, got 0",
    );
  });
});

describe("bad shapes raise ShapeError naming the op and the shapes, inputs untouched", () => {
  it("conv2d", () => {
    const x = normal([2, 3, 5, 5]);
    const before = [...x.data];
    expect(() => conv2d(x, zeros([4, 2, 3, 3]))).toThrow(
      "conv2d: the input's 3 channels do not match the weight's 2 per group × 1 groups (input [2,3,5,5], weight [4,2,3,3])",
    );
    expect(() => conv2d(zeros([5, 5]), zeros([4, 3, 3, 3]))).toThrow(
      "conv2d: expected input [N, C, H, W] or unbatched, got [5,5] (input [5,5], weight [4,3,3,3])",
    );
    expect(() => conv2d(x, zeros([4, 3, 3]))).toThrow(ShapeError);
    expect(() => conv2d(x, zeros([4, 3, 3, 3]), zeros([3]))).toThrow(
      "conv2d: bias must be 1-D with 4 elements (input [2,3,5,5], weight [4,3,3,3], bias [3])",
    );
    expect(() => conv2d(x, zeros([4, 3, 6, 6]))).toThrow(ShapeError);
    expect(() => conv2d(x, zeros([4, 3, 3, 3]), null, { stride: 2, padding: "same" })).toThrow(
      "conv2d: padding 'same' needs stride 1",
    );
    expect(() => conv2d(x, zeros([3, 1, 3, 3]), null, { groups: 2 })).toThrow(ShapeError);
    expect(() => conv2d(x, zeros([4, 3, 3, 3]), null, { dilation: 0 })).toThrow(
      "conv2d: dilation must be an integer >= 1 or a pair of them, got 0",
    );
    expect([...x.data]).toEqual(before);
  });

  it("conv1d, convTranspose2d and the poolings", () => {
    expect(() => conv1d(zeros([2, 3, 5, 5]), zeros([2, 3, 3]))).toThrow(
      "conv1d: expected input [N, C, L] or unbatched, got [2,3,5,5]",
    );
    expect(() => convTranspose2d(zeros([1, 2, 3, 3]), zeros([3, 2, 3, 3]))).toThrow(
      "convTranspose2d: the input's 2 channels do not match the weight's 3 (input [1,2,3,3], weight [3,2,3,3])",
    );
    expect(() =>
      convTranspose2d(zeros([1, 2, 3, 3]), zeros([2, 2, 3, 3]), null, { outputPadding: 1 }),
    ).toThrow(
      "convTranspose2d: outputPadding [1,1] must be smaller than stride [1,1] or dilation [1,1]",
    );
    expect(() => maxPool2d(zeros([2, 5]), 2)).toThrow(
      "maxPool2d: expected input [N, C, H, W] or unbatched [C, H, W], got [2,5]",
    );
    expect(() => maxPool2d(zeros([1, 1, 4, 4]), 2, { padding: 2 })).toThrow(
      "maxPool2d: padding must be at most half the kernel (input [1,1,4,4], kernel [2,2], padding [2,2])",
    );
    expect(() => avgPool2d(zeros([1, 1, 2, 2]), 3)).toThrow(
      "avgPool2d: the window is larger than the padded input (input [1,1,2,2], kernel [3,3], padding [0,0])",
    );
    expect(() => adaptiveAvgPool2d(zeros([1, 1, 2, 2]), 0)).toThrow(ShapeError);
    expect(() => new BatchNorm2d(3).call(zeros([2, 3, 4]))).toThrow(
      "BatchNorm2d: expected input [N, 3, H, W], got [2,3,4]",
    );
  });
});

describe("maxPool2d edge cases", () => {
  it("a NaN wins its window (PyTorch propagates it); -Infinity windows still pick an element", () => {
    const x = array(
      [
        [
          [
            [1, Number.NaN, 5, 2],
            [3, 4, -Infinity, -Infinity],
          ],
        ],
      ],
      { dtype: "float64" },
    );
    const y = maxPool2d(x, [1, 2]).toArray() as number[][][][];
    expect(y[0]?.[0]?.[0]?.[0]).toBeNaN();
    expect(y[0]?.[0]?.[0]?.[1]).toBe(5);
    expect(y[0]?.[0]?.[1]).toEqual([4, -Infinity]);
    const v = new Variable(x.copy());
    maxPool2d(v, [1, 2]).backward();
    expect((v.grad as Variable).toArray()).toEqual([
      [
        [
          [0, 1, 1, 0],
          [0, 1, 1, 0],
        ],
      ],
    ]);
  });
});
