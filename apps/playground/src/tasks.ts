import type { Variable } from "@zerograd/autograd";
import { tanh } from "@zerograd/autograd";
import { ArrayDataset, spiral } from "@zerograd/data";
import { loadNames, type NamesData } from "@zerograd/demo/names-data";
import { NameGpt } from "@zerograd/demo/names-gpt";
import { NDArray, Random } from "@zerograd/ndarray";
import { type Layer, MLP, relu, sigmoid } from "@zerograd/nn";
import { DigitCnn } from "./cnn";
import { TASK_DEFAULTS } from "./defaults";
import type { ActivationName, TaskName, TrainConfig } from "./protocol";
import { classifierTrainer, namesTrainer, type Trainer } from "./trainers";

/** Pixels per MNIST image (28 × 28). */
export const PIXELS = 28 * 28;

/** A classifier's data: the training set, and a test split when it has one. */
export interface ClassifierData {
  kind: "classifier";
  train: ArrayDataset;
  test: { x: NDArray; y: NDArray } | null;
}

/** The names model's data: the CLI demo's first names, split as it splits them. */
export interface NamesTaskData {
  kind: "names";
  names: NamesData;
}

/** A task's data. */
export type TaskData = ClassifierData | NamesTaskData;

/**
 * One model the playground trains. A new model (the CNN, the names model) is one more entry
 * in `TASKS`: its data, how to build it from the page's settings and how to rebuild it from a
 * safetensors file.
 */
export interface TaskDefinition {
  name: TaskName;
  /** The page's defaults when the task is picked. */
  defaults: TrainConfig;
  /** The file the weights are saved as (the CLI demo's name where it has one). */
  fileName: string;
  load(mnistUrl: string, seed: number): Promise<TaskData>;
  build(config: TrainConfig, rng: Random, data: TaskData): Layer;
  /** How `build`'s model learns from `load`'s data. */
  trainer(model: Layer, data: TaskData, config: TrainConfig, rng: Random): Trainer;
  /** `build`'s model in words: `MLP 784-64-10 (relu)`. */
  describe(config: TrainConfig): string;
  /** Saved with the weights. */
  metadata(config: TrainConfig, data: TaskData): Record<string, string>;
  /**
   * The hidden sizes of the model a state dict's shapes (and its file's metadata) describe;
   * throws when it is not this task's.
   */
  hiddenFromShapes(
    shapes: Map<string, readonly number[]>,
    metadata: Record<string, string>,
    data: TaskData,
  ): number[];
  /** Whether the page draws this task's decision boundary (2-D inputs). */
  boundary: boolean;
  /** Whether it reads 28 × 28 digits (the drawing pad works with it). */
  digits: boolean;
}

const activations: Record<ActivationName, (x: Variable) => Variable> = {
  relu,
  sigmoid,
  tanh,
};

/** `layers.0.weight`, `layers.1.weight`, …: the hidden sizes of an MLP from inputs to outputs. */
function mlpHidden(
  shapes: Map<string, readonly number[]>,
  inputs: number,
  outputs: number,
  what: string,
): number[] {
  const sizes: number[] = [];
  for (let i = 0; shapes.has(`layers.${i}.weight`); i++) {
    const shape = shapes.get(`layers.${i}.weight`) as readonly number[];
    if (shape.length !== 2)
      throw new Error(`layers.${i}.weight is [${shape.join(", ")}], not a matrix`);
    if (i === 0) sizes.push(shape[1] as number);
    sizes.push(shape[0] as number);
  }
  if (sizes.length < 2 || sizes[0] !== inputs || sizes.at(-1) !== outputs) {
    throw new Error(
      sizes.length < 2
        ? `the file holds no MLP (no layers.0.weight): not ${what} weights`
        : `the file holds an MLP ${sizes.join("-")}, not ${what} (${inputs} inputs, ${outputs} classes)`,
    );
  }
  return sizes.slice(1, -1);
}

