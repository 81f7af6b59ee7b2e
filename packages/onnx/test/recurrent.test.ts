// Recurrent layers (RNN, LSTM, GRU), exported as the graph one forward pass records: the steps
// unrolled, each a few Gemm/MatMul and the gate activations. Run in onnxruntime-node against
// zerograd's eval-mode output; the max |difference| per case is printed at the end.

import type { Variable, VariableLike } from "@zerograd/autograd";
import * as ag from "@zerograd/autograd";
import { type NDArray, Random } from "@zerograd/ndarray";
import * as nn from "@zerograd/nn";
import { afterAll, describe, expect, it } from "vitest";
import { toOnnx } from "../src/index";
import { maxAbs, maxAbsDiff, runOrt, zerogradOutputs } from "./ort";

type Recurrent = nn.RNN | nn.LSTM | nn.GRU;

/** A whole sequence with an explicit initial state: forward(x, h0[, c0]) → [output, hN[, cN]]. */
class Sequence extends nn.Layer {
  constructor(readonly rnn: Recurrent) {
    super();
  }

  forward(x: VariableLike, h0: VariableLike, c0?: VariableLike): Variable {
    if (this.rnn instanceof nn.LSTM) {
      const [y, [h, c]] = this.rnn.call(x, [h0, c0 as VariableLike]);
      return [y, h, c] as unknown as Variable;
    }
    return this.rnn.call(x, h0) as unknown as Variable;
  }
}

/**
 * One time step with the batch on axis 0 everywhere (x [N, input], state [N, hidden]), so the
 * batch stays dynamic: the streaming form of a recurrent model (the lstm demo exports this).
 */
class Step extends nn.Layer {
  constructor(readonly rnn: Recurrent) {
    super();
  }

  forward(x: VariableLike, h: VariableLike, c?: VariableLike): Variable {
    const lead = (v: VariableLike) => ag.expandDims(ag.asVariable(v), 0);
    if (this.rnn instanceof nn.LSTM) {
      const [y, [hN, cN]] = this.rnn.call(lead(x), [lead(h), lead(c as VariableLike)]);
      return [ag.squeeze(y, 0), ag.squeeze(hN, 0), ag.squeeze(cN, 0)] as unknown as Variable;
    }
    const [y, hN] = this.rnn.call(lead(x), lead(h));
    return [ag.squeeze(y, 0), ag.squeeze(hN, 0)] as unknown as Variable;
  }
}

interface Case {
  name: string;
  make: (rng: Random) => Recurrent;
  input: number;
  hidden: number;
  layers?: number;
  batchFirst?: boolean;
}

const CASES: Case[] = [
  { name: "LSTM(3, 5)", make: (rng) => new nn.LSTM(3, 5, { rng }), input: 3, hidden: 5 },
  {
    name: "LSTM(2, 4), 2 layers, batchFirst",
    make: (rng) => new nn.LSTM(2, 4, { numLayers: 2, batchFirst: true, rng }),
    input: 2,
    hidden: 4,
    layers: 2,
    batchFirst: true,
  },
  { name: "GRU(3, 4)", make: (rng) => new nn.GRU(3, 4, { rng }), input: 3, hidden: 4 },
  {
    name: "RNN(3, 4) relu, no bias",
    make: (rng) => new nn.RNN(3, 4, { nonlinearity: "relu", bias: false, rng }),
    input: 3,
    hidden: 4,
  },
];

const figures: [string, number, number][] = [];

function compare(want: NDArray[], got: Record<string, NDArray>): [number, number] {
  let worst = 0;
  let scale = 0;
  want.forEach((w, i) => {
    const g = got[`output${i}`] as NDArray;
    expect(g.shape).toEqual(w.shape);
    worst = Math.max(worst, maxAbsDiff(g, w));
    scale = Math.max(scale, maxAbs(w));
  });
  return [worst, scale];
}

describe("recurrent layers agree with zerograd in onnxruntime-node", () => {
  it.each(CASES.map((c) => [c.name, c] as const))(
    "%s: a sequence of 7 steps (traced shapes)",
    async (name, testCase) => {
      const rng = new Random(5);
      const rnn = testCase.make(rng);
      const model = new Sequence(rnn);
      const lstm = rnn instanceof nn.LSTM;
      const layers = testCase.layers ?? 1;
      const x = rng.normal(
        0,
        1,
        testCase.batchFirst ? [3, 7, testCase.input] : [7, 3, testCase.input],
      );
      const state = () => rng.normal(0, 0.5, [layers, 3, testCase.hidden]);
      const examples = lstm ? [x, state(), state()] : [x, state()];
      const bytes = toOnnx(model, examples, { dynamicBatch: false });
      const feeds = Object.fromEntries(examples.map((a, i) => [`input${i}`, a]));
      const [worst, scale] = compare(zerogradOutputs(model, examples), await runOrt(bytes, feeds));
      figures.push([`${name}, 7 steps`, worst, scale]);
      expect(worst).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));
    },
  );

  it.each(CASES.filter((c) => (c.layers ?? 1) === 1).map((c) => [c.name, c] as const))(
    "%s: one step with the batch on axis 0, at batches 4 (traced), 1, 3 and 10",
    async (name, testCase) => {
      const rng = new Random(6);
      const rnn = testCase.make(rng);
      const model = new Step(rnn);
      const lstm = rnn instanceof nn.LSTM;
      const examples = (batch: number) => [
        rng.normal(0, 1, [batch, testCase.input]),
        ...Array.from({ length: lstm ? 2 : 1 }, () => rng.normal(0, 0.5, [batch, testCase.hidden])),
      ];
      const bytes = toOnnx(model, examples(4));
      let worst = 0;
      let scale = 0;
      for (const batch of [4, 1, 3, 10]) {
        const inputs = examples(batch);
        const feeds = Object.fromEntries(inputs.map((a, i) => [`input${i}`, a]));
        const [w, s] = compare(zerogradOutputs(model, inputs), await runOrt(bytes, feeds));
        worst = Math.max(worst, w);
        scale = Math.max(scale, s);
      }
      figures.push([`${name}, one step`, worst, scale]);
      expect(worst).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));
    },
  );
});

afterAll(() => {
  const rows = figures.map(
    ([name, worst, scale]) => `| ${name} | ${worst.toExponential(2)} | ${scale.toPrecision(3)} |`,
  );
  console.log(
    ["| model | max abs difference | max abs value |", "| --- | --- | --- |", ...rows].join("\n"),
  );
});
