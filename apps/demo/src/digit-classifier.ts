import { noGrad } from "@zerograd/autograd";
import { ArrayDataset, DataLoader } from "@zerograd/data";
import { argmax, type NDArray, Random, slice } from "@zerograd/ndarray";
import { accuracy, crossEntropy, type Layer, toSafetensors } from "@zerograd/nn";
import { CosineAnnealingLR } from "@zerograd/optim";
import type { TopLevelSpec } from "vega-lite";
import { finiteOrNull, renderSvg, terminalChart } from "./charts";
import { digitArt } from "./digit-art";
import { divergenceNote, findDivergence } from "./divergence";
import { describeOptimizer, makeOptimizer, type OptimizerName } from "./flags";
import { formatCount, type Printer, plural, prepareOutput, writeOutput } from "./io";
import { type Digits, loadMnist, PIXELS, shiftDigits, splitMnist } from "./mnist-data";
import { EpochProgress } from "./progress";

/** The training flags every digit classifier takes (`mnist`, `cnn`). */
export interface DigitTrainingOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerName;
  seed: number;
  /** Folder for the weights and the curves. */
  out: string;
}

/** What a command says about its model; the trainer does the rest. */
export interface DigitClassifierSpec {
  /** The model, built from `rng` (drawn after the split), taking [N, 784] images. */
  build(rng: Random): Layer;
  /** The model as the first line names it: `MLP 784-128-10 (ReLU)`. */
  description: string;
  /** The safetensors and SVG file names in `out`. */
  files: { weights: string; curves: string };
  /** The chart's title. */
  title: string;
  /** Saved with the weights (the seed is added), for `predict` to rebuild the model. */
  metadata: Record<string, string>;
  /** Pixels each training digit is shifted by at most, at random each time (default 0). */
  shift?: number;
  /** Anneal the learning rate to 0 over the epochs on a cosine (default false). */
  cosine?: boolean;
}

/** One epoch's figures. */
export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches (weighted by batch size). */
  loss: number;
  /** Training accuracy over the epoch (of the model as it was at each batch). */
  trainAccuracy: number;
  /** Accuracy on the test split after the epoch. */
  testAccuracy: number;
}

/** What a digit-classifier command returns (and prints with `--json`). */
export interface DigitTrainingResult {
  testAccuracy: number;
  epochs: EpochRecord[];
  /** Wall time from loading the data to the end of training, in seconds. */
  seconds: number;
  /** The step (batch) whose loss first was NaN or infinite; null when training did not diverge. */
  divergedAt: number | null;
  files: { weights: string; curves: string };
}

/**
 * The predicted digit of every sample, how many are wrong and the accuracy, with grad off and
 * the model in eval mode (dropout off, batch norm on its running statistics), 500 at a time.
 */
export function evaluate(
  model: Layer,
  digits: Digits,
): { predictions: Int32Array; wrong: number; accuracy: number } {
  const n = digits.labels.size;
  const predictions = new Int32Array(n);
  const wasTraining = model.training;
  model.eval();
  noGrad(() => {
    for (let start = 0; start < n; start += 500) {
      const stop = Math.min(n, start + 500);
      const scores = model.call(slice(digits.images, [[start, stop]])).data;
      predictions.set(argmax(scores, 1).toTypedArray() as Int32Array, start);
    }
  });
  model.train(wasTraining);
  const labels = digits.labels.toTypedArray();
  let correct = 0;
  for (let i = 0; i < n; i++) if (predictions[i] === labels[i]) correct++;
  return { predictions, wrong: n - correct, accuracy: correct / n };
}

/** The last line of `mnist`, `cnn` and `predict`. */
export function accuracyLine(value: number): string {
  return `test accuracy: ${value.toFixed(4)}`;
}

/**
 * Trains a digit classifier on the mnist package's 10,000 digits (8,000 train, 2,000 test by
 * a seeded shuffle), printing a progress line per epoch, loss and accuracy charts and some
 * misclassified test digits; saves the weights (safetensors, with the spec's metadata and the
 * seed) and the training curves (SVG) to `out`. Ends with `test accuracy: 0.XXXX`.
 */
