import { writeFileSync } from "node:fs";
import { Random } from "@zerograd/ndarray";
import { toSafetensors } from "@zerograd/nn";
import { toOnnx } from "@zerograd/onnx";
import { AdamW, CosineAnnealingLR, LinearLR, SequentialLR } from "@zerograd/optim";
import type { TopLevelSpec } from "vega-lite";
import { renderSvg } from "../charts";
import { formatCount, type Printer, plural, prepareOutput, UsageError, writeOutput } from "../io";
import { bigramModel, encodeNames, loadNames } from "../names-data";
import { batchLoss, countCorrect, epochBatches, meanLoss, NameGpt, sampleName } from "../names-gpt";
import { EpochProgress } from "../progress";

/** Flags of `names`. */
export interface NamesOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  /** Width of the embeddings and the residual stream. */
  embed: number;
  heads: number;
  layers: number;
  /** Names to sample at the end. */
  samples: number;
  /** Softmax temperature of the sampling (1: the model's distribution). */
  temperature: number;
  seed: number;
  out: string;
  /** Also write the trained model as ONNX to this file (`--export-onnx`). */
  exportOnnx?: string;
}

/** The defaults: about a minute here. */
export const NAMES_DEFAULTS: NamesOptions = {
  epochs: 4,
  batchSize: 32,
  lr: 0.003,
  embed: 48,
  heads: 4,
  layers: 2,
  samples: 20,
  temperature: 0.8,
  seed: 0,
  out: "out",
};

/** What `names` returns (and prints with `--json`). */
export interface NamesResult {
  /** Per epoch: mean training and validation loss, nats per character. */
  epochs: { epoch: number; trainLoss: number; validationLoss: number }[];
  validationLoss: number;
  bigramValidationLoss: number;
  samples: string[];
  /** Share of the samples that are not training names. */
  novel: number;
  seconds: number;
  files: { weights: string; curves: string; onnx?: string };
}

/**
 * Trains a small GPT on first names (makemore): AdamW with weight decay 0.1 on the weight
 * matrices and embeddings only, the learning rate warmed up linearly over the first steps then
 * annealed on a cosine; train and validation loss per epoch next to a bigram baseline; curves
 * as SVG; the weights as names-gpt.safetensors; then `samples` new names drawn with `seed` and
 * `temperature`, and the share that are not training names. With `exportOnnx`, the model is
 * also written as ONNX (int32 `tokens` [batch, context] in, `logits` [batch, context,
 * vocabulary] out; `predict --weights … --onnx …` runs it in onnxruntime).
 */
