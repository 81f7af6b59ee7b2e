// Every supported layer and op, exported and run in onnxruntime-node at batch sizes other than
// the traced one, against zerograd's own eval-mode output. The max |difference| per case is
// printed at the end (the figures in README.md come from this table).

import type { Variable, VariableLike } from "@zerograd/autograd";
import * as ag from "@zerograd/autograd";
import { array, type NDArray, Random } from "@zerograd/ndarray";
import * as nn from "@zerograd/nn";
import { afterAll, describe, expect, it } from "vitest";
import { toOnnx } from "../src/index";
import { maxAbs, maxAbsDiff, runOrt, zerogradOutputs } from "./ort";

/**
 * A Layer running a function of its input (for the functional ops). Layer's type says one
 * Variable; several outputs (an array, as recurrent layers return) are what toOnnx flattens.
 */
class Lambda extends nn.Layer {
  constructor(readonly f: (x: Variable) => Variable | Variable[]) {
    super();
  }

  forward(x: VariableLike): Variable {
    return this.f(ag.asVariable(x)) as Variable;
  }
}

interface Case {
  name: string;
  make: (rng: Random) => nn.Layer;
  /** The input shape without the batch axis. */
  shape: number[];
  /** Values that keep log/sqrt/pow defined. */
  positive?: boolean;
  opset?: number;
}

const mask = array([[true, false, true, true]]);

