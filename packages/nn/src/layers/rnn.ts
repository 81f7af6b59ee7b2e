import {
  add,
  asVariable,
  mul,
  Parameter,
  relu,
  sigmoid,
  split,
  squeeze,
  stack,
  sub,
  tanh,
  transpose,
  type Variable,
  type VariableLike,
} from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { type DType, formatShape, type Random, ShapeError } from "@zerograd/ndarray";
import { NNError } from "../errors";
import { dropout } from "../functional/dropout";
import { linear } from "../functional/linear";
import { Layer } from "../layer";
import { freshRandom } from "../random";

/** The recurrent cell kinds: how many gate blocks their weights stack (PyTorch's order). */
type Kind = "rnn" | "lstm" | "gru";
const GATES: Record<Kind, number> = { rnn: 1, lstm: 4, gru: 3 };

/** Options of `RNNCell`, `LSTMCell` and `GRUCell`. */
export interface RNNCellOptions {
  /** Learn the biases biasIh and biasHh (default true). */
  bias?: boolean;
  /** RNNCell only: `'tanh'` (default) or `'relu'`. */
  nonlinearity?: "tanh" | "relu";
  dtype?: DType;
  rng?: Random;
}

/** Options of `RNN`, `LSTM` and `GRU`. */
export interface RNNOptions extends RNNCellOptions {
  /** Stacked layers, each reading the previous one's outputs (default 1). */
  numLayers?: number;
  /** Inputs and outputs are [N, L, features] instead of [L, N, features] (default false). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
}

function checkSizes(layer: string, inputSize: number, hiddenSize: number): void {
  for (const [what, n] of [
    ["inputSize", inputSize],
    ["hiddenSize", hiddenSize],
  ] as const) {
    if (!Number.isInteger(n) || n < 1) {
      throw new NNError(`${layer}: ${what} must be a positive integer, got ${n}`);
    }
  }
}

/** PyTorch's initialisation of every recurrent weight and bias: U(−1/√hidden, 1/√hidden). */
function uniformParameter(shape: number[], hiddenSize: number, dtype: DType, rng: Random) {
  const bound = 1 / Math.sqrt(hiddenSize);
  return new Parameter(rng.uniform(-bound, bound, shape, { dtype }));
}

/**
 * One step of a cell given its input projection `xi` = x·W_ihᵀ + b_ih (computed for all steps
 * at once by the layers) and the state; returns the new hidden state (and cell state).
 */
function step(
  kind: Kind,
  nonlinearity: "tanh" | "relu",
  xi: Variable,
  h: Variable,
  c: Variable | null,
  weightHh: Variable,
  biasHh: Variable | null,
): [Variable, Variable | null] {
  const hh = linear(h, weightHh, biasHh);
  if (kind === "rnn") {
    const z = add(xi, hh);
    return [nonlinearity === "relu" ? relu(z) : tanh(z), null];
  }
  if (kind === "lstm") {
    // PyTorch's gate order: input, forget, cell (g), output.
    const [i, f, g, o] = split(add(xi, hh), 4, -1) as [Variable, Variable, Variable, Variable];
    const cNext = add(mul(sigmoid(f), c as Variable), mul(sigmoid(i), tanh(g)));
    return [mul(sigmoid(o), tanh(cNext)), cNext];
  }
  // GRU, gates reset, update, new: n = tanh(x_n + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
  const [xr, xz, xn] = split(xi, 3, -1) as [Variable, Variable, Variable];
  const [hr, hz, hn] = split(hh, 3, -1) as [Variable, Variable, Variable];
  const r = sigmoid(add(xr, hr));
  const z = sigmoid(add(xz, hz));
  const n = tanh(add(xn, mul(r, hn)));
  return [add(n, mul(z, sub(h, n))), null];
}

/** Shared parts of the three cells. */
abstract class CellBase extends Layer<
  [x: VariableLike, state?: VariableLike | [VariableLike, VariableLike]],
  unknown
> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** [gates·hidden, input]. */
  weightIh: Parameter;
  /** [gates·hidden, hidden]. */
  weightHh: Parameter;
  biasIh: Parameter | null;
  biasHh: Parameter | null;
  private readonly kind: Kind;
  private readonly nonlinearity: "tanh" | "relu";

