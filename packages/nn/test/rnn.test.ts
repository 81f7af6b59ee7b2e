// RNN, LSTM, GRU and their cells: PyTorch 1.13 state dicts loaded as they are, outputs and every
// gradient against fixtures/rnn.json (generate_rnn.py), gradCheck in float64, errors.
import { gradCheck, mul, sum, Variable } from "@zerograd/autograd";
import { array, type NDArray, Random, ShapeError, zeros } from "@zerograd/ndarray";
import { afterAll, describe, expect, it } from "vitest";
import { GRU, GRUCell, LSTM, LSTMCell, NNError, RNN, RNNCell } from "../src/index";
import { ErrorLog, fixture, maxAbsError } from "./helpers";

interface Tensor {
  shape: number[];
  values: number[];
}

interface Case {
  name: string;
  kind: "RNN" | "LSTM" | "GRU" | "RNNCell" | "LSTMCell" | "GRUCell";
  options: {
    numLayers?: number;
    batchFirst?: boolean;
    bias: boolean;
    nonlinearity: "tanh" | "relu";
  };
  inputSize: number;
  hiddenSize: number;
  state: Record<string, Tensor>;
  input: Tensor;
  initial: Tensor[];
  outputs: Tensor[];
  weights: Tensor[];
  gradInput: Tensor;
  gradInitial: Tensor[];
  gradParams: Record<string, Tensor>;
}

const data = fixture<{ torchVersion: string; layers: Case[]; cells: Case[] }>("rnn.json");
const log = new ErrorLog();
afterAll(() => console.log(`worst errors vs PyTorch ${data.torchVersion}:\n${log}`));

const f64 = (t: Tensor): NDArray => array(Float64Array.from(t.values), { shape: t.shape });
function error(actual: Variable, expected: Tensor): number {
  expect(actual.shape).toEqual(expected.shape);
  return maxAbsError(actual.data, f64(expected).toArray() as number[]);
}

const CLASSES = { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell };

function build(c: Case) {
  const cls = CLASSES[c.kind] as new (
    i: number,
    h: number,
    o: object,
  ) => RNN | LSTM | GRU | RNNCell | LSTMCell | GRUCell;
  return new cls(c.inputSize, c.hiddenSize, { ...c.options, dtype: "float64" });
}

/** Runs the case's module on its input and initial state; returns the flat outputs. */
function outputs(module: ReturnType<typeof build>, x: Variable, initial: Variable[]): Variable[] {
  const lstm = module instanceof LSTM || module instanceof LSTMCell;
  const state =
    initial.length === 0 ? undefined : lstm ? (initial as [Variable, Variable]) : initial[0];
  if (module instanceof LSTM) {
    const [y, [h, c]] = module.forward(x, state as [Variable, Variable] | undefined);
    return [y, h, c];
  }
  if (module instanceof LSTMCell)
    return module.forward(x, state as [Variable, Variable] | undefined);
  if (module instanceof RNN || module instanceof GRU) {
    const [y, h] = module.forward(x, state as Variable | undefined);
    return [y, h];
  }
  return [(module as RNNCell | GRUCell).forward(x, state as Variable | undefined)];
}

describe("recurrent layers and cells match PyTorch, its state dicts loaded as they are", () => {
  it.each([...data.layers, ...data.cells].map((c) => [c.name, c] as const))("%s", (_, c) => {
    const module = build(c);
    expect(Object.keys(module.stateDict())).toEqual(Object.keys(c.state));
    module.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, t]) => [k, f64(t)])));
    const x = new Variable(f64(c.input));
    const initial = c.initial.map((t) => new Variable(f64(t)));
    const ys = outputs(module, x, initial);
    ys.forEach((y, i) => {
      expect(log.note(`${c.kind} outputs`, error(y, c.outputs[i] as Tensor))).toBeLessThan(1e-8);
    });
    let total = sum(mul(ys[0] as Variable, f64(c.weights[0] as Tensor)));
    for (let i = 1; i < ys.length; i++) {
      total = total.add(sum(mul(ys[i] as Variable, f64(c.weights[i] as Tensor))));
    }
    total.backward();
    expect(log.note(`${c.kind} grads`, error(x.grad as Variable, c.gradInput))).toBeLessThan(1e-8);
    initial.forEach((s, i) => {
      expect(
        log.note(`${c.kind} grads`, error(s.grad as Variable, c.gradInitial[i] as Tensor)),
      ).toBeLessThan(1e-8);
    });
    const grads = Object.fromEntries(
      module.namedParameters().map(([k, p]) => [k, p.grad as Variable]),
    );
    for (const [key, g] of Object.entries(c.gradParams)) {
      expect(log.note(`${c.kind} grads`, error(grads[key] as Variable, g))).toBeLessThan(1e-8);
    }
  });
});