const CASES: Case[] = [
  { name: "Linear", make: (rng) => new nn.Linear(5, 3, { rng }), shape: [5] },
  {
    name: "Linear without bias",
    make: (rng) => new nn.Linear(5, 3, { bias: false, rng }),
    shape: [5],
  },
  { name: "Linear on [N, L, F]", make: (rng) => new nn.Linear(5, 3, { rng }), shape: [2, 5] },
  { name: "MLP relu", make: (rng) => new nn.MLP([6, 16, 16, 4], { rng }), shape: [6] },
  { name: "ReLU", make: () => new nn.ReLU(), shape: [7] },
  { name: "Sigmoid", make: () => new nn.Sigmoid(), shape: [7] },
  { name: "Tanh", make: () => new nn.Tanh(), shape: [7] },
  { name: "LeakyReLU", make: () => new nn.LeakyReLU(0.2), shape: [7] },
  { name: "Softmax", make: () => new nn.Softmax(), shape: [7] },
  {
    name: "Softmax over axis 1 of [N, C, L]",
    make: () => new Lambda((x) => nn.softmax(x, 1)),
    shape: [3, 4],
  },
  { name: "logSoftmax", make: () => new Lambda((x) => nn.logSoftmax(x)), shape: [7] },
  {
    name: "BatchNorm1d (eval, trained statistics)",
    make: (rng) => {
      const bn = new nn.BatchNorm1d(6);
      bn.runningMean.data = rng.normal(0, 1, [6]);
      bn.runningVar.data = rng.uniform(0.5, 2, [6]);
      bn.weight?.data.data.set(rng.normal(1, 0.2, [6]).toTypedArray());
      bn.bias?.data.data.set(rng.normal(0, 0.2, [6]).toTypedArray());
      return bn;
    },
    shape: [6],
  },
  {
    name: "BatchNorm2d (eval)",
    make: (rng) => {
      const bn = new nn.BatchNorm2d(3);
      bn.runningMean.data = rng.normal(0, 1, [3]);
      bn.runningVar.data = rng.uniform(0.5, 2, [3]);
      return bn;
    },
    shape: [3, 4, 4],
  },
  {
    name: "Dropout (eval) in Sequential",
    make: (rng) =>
      new nn.Sequential(new nn.Linear(5, 8, { rng }), new nn.Dropout(0.5), new nn.ReLU()),
    shape: [5],
  },
  { name: "Flatten", make: () => new nn.Flatten(), shape: [2, 3, 4] },
  { name: "Identity", make: () => new nn.Identity(), shape: [3] },
  { name: "Conv2d", make: (rng) => new nn.Conv2d(3, 4, 3, { rng }), shape: [3, 8, 8] },
  {
    name: "Conv2d stride 2, padding 1, dilation 2, no bias",
    make: (rng) =>
      new nn.Conv2d(2, 3, [3, 2], { stride: 2, padding: 1, dilation: 2, bias: false, rng }),
    shape: [2, 9, 8],
  },
  {
    name: "Conv2d groups 2",
    make: (rng) => new nn.Conv2d(4, 6, 3, { groups: 2, rng }),
    shape: [4, 6, 6],
  },
  {
    name: "Conv2d padding 'same' (uneven)",
    make: (rng) => new nn.Conv2d(2, 2, 4, { padding: "same", rng }),
    shape: [2, 7, 7],
  },
  { name: "Conv1d", make: (rng) => new nn.Conv1d(3, 5, 3, { padding: 1, rng }), shape: [3, 10] },
  { name: "MaxPool2d", make: () => new nn.MaxPool2d(2), shape: [3, 6, 6] },
  {
    name: "MaxPool2d 3, stride 2, padding 1",
    make: () => new nn.MaxPool2d(3, { stride: 2, padding: 1 }),
    shape: [2, 7, 7],
  },
  { name: "AvgPool2d", make: () => new nn.AvgPool2d(2), shape: [3, 6, 6] },
  {
    name: "AvgPool2d 3, padding 1",
    make: () => new nn.AvgPool2d(3, { stride: 2, padding: 1 }),
    shape: [2, 7, 7],
  },
  {
    name: "AdaptiveAvgPool2d (even bins)",
    make: () => new nn.AdaptiveAvgPool2d(2),
    shape: [3, 6, 6],
  },
  {
    name: "AdaptiveAvgPool2d (uneven bins)",
    make: () => new nn.AdaptiveAvgPool2d([3, 2]),
    shape: [2, 7, 5],
  },
  // autograd's ops, one or a few per case
  {
    name: "exp, log, sqrt, pow",
    make: () =>
      new Lambda((x) => ag.add(ag.exp(ag.mul(x, 0.1)), ag.add(ag.log(x), ag.pow(ag.sqrt(x), 3)))),
    shape: [5],
    positive: true,
  },
  {
    name: "sin, cos, tanh, sigmoid, abs, sign, neg, square",
    make: () =>
      new Lambda((x) =>
        ag.sub(
          ag.mul(ag.sin(x), ag.cos(x)),
          ag.add(ag.mul(ag.abs(x), ag.sign(x)), ag.neg(ag.square(ag.tanh(ag.sigmoid(x))))),
        ),
      ),
    shape: [6],
  },
  {
    name: "maximum, minimum, clip, div",
    make: () =>
      new Lambda((x) =>
        ag.div(ag.add(ag.maximum(x, 0.3), ag.minimum(x, -0.2)), ag.add(ag.clip(x, -0.5, 0.5), 2)),
      ),
    shape: [6],
  },
  {
    name: "sum, mean, max, min, prod over axes",
    make: () =>
      new Lambda((x) =>
        ag.add(
          ag.add(ag.sum(x, 1), ag.mean(x, [1, 2], true).reshape([-1, 1])),
          ag.sub(
            ag.max(x, 2).sum(1, true),
            ag.add(ag.min(x, -1, false).sum(1, true), ag.prod(x, 1).sum(1, true)),
          ),
        ),
      ),
    shape: [3, 4],
  },
  {
    name: "variance, std, logsumexp",
    make: () =>
      new Lambda((x) => [
        ag.variance(x, 1),
        ag.std(x, [1, 2], true),
        ag.logsumexp(x, 2),
        ag.logsumexp(x, 1, true),
      ]),
    shape: [3, 4],
  },
  {
    name: "reshape, transpose, squeeze, expandDims, flatten of a row",
    make: () =>
      new Lambda((x) =>
        ag
          .squeeze(ag.expandDims(ag.transpose(ag.reshape(x, [-1, 4, 3]), [0, 2, 1]), 1), 1)
          .reshape([-1, 12]),
      ),
    shape: [3, 4],
  },
  {
    name: "matmul with a constant, broadcastTo, sumTo",
    make: (rng) => {
      const w = rng.normal(0, 1, [4, 2]);
      return new Lambda((x) =>
        ag.add(
          ag.matmul(x, w),
          ag
            .sumTo(ag.broadcastTo(ag.expandDims(x, 1), [x.shape[0] as number, 3, 3, 4]), [
              x.shape[0] as number,
              1,
              3,
              1,
            ])
            .reshape([-1, 3, 1]),
        ),
      );
    },
    shape: [3, 4],
  },
  {
    name: "slice (steps, negatives), take, concat, stack, split, pad",
    make: () =>
      new Lambda((x) => {
        const [a, b] = ag.split(x, [2], 2) as [Variable, Variable];
        return [
          ag.concat(
            [ag.slice(x, [null, [null, null, -1], [1, null, 2]]), ag.take(x, [3, 0], 2)],
            2,
          ),
          ag.stack([a, a], 1),
          ag.pad(
            b,
            [
              [0, 0],
              [1, 0],
              [0, 2],
            ],
            -1,
          ),
          ag.take(x, 1, 1),
        ];
      }),
    shape: [3, 4],
  },
  {
    name: "where with a constant mask, astype, copy",
    make: () => new Lambda((x) => ag.astype(ag.copy(ag.where(mask, x, ag.mul(x, -2))), "float64")),
    shape: [4],
  },
  // the demos' models (apps/demo): mnist, spiral, sin, xor
  {
    name: "demo mnist: MLP 784-128-10 (ReLU)",
    make: (rng) => new nn.MLP([784, 128, 10], { rng }),
    shape: [784],
  },
  {
    name: "demo spiral: MLP 2-10-3 (sigmoid)",
    make: (rng) => new nn.MLP([2, 10, 3], { activation: nn.sigmoid, rng }),
    shape: [2],
  },
  {
    name: "demo sin: MLP 1-10-1 (sigmoid)",
    make: (rng) => new nn.MLP([1, 10, 1], { activation: nn.sigmoid, rng }),
    shape: [1],
  },
  {
    name: "demo xor: Sequential(Linear(2,3), Linear(3,1))",
    make: (rng) => new nn.Sequential(new nn.Linear(2, 3, { rng }), new nn.Linear(3, 1, { rng })),
    shape: [2],
  },
  {
    name: "a small CNN: Conv2d-BatchNorm2d-ReLU-MaxPool2d-Flatten-Dropout-Linear-logSoftmax",
    make: (rng) => {
      const bn = new nn.BatchNorm2d(4);
      bn.runningMean.data = rng.normal(0, 0.5, [4]);
      bn.runningVar.data = rng.uniform(0.5, 2, [4]);
      return new nn.Sequential(
        new nn.Conv2d(1, 4, 3, { padding: 1, rng }),
        bn,
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Flatten(),
        new nn.Dropout(0.25),
        new nn.Linear(4 * 7 * 7, 10, { rng }),
        new Lambda((x) => nn.logSoftmax(x)),
      );
    },
    shape: [1, 14, 14],
  },
  // the same MLP + softmax in every opset (reductions change form at 18)
  ...[13, 17, 18, 21].map((opset) => ({
    name: `MLP + Softmax + BatchNorm1d at opset ${opset}`,
    make: (rng: Random) =>
      new nn.Sequential(
        new nn.Linear(4, 6, { rng }),
        new nn.BatchNorm1d(6),
        new nn.Tanh(),
        new nn.Linear(6, 3, { rng }),
        new nn.Softmax(),
      ),
    shape: [4],
    opset,
  })),
];

