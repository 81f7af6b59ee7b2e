import {
  add,
  div,
  mul,
  noGrad,
  reshape,
  sum,
  type Variable,
  type VariableLike,
} from "@zerograd/autograd";
import { arange, argmax, exp, max, NDArray, Random, slice, sub } from "@zerograd/ndarray";
import {
  crossEntropy,
  Embedding,
  GELU,
  Layer,
  LayerNorm,
  Linear,
  MultiheadAttention,
  Sequential,
  toSafetensors,
} from "@zerograd/nn";
import { AdamW, CosineAnnealingLR, LinearLR, SequentialLR } from "@zerograd/optim";
import type { TopLevelSpec } from "vega-lite";
import { renderSvg } from "../charts";
import { formatCount, type Printer, plural, prepareOutput, writeOutput } from "../io";
import { bigramModel, encodeNames, loadNames } from "../names-data";
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
  files: { weights: string; curves: string };
}

/** One pre-LayerNorm transformer block: causal self-attention and an MLP, each residual. */
class Block extends Layer {
  ln1: LayerNorm;
  attention: MultiheadAttention;
  ln2: LayerNorm;
  mlp: Sequential;

  constructor(embed: number, heads: number, rng: Random) {
    super();
    this.ln1 = new LayerNorm(embed);
    this.attention = new MultiheadAttention(embed, heads, { batchFirst: true, rng });
    this.ln2 = new LayerNorm(embed);
    this.mlp = new Sequential(
      new Linear(embed, 4 * embed, { rng }),
      new GELU(),
      new Linear(4 * embed, embed, { rng }),
    );
  }

  forward(x: VariableLike): Variable {
    const h = this.ln1.call(x);
    const [attended] = this.attention.call(h, h, h, { isCausal: true, needWeights: false });
    const y = add(x, attended);
    return add(y, this.mlp.call(this.ln2.call(y)));
  }
}

/**
 * A character-level GPT (makemore's transformer): token and position embeddings, `layers`
 * blocks, a final LayerNorm and a Linear head to the vocabulary. Input int32 [B, T] tokens,
 * output [B, T, vocabulary] logits of each position's next token.
 */
export class NameGpt extends Layer<[tokens: NDArray], Variable> {
  readonly context: number;
  tokenEmbedding: Embedding;
  positionEmbedding: Embedding;
  blocks: Sequential;
  lnF: LayerNorm;
  head: Linear;

  constructor(
    vocabulary: number,
    context: number,
    embed: number,
    heads: number,
    layers: number,
    rng: Random,
  ) {
    super();
    this.context = context;
    this.tokenEmbedding = new Embedding(vocabulary, embed, { rng });
    this.positionEmbedding = new Embedding(context, embed, { rng });
    this.blocks = new Sequential(
      ...Array.from({ length: layers }, () => new Block(embed, heads, rng)),
    );
    this.lnF = new LayerNorm(embed);
    this.head = new Linear(embed, vocabulary, { rng });
  }

  forward(tokens: NDArray): Variable {
    const t = tokens.shape[1] as number;
    const positions = arange(0, t, 1, { dtype: "int32" });
    const x = add(this.tokenEmbedding.call(tokens), this.positionEmbedding.call(positions));
    return this.head.call(this.lnF.call(this.blocks.call(x)));
  }
}

/** Mean cross-entropy per real character of a batch (padding masked out), and the logits. */
function batchLoss(model: NameGpt, names: readonly string[], vocabulary: readonly string[]) {
  // As wide as the batch's longest name needs (causal attention makes padding at the end
  // harmless, so narrower batches are only faster).
  const width = Math.max(...names.map((name) => name.length)) + 1;
  const batch = encodeNames(names, vocabulary, width);
  const logits = reshape(model.call(batch.inputs), [-1, vocabulary.length]);
  const perPosition = crossEntropy(logits, batch.targets, { reduction: "none" });
  return {
    loss: div(sum(mul(perPosition, batch.mask)), batch.count),
    logits,
    batch,
    count: batch.count,
  };
}

/** Validation (or any) loss in nats per character, with grad off, in eval mode. */
function meanLoss(model: NameGpt, names: readonly string[], vocabulary: readonly string[]): number {
  model.eval();
  let total = 0;
  let count = 0;
  noGrad(() => {
    for (let start = 0; start < names.length; start += 256) {
      const part = batchLoss(model, names.slice(start, start + 256), vocabulary);
      total += part.loss.item() * part.count;
      count += part.count;
    }
  });
  model.train();
  return total / count;
}

/** Samples one name a character at a time, from the boundary token until the next one. */
function sampleName(
  model: NameGpt,
  vocabulary: readonly string[],
  temperature: number,
  rng: Random,
): string {
  const tokens = [0];
  noGrad(() => {
    while (tokens.length < model.context) {
      const input = new NDArray(Int32Array.from(tokens), [1, tokens.length]);
      const logits = model.call(input).data;
      const last = slice(logits, [null, [tokens.length - 1, tokens.length]]).reshape([-1]);
      const scaled = last.div(temperature);
      const probs = exp(sub(scaled, max(scaled))); // categorical normalises them
      const [next] = rng.categorical(probs, 1).toTypedArray() as Int32Array;
      if (next === 0) break;
      tokens.push(next as number);
    }
  });
  return tokens
    .slice(1)
    .map((t) => vocabulary[t])
    .join("");
}

/**
 * Trains a small GPT on first names (makemore): AdamW with weight decay 0.1 on the weight
 * matrices and embeddings only, the learning rate warmed up linearly over the first steps then
 * annealed on a cosine; train and validation loss per epoch next to a bigram baseline; curves
 * as SVG; the weights as names-gpt.safetensors; then `samples` new names drawn with `seed` and
 * `temperature`, and the share that are not training names.
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
    const shuffled = order.permutation(train.length).toTypedArray();
    const progress = new EpochProgress(
      printer,
      `epoch ${String(epoch).padStart(width)}/${epochs}`,
      stepsPerEpoch,
    );
    let lossSum = 0;
    let characters = 0;
    let correct = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const picked = Array.from(
        shuffled.subarray(step * batchSize, (step + 1) * batchSize),
        (i) => train[i] as string,
      );
      const { loss, logits, batch } = batchLoss(model, picked, vocabulary);
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
  printer.line(`trained in ${seconds.toFixed(1)} s`);
  printer.line(`validation loss: ${validationLoss.toFixed(4)}`);
  return {
    epochs: records,
    validationLoss,
    bigramValidationLoss,
    samples,
    novel,
    seconds,
    files: { weights, curves },
  };
}

/** How many real positions the logits' top token predicts right. */
function countCorrect(logits: NDArray, targets: NDArray, mask: NDArray): number {
  const predicted = argmax(logits, 1).toTypedArray();
  const expected = targets.toTypedArray();
  const real = mask.toTypedArray();
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (real[i] && predicted[i] === expected[i]) correct++;
  return correct;
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
