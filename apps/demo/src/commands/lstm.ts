import { writeFileSync } from "node:fs";
import {
  asVariable,
  expandDims,
  mul,
  noGrad,
  squeeze,
  type Variable,
  type VariableLike,
} from "@zerograd/autograd";
import { SeqDataLoader, sinCurve } from "@zerograd/data";
import { type NDArray, Random, stack, zeros } from "@zerograd/ndarray";
import { Layer, Linear, LSTM, mseLoss } from "@zerograd/nn";
import { toOnnx } from "@zerograd/onnx";
import type { TopLevelSpec } from "vega-lite";
import { finiteOrNull, renderSvg, terminalChart } from "../charts";
import { divergenceNote, findDivergence } from "../divergence";
import { describeOptimizer, makeOptimizer, type OptimizerName } from "../flags";
import {
  formatCount,
  formatFixed,
  type Printer,
  plural,
  prepareOutput,
  UsageError,
  writeOutput,
} from "../io";
import { EpochProgress } from "../progress";

/** Flags of `lstm`. */
export interface LstmOptions {
  epochs: number;
  /** Parallel streams the series is cut into (SeqDataLoader's batchSize). */
  batchSize: number;
  hidden: number;
  /** Time steps per truncated backpropagation: the state carries on, its graph is cut. */
  bpttLength: number;
  lr: number;
  optimizer: OptimizerName;
  seed: number;
  out: string;
  /** Also write one step of the trained model as ONNX to this file (`--export-onnx`). */
  exportOnnx?: string;
}

/** The book's settings (step 60): LSTM 100 + Linear, Adam lr 0.001, 30 streams, BPTT 30, 100 epochs. */
export const LSTM_DEFAULTS: LstmOptions = {
  epochs: 100,
  batchSize: 30,
  hidden: 100,
  bpttLength: 30,
  lr: 0.001,
  optimizer: "adam",
  seed: 0,
  out: "out",
};

/** What `lstm` returns (and prints with `--json`). */
export interface LstmResult {
  /** The last epoch's mean loss per time step (the book's avg_loss). */
  loss: number;
  /** Every epoch's mean loss per time step. */
  epochs: { epoch: number; loss: number }[];
  /** Mean squared error of the next-value predictions along the clean cos curve. */
  testLoss: number;
  /** The update whose loss first was NaN or infinite; null when training did not diverge. */
  divergedAt: number | null;
  seconds: number;
  files: { prediction: string; onnx?: string };
}

/** An LSTM's hidden and cell state, [numLayers, N, hidden] each. */
type LstmState = [h: Variable, c: Variable];

/**
 * The book's BetterRNN: an LSTM reading one value per step and a Linear head that turns each
 * step's hidden state into the predicted next value. Input [L, N, 1], output [L, N, 1] and
 * the state after the last step, to pass to the next call.
 */
export class SequenceRegressor extends Layer<
  [x: VariableLike, state?: LstmState],
  [Variable, LstmState]
> {
  lstm: LSTM;
  fc: Linear;

  constructor(hidden: number, rng: Random) {
    super();
    this.lstm = new LSTM(1, hidden, { rng });
    this.fc = new Linear(hidden, 1, { rng });
  }

  forward(x: VariableLike, state?: LstmState): [Variable, LstmState] {
    const [output, next] = this.lstm.call(x, state);
    return [this.fc.call(output), next];
  }
}

/**
 * One time step of a SequenceRegressor with the batch first everywhere, the form it is
 * exported to ONNX in: x [N, 1] (this step's values), h and c [N, hidden] in; the predicted
 * next values y [N, 1] and the state after the step out. It shares the model's layers (so the
 * file's initializers keep the keys `lstm.weight_ih_l0 …`); a sequence is a loop feeding the
 * state back, from zeros.
 */
export class SequenceRegressorStep extends Layer {
  lstm: LSTM;
  fc: Linear;

  constructor(model: SequenceRegressor) {
    super();
    this.lstm = model.lstm;
    this.fc = model.fc;
  }

  forward(x: VariableLike, h: VariableLike, c: VariableLike): Variable {
    // The LSTM reads [L = 1, N, ...]; a leading axis added and removed keeps N on axis 0.
    const lead = (v: VariableLike) => expandDims(asVariable(v), 0);
    const [output, [hNext, cNext]] = this.lstm.call(lead(x), [lead(h), lead(c)]);
    const y = squeeze(this.fc.call(output), 0);
    // Layer's forward type says one Variable; toOnnx flattens the three outputs.
    return [y, squeeze(hNext, 0), squeeze(cNext, 0)] as unknown as Variable;
  }
}

