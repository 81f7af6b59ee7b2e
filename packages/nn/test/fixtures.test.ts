// Forward values and gradients against PyTorch 1.13 (fixtures/nn.json, float64).
import { mul, sum, Variable } from "@zerograd/autograd";
import { array, type NestedArray } from "@zerograd/ndarray";
import { afterAll, describe, expect, it } from "vitest";
import {
  BatchNorm1d,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  Linear,
  l1Loss,
  leakyRelu,
  linear,
  logSoftmax,
  mseLoss,
  nllLoss,
  relu,
  sigmoid,
  softmax,
} from "../src/index";
import { ErrorLog, f64, fixture, maxAbsError } from "./helpers";

type Nested = number | NestedArray;

interface LossCase {
  name: string;
  fn: string;
  reduction: "mean" | "sum" | "none";
  input: Nested;
  target: Nested;
  targetDtype: "int32" | "float64";
  output: Nested;
  weight: Nested | null;
  gradInput: Nested;
  gradTarget: Nested | null;
}

interface FunctionalCase {
  name: string;
  fn: string;
  args: { axis?: number; slope?: number };
  inputs: Record<string, Nested>;
  output: Nested;
  weight: Nested;
  grads: Record<string, Nested>;
}

interface BatchNormStep {
  input: Nested;
  output: Nested;
  outWeight: Nested;
  gradInput: Nested;
  gradWeight?: Nested;
  gradBias?: Nested;
  runningMean?: Nested;
  runningVar?: Nested;
  numBatchesTracked?: number;
}

interface Fixture {
  torchVersion: string;
  losses: LossCase[];
  functional: FunctionalCase[];
  linear: {
    forward: Record<
      | "weight"
      | "bias"
      | "input"
      | "output"
      | "outWeight"
      | "gradInput"
      | "gradWeight"
      | "gradBias",
      Nested
    >;
  };
  batchNorm1d: {
    name: string;
    numFeatures: number;
    momentum: number;
    eps: number;
    weight: Nested;
    bias: Nested;
    initialRunningMean: Nested;
    initialRunningVar: Nested;
    train: BatchNormStep[];
    eval: BatchNormStep;
  }[];
}

const data = fixture<Fixture>("nn.json");
const log = new ErrorLog();
// float64 throughout; the fixture was computed in float64 by PyTorch.
const TOLERANCE = 1e-10;

afterAll(() => {
  console.log(`max |zerograd − PyTorch ${data.torchVersion}|:\n${log}`);
});

const losses = {
  mseLoss,
  l1Loss,
  crossEntropy,
  nllLoss,
  binaryCrossEntropyWithLogits,
} as const;

describe("losses match PyTorch", () => {
  it.each(data.losses.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const x = new Variable(f64(c.input));
    const labels = c.targetDtype === "int32";
    const t = labels ? array(c.target, { dtype: "int32" }) : new Variable(f64(c.target));
    const fn = losses[c.fn as keyof typeof losses] as (
      input: Variable,
      target: Variable | ReturnType<typeof array>,
      options: { reduction: string },
    ) => Variable;
    const out = fn(x, t, { reduction: c.reduction });
    expect(out.dtype).toBe("float64");
    expect(log.note(`${c.fn} output`, maxAbsError(out, c.output))).toBeLessThan(TOLERANCE);
    (c.weight === null ? out : sum(mul(out, f64(c.weight)))).backward();
    expect(log.note(`${c.fn} grad`, maxAbsError(x.grad as Variable, c.gradInput))).toBeLessThan(
      TOLERANCE,
    );
    if (c.gradTarget !== null) {
      const gt = (t as Variable).grad as Variable;
      expect(log.note(`${c.fn} grad`, maxAbsError(gt, c.gradTarget))).toBeLessThan(TOLERANCE);
    }
  });

  it("covers every loss and reduction", () => {
    expect(new Set(data.losses.map((c) => c.fn))).toEqual(new Set(Object.keys(losses)));
    expect(data.losses).toHaveLength(18);
  });
});

function runFunctional(c: FunctionalCase, inputs: Record<string, Variable>): Variable {
  const { x, weight, bias } = inputs as Record<string, Variable>;
  switch (c.fn) {
    case "softmax":
      return softmax(x as Variable, c.args.axis);
    case "logSoftmax":
      return logSoftmax(x as Variable, c.args.axis);
    case "leakyRelu":
      return c.args.slope === undefined
        ? leakyRelu(x as Variable)
        : leakyRelu(x as Variable, c.args.slope);
    case "relu":
      return relu(x as Variable);
    case "sigmoid":
      return sigmoid(x as Variable);
    case "linear":
      return linear(x as Variable, weight as Variable, bias);
    default:
      throw new Error(`no functional op ${c.fn}`);
  }
}