  constructor(
    kind: Kind,
    layer: string,
    inputSize: number,
    hiddenSize: number,
    options: RNNCellOptions,
  ) {
    super();
    checkSizes(layer, inputSize, hiddenSize);
    const { bias = true, nonlinearity = "tanh", dtype = "float32", rng = freshRandom() } = options;
    if (nonlinearity !== "tanh" && nonlinearity !== "relu") {
      throw new NNError(
        `${layer}: nonlinearity must be 'tanh' or 'relu', got ${JSON.stringify(nonlinearity)}`,
      );
    }
    const rows = GATES[kind] * hiddenSize;
    this.kind = kind;
    this.nonlinearity = nonlinearity;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.weightIh = uniformParameter([rows, inputSize], hiddenSize, dtype, rng);
    this.weightHh = uniformParameter([rows, hiddenSize], hiddenSize, dtype, rng);
    this.biasIh = bias ? uniformParameter([rows], hiddenSize, dtype, rng) : null;
    this.biasHh = bias ? uniformParameter([rows], hiddenSize, dtype, rng) : null;
  }

  /** x as [N, input] (unbatched [input] gets a batch axis), and the state shape it needs. */
  protected batched(x: Variable, layer: string): { input: Variable; unbatched: boolean } {
    if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new ShapeError(
        `${layer}: expected input [N, ${this.inputSize}] or [${this.inputSize}], got ${formatShape(x.shape)}`,
      );
    }
    const unbatched = x.ndim === 1;
    return { input: unbatched ? x.reshape([1, this.inputSize]) : x, unbatched };
  }

  protected state(
    value: VariableLike | undefined,
    n: number,
    unbatched: boolean,
    layer: string,
    what: string,
  ): Variable {
    if (value === undefined) return asVariable(nd.zeros([n, this.hiddenSize], this.weightIh.dtype));
    const v = asVariable(value);
    const expected = unbatched ? [this.hiddenSize] : [n, this.hiddenSize];
    if (v.ndim !== expected.length || v.shape.some((d, i) => d !== expected[i])) {
      throw new ShapeError(
        `${layer}: ${what} ${formatShape(v.shape)} must be ${formatShape(expected)}`,
      );
    }
    return unbatched ? v.reshape([1, this.hiddenSize]) : v;
  }

  protected run(
    x: VariableLike,
    h0: VariableLike | undefined,
    c0: VariableLike | undefined,
    layer: string,
  ) {
    const { input, unbatched } = this.batched(asVariable(x), layer);
    const n = input.shape[0] as number;
    const h = this.state(h0, n, unbatched, layer, "h");
    const c = this.kind === "lstm" ? this.state(c0, n, unbatched, layer, "c") : null;
    const xi = linear(input, this.weightIh, this.biasIh);
    const [hNext, cNext] = step(this.kind, this.nonlinearity, xi, h, c, this.weightHh, this.biasHh);
    const restore = (v: Variable) => (unbatched ? squeeze(v, 0) : v);
    return { h: restore(hNext), c: cNext === null ? null : restore(cNext) };
  }
}

/**
 * An Elman RNN cell (PyTorch's `nn.RNNCell`): h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) (or
 * relu). Fields `weightIh` [hidden, input], `weightHh` [hidden, hidden], `biasIh`, `biasHh`
 * (keys weight_ih …). `forward(x, h?)`: x [N, input] or [input], h defaults to zeros.
 */
export class RNNCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super("rnn", "RNNCell", inputSize, hiddenSize, options);
  }

  override forward(x: VariableLike, h?: VariableLike): Variable {
    return this.run(x, h, undefined, "RNNCell").h;
  }
}

/**
 * An LSTM cell (PyTorch's `nn.LSTMCell`, gates i, f, g, o stacked in that order in `weightIh`
 * [4·hidden, input] and `weightHh` [4·hidden, hidden]). `forward(x, [h, c]?)` returns `[h', c']`.
 */
export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super("lstm", "LSTMCell", inputSize, hiddenSize, options);
  }

  override forward(x: VariableLike, state?: [VariableLike, VariableLike]): [Variable, Variable] {
    const { h, c } = this.run(x, state?.[0], state?.[1], "LSTMCell");
    return [h, c as Variable];
  }
}

/**
 * A GRU cell (PyTorch's `nn.GRUCell`, gates r, z, n stacked in that order): n = tanh(x_n +
 * r ⊙ (W_hn·h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h. `forward(x, h?)` returns h'.
 */