/**
 * One step of `model` as ONNX bytes: inputs `x` [batch, 1], `h` and `c` [batch, hidden];
 * outputs `y` [batch, 1], `hNext`, `cNext` (any batch size; the graph is one unrolled step).
 */
export function lstmStepOnnx(model: SequenceRegressor): Uint8Array {
  const hidden = model.lstm.hiddenSize;
  return toOnnx(
    new SequenceRegressorStep(model),
    [zeros([1, 1]), zeros([1, hidden]), zeros([1, hidden])],
    { inputNames: ["x", "h", "c"], outputNames: ["y", "hNext", "cNext"] },
  );
}

/**
 * DeZero's step 60: an LSTM learns to continue the book's noisy sin curve one value at a time.
 * The 999 steps are read by a SeqDataLoader as `batchSize` parallel streams; every
 * `bpttLength` steps the summed loss is backpropagated and the state detached (truncated
 * BPTT), so it carries on to the next chunk without its graph. Each epoch starts from a zero
 * state. Progress comes in blocks of epochs (a tenth of them each); the model then runs along
 * the clean cos curve from a zero state, predicting each next value (its mean squared error is
 * `testLoss`), drawn in lstm-cos.svg. Ends with `loss: X.XXXXXX`, the last epoch's mean loss.
 */