export async function names(options: NamesOptions, printer: Printer): Promise<NamesResult> {
  const started = performance.now();
  const { epochs, batchSize, lr, embed, heads, layers, temperature, seed, out } = options;
  prepareOutput(out);
  const rng = new Random(seed);
  const data = loadNames(rng);
  const { train, validation, vocabulary } = data;
  const context = data.longest + 1;
  const model = new NameGpt(vocabulary.length, context, embed, heads, layers, rng.fork());
  const decayed = model
    .namedParameters()
    .filter(([name, p]) => p.ndim >= 2 && !name.startsWith("ln"))
    .map(([, p]) => p);
  const others = model.parameters().filter((p) => !decayed.includes(p));
  const optimizer = new AdamW(
    [
      { params: decayed, weightDecay: 0.1 },
      { params: others, weightDecay: 0 },
    ],
    { lr },
  );
  const stepsPerEpoch = Math.ceil(train.length / batchSize);
  const totalSteps = epochs * stepsPerEpoch;
  const warmupSteps = Math.min(100, Math.floor(totalSteps / 10));
  const scheduler = new SequentialLR(
    optimizer,
    [
      new LinearLR(optimizer, { startFactor: 0.1, totalIters: Math.max(warmupSteps, 1) }),
      new CosineAnnealingLR(optimizer, {
        TMax: Math.max(totalSteps - warmupSteps, 1),
        etaMin: lr / 20,
      }),
    ],
    [warmupSteps],
  );
  const parameterCount = model.parameters().reduce((n, p) => n + p.size, 0);

  printer.line(
    `names: GPT, ${plural(layers, "block")} of ${heads}-head causal self-attention + MLP, width ${embed}, context ${context}, ${formatCount(parameterCount)} parameters`,
  );
  printer.line(
    `data: ${formatCount(train.length + validation.length)} first names of the @stdlib datasets, ${formatCount(train.length)} train / ${formatCount(validation.length)} validation, ${vocabulary.length} tokens`,
  );
  printer.line(
    `AdamW (lr ${lr}, weight decay 0.1 on matrices), ${warmupSteps} warm-up steps then cosine, batch ${batchSize}, ${plural(epochs, "epoch")}, seed ${seed}`,
  );
  const bigram = bigramModel(train, vocabulary);
  const bigramValidationLoss = bigram(validation);
  printer.line(`bigram baseline: validation loss ${bigramValidationLoss.toFixed(4)} nats/char`);

  const order = rng.fork();
  const records: NamesResult["epochs"] = [];
  const stepLosses: number[] = [];
  const width = String(epochs).length;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const batches = epochBatches(train, batchSize, order);
    const progress = new EpochProgress(
      printer,
      `epoch ${String(epoch).padStart(width)}/${epochs}`,
      stepsPerEpoch,
    );
    let lossSum = 0;
    let characters = 0;
    let correct = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const { loss, logits, batch } = batchLoss(model, batches[step] as string[], vocabulary);
      model.zeroGrad();
      loss.backward();
      optimizer.step();
      scheduler.step();
      const value = loss.item();
      stepLosses.push(value);
      lossSum += value * batch.count;
      characters += batch.count;
      correct += countCorrect(logits.data, batch.targets, batch.mask);
      progress.update(step + 1, {
        loss: lossSum / characters,
        accuracy: correct / characters,
        samples: characters,
      });
    }
    const validationLoss = meanLoss(model, validation, vocabulary);
    const stats = {
      loss: lossSum / characters,
      accuracy: correct / characters,
      samples: characters,
    };
    progress.finish(stats, `  val loss ${validationLoss.toFixed(4)}`);
    records.push({ epoch, trainLoss: stats.loss, validationLoss });
  }
  const seconds = (performance.now() - started) / 1000;
  const validationLoss = (records.at(-1) as { validationLoss: number }).validationLoss;
  printer.line();
  printer.line(
    `validation loss ${validationLoss.toFixed(4)} nats/char vs the bigram's ${bigramValidationLoss.toFixed(4)} (${(bigramValidationLoss - validationLoss).toFixed(4)} lower)`,
  );

  const sampler = new Random(seed);
  const known = new Set(train);
  const samples = Array.from({ length: options.samples }, () =>
    sampleName(model, vocabulary, temperature, sampler),
  );
  const novel = samples.filter((name) => !known.has(name)).length / Math.max(samples.length, 1);
  printer.line(
    `${plural(samples.length, "name")} sampled at temperature ${temperature} (seed ${seed}):`,
  );
  printer.block(samples.map((name) => (known.has(name) ? name : `${name} *`)).join("\n"), 2);
  printer.line(`novel (not training names, marked *): ${(novel * 100).toFixed(0)}%`);

  const weights = writeOutput(
    out,
    "names-gpt.safetensors",
    toSafetensors(model.stateDict(), {
      model: "gpt",
      vocabulary: vocabulary.join(""),
      context: String(context),
      embed: String(embed),
      heads: String(heads),
      layers: String(layers),
      seed: String(seed),
    }),
  );
  const curves = writeOutput(
    out,
    "names-curves.svg",
    await renderSvg(curvesSpec(stepLosses, records, bigramValidationLoss)),
  );
  printer.line(`saved ${weights} and ${curves}`);
  if (options.exportOnnx !== undefined) {
    const file = options.exportOnnx;
    // Traced on one validation name padded to the full context: the causal mask and the
    // positions are constants of the traced length, so the file takes [any batch, context]
    // tokens, and shorter names are padded at the end (which causal attention ignores).
    const example = encodeNames(validation.slice(0, 1), vocabulary, context).inputs;
    const bytes = toOnnx(model, example, { inputNames: ["tokens"], outputNames: ["logits"] });
    try {
      writeFileSync(file, bytes);
    } catch (error) {
      throw new UsageError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code}`);
    }
    printer.line(
      `exported ${file} (ONNX, ${formatCount(bytes.length)} bytes, int32 tokens [batch, ${context}] in, logits [batch, ${context}, ${vocabulary.length}] out; predict --weights ${weights} --onnx ${file})`,
    );
  }
  printer.line(`trained in ${seconds.toFixed(1)} s`);
  printer.line(`validation loss: ${validationLoss.toFixed(4)}`);
  return {
    epochs: records,
    validationLoss,
    bigramValidationLoss,
    samples,
    novel,
    seconds,
    files: {
      weights,
      curves,
      ...(options.exportOnnx === undefined ? {} : { onnx: options.exportOnnx }),
    },
  };
}

/** Training loss per step and validation loss per epoch, with the bigram's as a rule. */
function curvesSpec(
  stepLosses: readonly number[],
  records: NamesResult["epochs"],
  bigram: number,
): TopLevelSpec {
  const stepsPerEpoch = stepLosses.length / Math.max(records.length, 1);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "zerograd names GPT: loss in nats per character",
    width: 480,
    height: 280,
    layer: [
      {
        data: {
          values: stepLosses.map((loss, step) => ({
            epoch: (step + 1) / stepsPerEpoch,
            loss,
            series: "train (per step)",
          })),
        },
        mark: { type: "line", strokeWidth: 1, opacity: 0.6 },
        encoding: {
          x: { field: "epoch", type: "quantitative", title: "epoch" },
          y: {
            field: "loss",
            type: "quantitative",
            title: "nats per character",
            scale: { zero: false },
          },
          color: { field: "series", type: "nominal", title: null },
        },
      },
      {
        data: {
          values: records.map((r) => ({
            epoch: r.epoch,
            loss: r.validationLoss,
            series: "validation",
          })),
        },
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "epoch", type: "quantitative" },
          y: { field: "loss", type: "quantitative" },
          color: { field: "series", type: "nominal" },
        },
      },
      {
        data: { values: [{ loss: bigram, series: "bigram baseline" }] },
        mark: { type: "rule", strokeDash: [4, 4] },
        encoding: {
          y: { field: "loss", type: "quantitative" },
          color: { field: "series", type: "nominal" },
        },
      },
    ],
  };
}