export async function trainDigitClassifier(
  spec: DigitClassifierSpec,
  options: DigitTrainingOptions,
  printer: Printer,
): Promise<DigitTrainingResult> {
  const started = performance.now();
  const { epochs, batchSize, lr, optimizer: optimizerName, seed, out } = options;
  prepareOutput(out);
  const rng = new Random(seed);
  const { train, test } = splitMnist(loadMnist(), rng);
  const model = spec.build(rng.fork());
  const optimizer = makeOptimizer(optimizerName, model.parameters(), lr);
  const loader = new DataLoader(new ArrayDataset(train.images, train.labels), {
    batchSize,
    shuffle: true,
    rng: rng.fork(),
  });
  const { shift = 0, cosine = false } = spec;
  const augmentRng = rng.fork();
  const scheduler = cosine ? new CosineAnnealingLR(optimizer, { TMax: epochs }) : null;

  const schedule = cosine ? " annealed to 0 on a cosine" : "";
  const augmented = shift > 0 ? `, digits shifted up to ${shift} px` : "";
  printer.line(
    `MNIST: ${spec.description}, ${describeOptimizer(optimizerName, lr)}${schedule}, batch ${batchSize}, ${plural(epochs, "epoch")}${augmented}, seed ${seed}`,
  );
  printer.line(
    `data: ${formatCount(train.labels.size + test.labels.size)} digits of the mnist package, ${formatCount(train.labels.size)} train / ${formatCount(test.labels.size)} test`,
  );

  const records: EpochRecord[] = [];
  const stepLosses: number[] = [];
  const stepAccuracies: number[] = [];
  const width = String(epochs).length;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const label = `epoch ${String(epoch).padStart(width)}/${epochs}`;
    const progress = new EpochProgress(printer, label, loader.length);
    let lossSum = 0;
    let correctSum = 0;
    let samples = 0;
    let batches = 0;
    model.train();
    for (const [x, t] of loader) {
      const images = shift > 0 ? shiftDigits(x as NDArray, shift, augmentRng) : (x as NDArray);
      const scores = model.call(images);
      const loss = crossEntropy(scores, t as NDArray);
      model.zeroGrad();
      loss.backward();
      optimizer.step();
      const n = (t as NDArray).size;
      const batchLoss = loss.item();
      const batchAccuracy = accuracy(scores, t as NDArray);
      stepLosses.push(batchLoss);
      stepAccuracies.push(batchAccuracy);
      lossSum += batchLoss * n;
      correctSum += batchAccuracy * n;
      samples += n;
      batches++;
      progress.update(batches, {
        loss: lossSum / samples,
        accuracy: correctSum / samples,
        samples,
      });
    }
    const stats = { loss: lossSum / samples, accuracy: correctSum / samples, samples };
    const testAccuracy = evaluate(model, test).accuracy;
    progress.finish(stats, `  test acc ${testAccuracy.toFixed(4)}`);
    records.push({ epoch, loss: stats.loss, trainAccuracy: stats.accuracy, testAccuracy });
    scheduler?.step();
  }
  const seconds = (performance.now() - started) / 1000;

  const divergence = findDivergence(stepLosses);
  if (divergence) {
    const epoch = Math.ceil(divergence.step / loader.length);
    printer.line(divergenceNote(divergence, `step ${divergence.step} (epoch ${epoch})`));
  }

  printer.line();
  const steps = `${plural(stepLosses.length, "step", formatCount)}, ${plural(epochs, "epoch")}`;
  printer.block(terminalChart(`training loss (${steps})`, stepLosses, { decimals: 3 }), 2);
  printer.line();
  printer.block(terminalChart(`training accuracy (${steps})`, stepAccuracies, { decimals: 3 }), 2);

  const { predictions, wrong: wrongCount, accuracy: testAccuracy } = evaluate(model, test);
  const wrong = misclassified(predictions, test, 4);
  if (wrong.length > 0) {
    printer.line();
    printer.line(`misclassified test digits (${wrongCount} of ${test.labels.size}):`);
    printer.block(digitArt(wrong, 100), 2);
  }

  const weights = writeOutput(
    out,
    spec.files.weights,
    toSafetensors(model.stateDict(), { ...spec.metadata, seed: String(seed) }),
  );
  const curves = writeOutput(
    out,
    spec.files.curves,
    await renderSvg(curvesSpec(spec.title, stepLosses, records)),
  );
  printer.line();
  printer.line(`saved ${weights} (predict --weights ${weights}) and ${curves}`);
  printer.line(`trained in ${seconds.toFixed(1)} s`);
  printer.line(accuracyLine(testAccuracy));
  return {
    testAccuracy,
    epochs: records,
    seconds,
    divergedAt: divergence?.step ?? null,
    files: { weights, curves },
  };
}

/** The first `count` misclassified test digits, captioned with the prediction and the truth. */
function misclassified(predictions: Int32Array, test: Digits, count: number) {
  const labels = test.labels.toTypedArray();
  const pixels = test.images.toTypedArray();
  const found: { pixels: ArrayLike<number>; caption: string }[] = [];
  for (let i = 0; i < predictions.length && found.length < count; i++) {
    if (predictions[i] === labels[i]) continue;
    found.push({
      pixels: pixels.subarray(i * PIXELS, (i + 1) * PIXELS),
      caption: `predicted ${predictions[i]}, true ${labels[i]}`,
    });
  }
  return found;
}

/** Loss per step on the left, train and test accuracy per epoch on the right. */
function curvesSpec(
  title: string,
  stepLosses: readonly number[],
  records: readonly EpochRecord[],
): TopLevelSpec {
  const stepsPerEpoch = stepLosses.length / Math.max(records.length, 1);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    hconcat: [
      {
        width: 360,
        height: 240,
        title: "cross-entropy loss",
        data: {
          values: stepLosses.map((loss, step) => ({
            epoch: (step + 1) / stepsPerEpoch,
            loss: finiteOrNull(loss),
          })),
        },
        mark: { type: "line", strokeWidth: 1 },
        encoding: {
          x: { field: "epoch", type: "quantitative", title: "epoch" },
          y: { field: "loss", type: "quantitative", title: "loss (per step)" },
        },
      },
      {
        width: 360,
        height: 240,
        title: "accuracy",
        data: {
          values: records.flatMap((r) => [
            { epoch: r.epoch, accuracy: r.trainAccuracy, split: "train" },
            { epoch: r.epoch, accuracy: r.testAccuracy, split: "test" },
          ]),
        },
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "epoch", type: "quantitative", title: "epoch" },
          y: {
            field: "accuracy",
            type: "quantitative",
            title: "accuracy",
            scale: { zero: false },
          },
          color: { field: "split", type: "nominal", title: null },
        },
      },
    ],
  };
}