export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super("gru", "GRUCell", inputSize, hiddenSize, options);
  }

  override forward(x: VariableLike, h?: VariableLike): Variable {
    return this.run(x, h, undefined, "GRUCell").h;
  }
}

/** Shared parts of RNN, LSTM and GRU: per-layer parameters as fields weightIhL0 …, the loop. */
abstract class RecurrentBase extends Layer<
  [x: VariableLike, state?: VariableLike | [VariableLike, VariableLike]],
  unknown
> {
  /** Layer l's weights, PyTorch's: weightIhL0 [gates·hidden, input], weightHhL0 [gates·hidden, hidden], … */
  [weight: `weight${"Ih" | "Hh"}L${number}`]: Parameter;
  /** Layer l's biases biasIhL0, biasHhL0 [gates·hidden], … (absent without bias). */
  [bias: `bias${"Ih" | "Hh"}L${number}`]: Parameter | undefined;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  private readonly kind: Kind;
  private readonly nonlinearity: "tanh" | "relu";
  private readonly rng: Random;

  constructor(
    kind: Kind,
    layer: string,
    inputSize: number,
    hiddenSize: number,
    options: RNNOptions,
  ) {
    super();
    checkSizes(layer, inputSize, hiddenSize);
    const {
      bias = true,
      nonlinearity = "tanh",
      numLayers = 1,
      batchFirst = false,
      dropout: p = 0,
      dtype = "float32",
      rng = freshRandom(),
    } = options;
    if (!Number.isInteger(numLayers) || numLayers < 1) {
      throw new NNError(`${layer}: numLayers must be a positive integer, got ${numLayers}`);
    }
    if (nonlinearity !== "tanh" && nonlinearity !== "relu") {
      throw new NNError(
        `${layer}: nonlinearity must be 'tanh' or 'relu', got ${JSON.stringify(nonlinearity)}`,
      );
    }
    if (!(typeof p === "number" && p >= 0 && p < 1)) {
      throw new NNError(`${layer}: dropout must be a number in [0, 1), got ${p}`);
    }
    this.kind = kind;
    this.nonlinearity = nonlinearity;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.batchFirst = batchFirst;
    this.dropout = p;
    this.rng = rng;
    const rows = GATES[kind] * hiddenSize;
    const fields = this as unknown as Record<string, Parameter | null>;
    // Field order = PyTorch's key order: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, l1 …
    for (let l = 0; l < numLayers; l++) {
      const width = l === 0 ? inputSize : hiddenSize;
      fields[`weightIhL${l}`] = uniformParameter([rows, width], hiddenSize, dtype, rng);
      fields[`weightHhL${l}`] = uniformParameter([rows, hiddenSize], hiddenSize, dtype, rng);
      if (bias) {
        fields[`biasIhL${l}`] = uniformParameter([rows], hiddenSize, dtype, rng);
        fields[`biasHhL${l}`] = uniformParameter([rows], hiddenSize, dtype, rng);
      }
    }
  }

  /** Layer l's parameter `name` (weightIh, weightHh, biasIh, biasHh). */
  protected parameter(name: string, l: number): Parameter | null {
    return ((this as unknown as Record<string, Parameter | undefined>)[`${name}L${l}`] ??
      null) as Parameter | null;
  }

  /** The state argument checked and batched: [numLayers, N, hidden] (unbatched [numLayers, hidden]). */
  private initial(
    value: VariableLike | undefined,
    n: number,
    unbatched: boolean,
    layer: string,
    what: string,
  ): Variable {
    const dtype = (this.parameter("weightIh", 0) as Parameter).dtype;
    if (value === undefined)
      return asVariable(nd.zeros([this.numLayers, n, this.hiddenSize], dtype));
    const v = asVariable(value);
    const expected = unbatched
      ? [this.numLayers, this.hiddenSize]
      : [this.numLayers, n, this.hiddenSize];
    if (v.ndim !== expected.length || v.shape.some((d, i) => d !== expected[i])) {
      throw new ShapeError(
        `${layer}: ${what} ${formatShape(v.shape)} must be ${formatShape(expected)}`,
      );
    }
    return unbatched ? v.reshape([this.numLayers, 1, this.hiddenSize]) : v;
  }

  protected run(
    x: VariableLike,
    h0: VariableLike | undefined,
    c0: VariableLike | undefined,
    layer: string,
  ) {
    const input = asVariable(x);
    if ((input.ndim !== 2 && input.ndim !== 3) || input.shape[input.ndim - 1] !== this.inputSize) {
      const layout = this.batchFirst ? "[N, L, " : "[L, N, ";
      throw new ShapeError(
        `${layer}: expected input ${layout}${this.inputSize}] or [L, ${this.inputSize}], got ${formatShape(input.shape)}`,
      );
    }
    const unbatched = input.ndim === 2;
    // One layout inside: [L, N, features].
    const sequence = unbatched
      ? input.reshape([input.shape[0] as number, 1, this.inputSize])
      : this.batchFirst
        ? transpose(input, [1, 0, 2])
        : input;
    const [length, n] = sequence.shape as [number, number];
    const h0s = this.initial(h0, n, unbatched, layer, "h0");
    const c0s = this.kind === "lstm" ? this.initial(c0, n, unbatched, layer, "c0") : null;
    let layerInput = sequence;
    const hs: Variable[] = [];
    const cs: Variable[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      // The input projection of every step at once: one matrix product per layer.
      const xi = linear(
        layerInput,
        this.parameter("weightIh", l) as Parameter,
        this.parameter("biasIh", l),
      );
      const steps = split(xi, length, 0).map((s) => squeeze(s, 0));
      let h = squeeze(h0s.slice([[l, l + 1]]), 0);
      let c = c0s === null ? null : squeeze(c0s.slice([[l, l + 1]]), 0);
      const outputs: Variable[] = [];
      for (const xt of steps) {
        [h, c] = step(
          this.kind,
          this.nonlinearity,
          xt,
          h,
          c,
          this.parameter("weightHh", l) as Parameter,
          this.parameter("biasHh", l),
        );
        outputs.push(h);
      }
      hs.push(h);
      if (c !== null) cs.push(c);
      layerInput = length === 0 ? layerInput : stack(outputs, 0);
      if (this.dropout > 0 && this.training && l < this.numLayers - 1) {
        layerInput = dropout(layerInput, this.dropout, { training: true, rng: this.rng });
      }
    }
    const restoreOutput = (y: Variable) =>
      unbatched ? squeeze(y, 1) : this.batchFirst ? transpose(y, [1, 0, 2]) : y;
    const restoreState = (s: Variable) => (unbatched ? squeeze(s, 1) : s);
    return {
      output: restoreOutput(layerInput),
      h: restoreState(stack(hs, 0)),
      c: cs.length > 0 ? restoreState(stack(cs, 0)) : null,
    };
  }
}