const rng = new Random(3);
const normal = (shape: number[]) => rng.normal(0, 1, shape, { dtype: "float64" });
const strided = (x: NDArray): NDArray => {
  const axes = x.shape.map((_, i) => i).reverse();
  return x.transpose(axes).copy().transpose(axes);
};

describe("gradCheck in float64 (input and initial state, contiguous and strided)", () => {
  const dtype = "float64";
  const cases: [string, (x: Variable, h: Variable) => Variable][] = [
    [
      "RNN 2 layers",
      (x, h) => new RNN(3, 2, { numLayers: 2, dtype, rng: new Random(1) }).forward(x, h)[0],
    ],
    [
      "LSTM 2 layers",
      (x, h) => {
        const [y, [hn, cn]] = new LSTM(3, 2, { numLayers: 2, dtype, rng: new Random(1) }).forward(
          x,
          [h, h.mul(0.5)],
        );
        return y.sum().add(hn.sum()).add(cn.mul(2).sum());
      },
    ],
    [
      "GRU 2 layers",
      (x, h) => new GRU(3, 2, { numLayers: 2, dtype, rng: new Random(1) }).forward(x, h)[1],
    ],
  ];
  for (const [name, f] of cases) {
    it(name, () => {
      const x = normal([4, 2, 3]);
      const h = normal([2, 2, 2]);
      expect(gradCheck(f, [x, h])).toBe(true);
      expect(gradCheck(f, [strided(x), strided(h)])).toBe(true);
    });
  }
});

describe("layouts, keys and errors", () => {
  it("has PyTorch's keys and output shapes, batch first and unbatched", () => {
    const lstm = new LSTM(3, 4, { numLayers: 2, batchFirst: true });
    expect(Object.keys(lstm.stateDict())).toEqual([
      "weight_ih_l0",
      "weight_hh_l0",
      "bias_ih_l0",
      "bias_hh_l0",
      "weight_ih_l1",
      "weight_hh_l1",
      "bias_ih_l1",
      "bias_hh_l1",
    ]);
    expect(lstm.weightIhL0.shape).toEqual([16, 3]);
    const [y, [h, c]] = lstm.forward(zeros([2, 5, 3]));
    expect([y.shape, h.shape, c.shape]).toEqual([
      [2, 5, 4],
      [2, 2, 4],
      [2, 2, 4],
    ]);
    const [yu, hu] = new GRU(3, 4).forward(zeros([5, 3]));
    expect([yu.shape, hu.shape]).toEqual([
      [5, 4],
      [1, 4],
    ]);
    expect(Object.keys(new GRUCell(2, 3, { bias: false }).stateDict())).toEqual([
      "weight_ih",
      "weight_hh",
    ]);
    const bound = 1 / Math.sqrt(4);
    expect(Math.max(...[...lstm.weightHhL1.data.data].map(Math.abs))).toBeLessThanOrEqual(bound);
  });

  it("bad arguments raise NNError, bad shapes ShapeError naming the layer and the shapes", () => {
    expect(() => new RNN(0, 3)).toThrow("RNN: inputSize must be a positive integer, got 0");
    expect(() => new LSTM(2, 3, { numLayers: 0 })).toThrow(NNError);
    expect(() => new RNN(2, 3, { nonlinearity: "sigmoid" as "tanh" })).toThrow(NNError);
    expect(() => new GRU(2, 3, { dropout: 1 })).toThrow(NNError);
    expect(() => new RNNCell(2, -1)).toThrow(NNError);
    const x = normal([4, 2, 3]);
    const before = [...x.data];
    expect(() => new LSTM(5, 2).forward(x)).toThrow(
      "LSTM: expected input [L, N, 5] or [L, 5], got [4,2,3]",
    );
    expect(() => new GRU(3, 2).forward(x, zeros([1, 3, 2]))).toThrow(
      "GRU: h0 [1,3,2] must be [1,2,2]",
    );
    expect(() => new LSTMCell(3, 2).forward(zeros([2, 4]))).toThrow(ShapeError);
    expect([...x.data]).toEqual(before);
  });
});