describe("functional ops match PyTorch", () => {
  it.each(data.functional.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const inputs = Object.fromEntries(
      Object.entries(c.inputs).map(([k, v]) => [k, new Variable(f64(v))]),
    );
    const out = runFunctional(c, inputs);
    expect(log.note(`${c.fn} output`, maxAbsError(out, c.output))).toBeLessThan(TOLERANCE);
    sum(mul(out, f64(c.weight))).backward();
    for (const [k, expected] of Object.entries(c.grads)) {
      const g = (inputs[k] as Variable).grad as Variable;
      expect(log.note(`${c.fn} grad`, maxAbsError(g, expected))).toBeLessThan(TOLERANCE);
    }
  });
});

describe("Linear matches PyTorch", () => {
  it("forward and gradients of a Linear(4, 3) with PyTorch's weights", () => {
    const f = data.linear.forward;
    const layer = new Linear(4, 3, { dtype: "float64" });
    layer.loadStateDict({ weight: f64(f.weight), bias: f64(f.bias) });
    const x = new Variable(f64(f.input));
    const out = layer.call(x);
    expect(log.note("Linear output", maxAbsError(out, f.output))).toBeLessThan(TOLERANCE);
    sum(mul(out, f64(f.outWeight))).backward();
    expect(log.note("Linear grad", maxAbsError(x.grad as Variable, f.gradInput))).toBeLessThan(
      TOLERANCE,
    );
    expect(
      log.note("Linear grad", maxAbsError(layer.weight.grad as Variable, f.gradWeight)),
    ).toBeLessThan(TOLERANCE);
    expect(
      log.note("Linear grad", maxAbsError((layer.bias as Variable).grad as Variable, f.gradBias)),
    ).toBeLessThan(TOLERANCE);
  });
});

describe("BatchNorm1d matches PyTorch", () => {
  it.each(data.batchNorm1d.map((c) => [c.name, c] as const))(
    "%s: three training batches, then eval",
    (_, c) => {
      const bn = new BatchNorm1d(c.numFeatures, {
        eps: c.eps,
        momentum: c.momentum,
        dtype: "float64",
      });
      bn.loadStateDict({ weight: f64(c.weight), bias: f64(c.bias) }, { strict: false });
      expect(maxAbsError(bn.runningMean.data, c.initialRunningMean)).toBe(0);
      expect(maxAbsError(bn.runningVar.data, c.initialRunningVar)).toBe(0);
      for (const step of c.train) {
        bn.zeroGrad();
        const x = new Variable(f64(step.input));
        const out = bn.call(x);
        expect(log.note("BatchNorm1d output", maxAbsError(out, step.output))).toBeLessThan(
          TOLERANCE,
        );
        sum(mul(out, f64(step.outWeight))).backward();
        const grads: [Variable | null, Nested | undefined][] = [
          [x.grad, step.gradInput],
          [bn.weight?.grad ?? null, step.gradWeight],
          [bn.bias?.grad ?? null, step.gradBias],
        ];
        for (const [g, expected] of grads) {
          expect(
            log.note("BatchNorm1d grad", maxAbsError(g as Variable, expected as Nested)),
          ).toBeLessThan(TOLERANCE);
        }
        expect(
          log.note(
            "BatchNorm1d running stats",
            maxAbsError(bn.runningMean.data, step.runningMean as Nested),
          ),
        ).toBeLessThan(TOLERANCE);
        expect(
          log.note(
            "BatchNorm1d running stats",
            maxAbsError(bn.runningVar.data, step.runningVar as Nested),
          ),
        ).toBeLessThan(TOLERANCE);
        expect(bn.numBatchesTracked.data.item()).toBe(step.numBatchesTracked);
      }
      bn.eval();
      const x = new Variable(f64(c.eval.input));
      const out = bn.call(x);
      expect(log.note("BatchNorm1d output", maxAbsError(out, c.eval.output))).toBeLessThan(
        TOLERANCE,
      );
      sum(mul(out, f64(c.eval.outWeight))).backward();
      expect(
        log.note("BatchNorm1d grad", maxAbsError(x.grad as Variable, c.eval.gradInput)),
      ).toBeLessThan(TOLERANCE);
      // eval mode leaves the running statistics alone
      expect(bn.numBatchesTracked.data.item()).toBe(3);
    },
  );
});