const TRACED_BATCH = 4;
const BATCHES = [TRACED_BATCH, 1, 3, 10];
const figures: [string, number, number][] = [];

describe("exported models agree with zerograd in onnxruntime-node", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_, testCase) => {
    const rng = new Random(7);
    const model = testCase.make(rng);
    const input = (batch: number) =>
      testCase.positive
        ? rng.uniform(0.2, 2, [batch, ...testCase.shape])
        : rng.normal(0, 1, [batch, ...testCase.shape]);
    const bytes = toOnnx(model, input(TRACED_BATCH), { opset: testCase.opset });
    let worst = 0;
    let scale = 0;
    for (const batch of BATCHES) {
      const x = input(batch);
      const want = zerogradOutputs(model, [x]);
      const got = await runOrt(bytes, { input: x });
      const names = want.length === 1 ? ["output"] : want.map((_, i) => `output${i}`);
      expect(Object.keys(got).sort()).toEqual([...names].sort());
      want.forEach((w, i) => {
        const g = got[names[i] as string] as NDArray;
        expect(g.shape).toEqual(w.shape);
        worst = Math.max(worst, maxAbsDiff(g, w));
        scale = Math.max(scale, maxAbs(w));
      });
    }
    figures.push([testCase.name, worst, scale]);
    // float32 rounding: a few ulps of the largest value (the kernels sum in other orders)
    expect(worst).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));
  });
});

afterAll(() => {
  const rows = figures.map(
    ([name, worst, scale]) => `| ${name} | ${worst.toExponential(2)} | ${scale.toPrecision(3)} |`,
  );
  console.log(
    ["| model | max abs difference | max abs value |", "| --- | --- | --- |", ...rows].join("\n"),
  );
});