const spiralTask: TaskDefinition = {
  name: "spiral",
  defaults: TASK_DEFAULTS.spiral,
  fileName: "spiral-mlp.safetensors",
  async load(_mnistUrl, seed) {
    return {
      kind: "classifier",
      train: spiral({ numClasses: 3, pointsPerClass: 100, rng: new Random(seed) }),
      test: null,
    };
  },
  trainer: trainClassifier,
  build: (config, rng) =>
    new MLP([2, ...config.hidden, 3], { activation: activations[config.activation], rng }),
  describe: (config) => `MLP ${[2, ...config.hidden, 3].join("-")} (${config.activation})`,
  metadata: (config) => ({
    model: "spiral-mlp",
    sizes: [2, ...config.hidden, 3].join(","),
    activation: config.activation,
  }),
  hiddenFromShapes: (shapes) => mlpHidden(shapes, 2, 3, "spiral"),
  boundary: true,
  digits: false,
};

/** The digits of `mnist.bin` (see vite.config.ts), split as the CLI demo splits them. */
async function loadMnist(url: string, seed: number): Promise<TaskData> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`mnist: GET ${url} answered ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const count = new DataView(bytes.buffer).getUint32(0, true);
  const labels = Int32Array.from(bytes.subarray(4, 4 + count));
  const raw = bytes.subarray(4 + count, 4 + count + count * PIXELS);
  const pixels = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) pixels[i] = (raw[i] as number) / 255;
  // the CLI's split: a permutation drawn from Random(seed), its last 2,000 test
  const order = new Random(seed).permutation(count).toTypedArray();
  const testSize = 2000;
  const pick = (start: number, stop: number) => {
    const x = new Float32Array((stop - start) * PIXELS);
    const y = new Int32Array(stop - start);
    for (let i = start; i < stop; i++) {
      const j = order[i] as number;
      x.set(pixels.subarray(j * PIXELS, (j + 1) * PIXELS), (i - start) * PIXELS);
      y[i - start] = labels[j] as number;
    }
    return { x: new NDArray(x, [stop - start, PIXELS]), y: new NDArray(y, [stop - start]) };
  };
  const train = pick(0, count - testSize);
  return {
    kind: "classifier",
    train: new ArrayDataset(train.x, train.y),
    test: pick(count - testSize, count),
  };
}

/** A classifier task's `trainer`. */
function trainClassifier(model: Layer, data: TaskData, config: TrainConfig, rng: Random): Trainer {
  if (data.kind !== "classifier") throw new Error(`${config.task}: expected a classifier's data`);
  return classifierTrainer(model, data.train, data.test, config.batchSize, rng);
}

const mnistTask: TaskDefinition = {
  name: "mnist",
  defaults: TASK_DEFAULTS.mnist,
  fileName: "mnist-mlp.safetensors",
  load: loadMnist,
  trainer: trainClassifier,
  build: (config, rng) =>
    new MLP([PIXELS, ...config.hidden, 10], { activation: activations[config.activation], rng }),
  describe: (config) => `MLP ${[PIXELS, ...config.hidden, 10].join("-")} (${config.activation})`,
  // the CLI demo's keys (mnist: model, sizes, hidden, seed), so either loads the other's file
  metadata: (config) => ({
    model: "mlp",
    sizes: [PIXELS, ...config.hidden, 10].join(","),
    ...(config.hidden.length === 1 ? { hidden: String(config.hidden[0]) } : {}),
    seed: String(config.seed),
  }),
  hiddenFromShapes: (shapes) => mlpHidden(shapes, PIXELS, 10, "MNIST"),
  boundary: false,
  digits: true,
};

const cnnTask: TaskDefinition = {
  name: "cnn",
  defaults: TASK_DEFAULTS.cnn,
  fileName: "mnist-cnn.safetensors",
  load: loadMnist,
  trainer: trainClassifier,
  build: (config, rng) => new DigitCnn(channelPair(config.hidden), rng),
  describe: (config) => {
    const [c1, c2] = channelPair(config.hidden);
    return `CNN conv3x3(${c1})-bn-pool-conv3x3(${c2})-bn-pool-linear(10)`;
  },
  // the CLI demo's `cnn` keys
  metadata: (config) => ({
    model: "cnn",
    channels: channelPair(config.hidden).join(","),
    seed: String(config.seed),
  }),
  hiddenFromShapes: (shapes) => {
    const c1 = shapes.get("conv1.weight");
    const c2 = shapes.get("conv2.weight");
    if (c1?.length !== 4 || c2?.length !== 4) {
      throw new Error("the file holds no CNN (no 4-d conv1.weight and conv2.weight)");
    }
    return [c1[0] as number, c2[0] as number];
  },
  boundary: false,
  digits: true,
};