export async function lstm(options: LstmOptions, printer: Printer): Promise<LstmResult> {
  const started = performance.now();
  const {
    epochs,
    batchSize,
    hidden,
    bpttLength,
    lr,
    optimizer: optimizerName,
    seed,
    out,
  } = options;
  prepareOutput(out);
  const rng = new Random(seed);
  const train = sinCurve({ rng });
  if (batchSize > train.length) {
    throw new UsageError(
      `--batch-size ${batchSize} exceeds the ${train.length} steps of the series`,
    );
  }
  const loader = new SeqDataLoader(train, { batchSize });
  const model = new SequenceRegressor(hidden, rng.fork());
  const optimizer = makeOptimizer(optimizerName, model.parameters(), lr);
  const updatesPerEpoch = Math.ceil(loader.length / bpttLength);
  printer.line(
    `lstm: LSTM(1, ${hidden}) + Linear(${hidden}, 1), ${describeOptimizer(optimizerName, lr)}, truncated BPTT every ${plural(bpttLength, "step")}, ${plural(epochs, "epoch")}, seed ${seed}`,
  );
  printer.line(
    `data: sin x + U(-0.05, 0.05) at ${formatCount(train.length + 1)} points of [0, 2π], next value as target; ${plural(batchSize, "stream")} ${plural(Math.floor(train.length / batchSize), "step")} apart, ${loader.length === 1 ? "1 batch" : `${loader.length} batches`} per epoch`,
  );

  const records: LstmResult["epochs"] = [];
  const updateLosses: number[] = [];
  const blockSize = Math.max(1, Math.ceil(epochs / 10));
  for (let first = 1; first <= epochs; first += blockSize) {
    const last = Math.min(first + blockSize - 1, epochs);
    const progress = new EpochProgress(
      printer,
      blockLabel(first, last, epochs, blockSize),
      (last - first + 1) * loader.length,
      { accuracy: false },
    );
    let samples = 0;
    let epochLoss = 0;
    for (let epoch = first; epoch <= last; epoch++) {
      let state: LstmState | undefined; // zeros, as the book's reset_state
      let inputs: NDArray[] = [];
      let targets: NDArray[] = [];
      let lossSum = 0;
      let steps = 0;
      for (const [x, t] of loader) {
        inputs.push(x);
        targets.push(t);
        steps++;
        samples += batchSize;
        if (inputs.length === bpttLength || steps === loader.length) {
          // The chunk as one sequence [L, N, 1]: the LSTM runs its steps in order.
          const [y, next] = model.call(stack(inputs), state);
          // The book sums each step's mean squared error over the chunk.
          const loss = mul(mseLoss(y, stack(targets)), inputs.length);
          model.zeroGrad();
          loss.backward();
          optimizer.step();
          const value = loss.item();
          updateLosses.push(value);
          lossSum += value;
          state = [next[0].detach(), next[1].detach()];
          inputs = [];
          targets = [];
        }
        progress.update((epoch - first) * loader.length + steps, {
          loss: lossSum / steps,
          samples,
        });
      }
      epochLoss = lossSum / steps;
      records.push({ epoch, loss: epochLoss });
    }
    progress.finish({ loss: epochLoss, samples }, "");
  }
  const seconds = (performance.now() - started) / 1000;
  const loss = (records.at(-1) as { loss: number }).loss;
  const divergence = findDivergence(updateLosses);
  if (divergence) {
    const epoch = Math.ceil(divergence.step / updatesPerEpoch);
    printer.line(divergenceNote(divergence, `step ${divergence.step} (epoch ${epoch})`));
  }

  const { inputs, targets, predictions, testLoss } = predictCos(model);
  printer.line();
  printer.block(
    terminalChart(
      "loss per epoch",
      records.map((r) => r.loss),
      { decimals: 4 },
    ),
    2,
  );
  printer.line();
  printer.block(
    terminalChart(`predicted cos x, step by step (${predictions.length} steps)`, predictions),
    2,
  );
  printer.line();
  printer.line(
    `test: the next value of cos x from the ones before, from a zero state: mean squared error ${formatFixed(testLoss, 6)}`,
  );
  const prediction = writeOutput(
    out,
    "lstm-cos.svg",
    await renderSvg(predictionSpec(inputs, targets, predictions)),
  );
  printer.line(`saved the prediction as ${prediction}`);
  if (options.exportOnnx !== undefined) {
    const file = options.exportOnnx;
    const bytes = lstmStepOnnx(model);
    try {
      writeFileSync(file, bytes);
    } catch (error) {
      throw new UsageError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code}`);
    }
    printer.line(
      `exported ${file} (ONNX, ${formatCount(bytes.length)} bytes: one step, x [batch, 1], h and c [batch, ${hidden}] in; y, hNext, cNext out)`,
    );
  }
  printer.line(`trained in ${seconds.toFixed(1)} s`);
  printer.line(`loss: ${formatFixed(loss, 6)}`);
  return {
    loss,
    epochs: records,
    testLoss,
    divergedAt: divergence?.step ?? null,
    seconds,
    files: {
      prediction,
      ...(options.exportOnnx === undefined ? {} : { onnx: options.exportOnnx }),
    },
  };
}

/**
 * What one progress line covers: `epoch  3/10` when every line is one epoch, else a range
 * padded so that the lines of a run line up (`epochs   1-10/100`, `epochs 91-100/100`).
 */
function blockLabel(first: number, last: number, epochs: number, blockSize: number): string {
  const width = String(epochs).length;
  if (blockSize === 1) return `epoch ${String(last).padStart(width)}/${epochs}`;
  return `epochs ${`${first}-${last}`.padStart(2 * width + 1)}/${epochs}`;
}

/**
 * The model along the book's test series (cos x at the training points, no noise): one
 * sequence [999, 1, 1] from a zero state, so each output predicts the next value from all the
 * ones before. Returns the series, the predictions and their mean squared error.
 */
export function predictCos(model: SequenceRegressor) {
  const test = sinCurve({ train: false });
  const steps = test.length;
  const inputs = Float64Array.from(test.x.toTypedArray());
  const targets = Float64Array.from(test.y.toTypedArray());
  const predictions = noGrad(() => {
    const [y] = model.call(test.x.reshape([steps, 1, 1]));
    return Array.from(y.data.toTypedArray());
  });
  let squares = 0;
  for (let i = 0; i < steps; i++)
    squares += ((predictions[i] as number) - (targets[i] as number)) ** 2;
  return { inputs, targets, predictions, testLoss: squares / steps };
}

/** cos x and the model's predictions of it, each drawn at the point it predicts. */
function predictionSpec(
  inputs: Float64Array,
  targets: Float64Array,
  predictions: readonly number[],
): TopLevelSpec {
  const steps = inputs.length;
  const at = (i: number) => (2 * Math.PI * i) / steps;
  const truth = [inputs[0] as number, ...targets].map((y, i) => ({
    x: at(i),
    y,
    series: "cos x",
  }));
  const predicted = predictions.map((y, i) => ({
    x: at(i + 1),
    y: finiteOrNull(y),
    series: "LSTM prediction",
  }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "zerograd LSTM trained on noisy sin x, predicting cos x one step ahead",
    width: 480,
    height: 280,
    data: { values: [...truth, ...predicted] },
    mark: { type: "line", strokeWidth: 2 },
    encoding: {
      x: { field: "x", type: "quantitative", title: "x (radians)" },
      y: { field: "y", type: "quantitative", title: "y" },
      color: { field: "series", type: "nominal", title: null },
      strokeDash: { field: "series", type: "nominal", legend: null },
    },
  };
}