/**
 * A multi-layer Elman RNN (PyTorch's `nn.RNN`): fields `weightIhL0 weightHhL0 biasIhL0
 * biasHhL0 …` (keys weight_ih_l0 …). `forward(x, h0?)` with x [L, N, input] ([N, L, input] with
 * batchFirst, or unbatched [L, input]) returns `[output, hN]`: output [L, N, hidden] (layout as
 * x), hN [numLayers, N, hidden]. Throws NNError for bad sizes or options, ShapeError for inputs
 * or states of the wrong shape.
 */
export class RNN extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super("rnn", "RNN", inputSize, hiddenSize, options);
  }

  override forward(x: VariableLike, h0?: VariableLike): [Variable, Variable] {
    const { output, h } = this.run(x, h0, undefined, "RNN");
    return [output, h];
  }
}

/**
 * A multi-layer LSTM (PyTorch's `nn.LSTM`, gates i, f, g, o): as RNN, with
 * `forward(x, [h0, c0]?)` returning `[output, [hN, cN]]`.
 */
export class LSTM extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super("lstm", "LSTM", inputSize, hiddenSize, options);
  }

  override forward(
    x: VariableLike,
    state?: [VariableLike, VariableLike],
  ): [Variable, [Variable, Variable]] {
    const { output, h, c } = this.run(x, state?.[0], state?.[1], "LSTM");
    return [output, [h, c as Variable]];
  }
}

/** A multi-layer GRU (PyTorch's `nn.GRU`, gates r, z, n): as RNN. */
export class GRU extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super("gru", "GRU", inputSize, hiddenSize, options);
  }

  override forward(x: VariableLike, h0?: VariableLike): [Variable, Variable] {
    const { output, h } = this.run(x, h0, undefined, "GRU");
    return [output, h];
  }
}