/** The CNN's two channel counts; throws unless `hidden` holds exactly two. */
function channelPair(hidden: readonly number[]): [number, number] {
  if (hidden.length !== 2) {
    throw new Error(`the CNN takes two channel counts (like 8, 16), not ${hidden.length}`);
  }
  return [hidden[0] as number, hidden[1] as number];
}

/** The names model's data, or an error naming the task that got another's. */
function namesOf(data: TaskData): NamesData {
  if (data.kind !== "names") throw new Error("names: expected the first names");
  return data.names;
}

/** The names GPT's width, heads and blocks; throws unless `hidden` holds three that fit. */
function gptSizes(hidden: readonly number[]): [embed: number, heads: number, layers: number] {
  const [embed, heads, layers] = hidden as [number, number, number];
  if (hidden.length !== 3 || embed % heads !== 0) {
    throw new Error(
      `the names GPT takes a width, a number of heads that divides it and a number of blocks (like 48, 4, 2), not ${hidden.join(", ")}`,
    );
  }
  return [embed, heads, layers];
}

const namesTask: TaskDefinition = {
  name: "names",
  defaults: TASK_DEFAULTS.names,
  fileName: "names-gpt.safetensors",
  // the CLI's split: the names shuffled by Random(seed), the last tenth held out
  load: async (_mnistUrl, seed) => ({ kind: "names", names: loadNames(new Random(seed)) }),
  trainer: (model, data, config, rng) => namesTrainer(model, namesOf(data), config.batchSize, rng),
  build: (config, rng, data) => {
    const { vocabulary, longest } = namesOf(data);
    return new NameGpt(vocabulary.length, longest + 1, ...gptSizes(config.hidden), rng);
  },
  describe: (config) => {
    const [embed, heads, layers] = gptSizes(config.hidden);
    return `GPT: ${layers} × (${heads}-head causal self-attention + MLP), width ${embed}`;
  },
  // the CLI demo's `names` keys
  metadata: (config, data) => {
    const { vocabulary, longest } = namesOf(data);
    const [embed, heads, layers] = gptSizes(config.hidden);
    return {
      model: "gpt",
      vocabulary: vocabulary.join(""),
      context: String(longest + 1),
      embed: String(embed),
      heads: String(heads),
      layers: String(layers),
      seed: String(config.seed),
    };
  },
  hiddenFromShapes: (shapes, metadata, data) => {
    const tokens = shapes.get("token_embedding.weight");
    if (tokens?.length !== 2) throw new Error("the file holds no GPT (no token_embedding.weight)");
    const vocabulary = namesOf(data).vocabulary.join("");
    if (metadata.vocabulary !== undefined && metadata.vocabulary !== vocabulary) {
      throw new Error(
        `the GPT was trained on the characters "${metadata.vocabulary}", not these names' "${vocabulary}"`,
      );
    }
    let layers = 0;
    while (shapes.has(`blocks.layers.${layers}.ln1.weight`)) layers++;
    // the heads leave no trace in the shapes: the CLI writes them into the metadata
    const heads = Number(metadata.heads);
    if (!Number.isInteger(heads) || heads < 1) {
      throw new Error("the file's metadata does not say how many heads the GPT has");
    }
    return [tokens[1] as number, heads, layers];
  },
  boundary: false,
  digits: false,
};

/** Every task the playground offers, in the order of its menu. */
export const TASKS: Record<TaskName, TaskDefinition> = {
  spiral: spiralTask,
  mnist: mnistTask,
  cnn: cnnTask,
  names: namesTask,
};
