/// <reference lib="webworker" />

import { engineInfo, useWasm } from "virtual:zerograd-engine";
import { noGrad } from "@zerograd/autograd";
import { argmax, NDArray, Random } from "@zerograd/ndarray";
import {
  fromSafetensors,
  type Layer,
  readSafetensorsHeader,
  softmax,
  toSafetensors,
} from "@zerograd/nn";
import { AdaGrad, Adam, AdamW, type Optimizer, RMSprop, SGD } from "@zerograd/optim";
import {
  ACTIVATIONS,
  type FromWorker,
  type OptimizerName,
  type TaskName,
  type ToWorker,
  type TrainConfig,
} from "./protocol";
import { PIXELS, TASKS, type TaskData } from "./tasks";
import { type HeldOutFigures, sampleNames, type Trainer } from "./trainers";

/**
 * The training worker: holds the model, trains it in chunks of about 100 ms while running
 * (reading the page's messages between chunks, so pause and predict answer at once), and
 * posts each chunk's figures, and for 2-D tasks the decision boundary.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: FromWorker, transfer: Transferable[] = []) =>
  scope.postMessage(message, transfer);

const CHUNK_MS = 100;
const GRID = 64;
const EXTENT = 1.1;

interface Session {
  config: TrainConfig;
  data: TaskData;
  model: Layer;
  optimizer: Optimizer<{ lr: number }>;
  trainer: Trainer;
  /** The evaluation on held-out data under way, if any. */
  evaluation: Generator<void, HeldOutFigures> | null;
  /** Its figures, once done, until the next progress message carries them. */
  heldOut: HeldOutFigures | null;
  step: number;
  epoch: number;
}

let session: Session | null = null;
let running = false;
let mnistUrl = "";
const dataCache = new Map<string, Promise<TaskData>>();

function makeOptimizer(name: OptimizerName, model: Layer, lr: number): Optimizer<{ lr: number }> {
  const params = model.parameters();
  switch (name) {
    case "sgd":
      return new SGD(params, { lr });
    case "momentum":
      return new SGD(params, { lr, momentum: 0.9 });
    case "adam":
      return new Adam(params, { lr });
    case "adamw":
      return new AdamW(params, { lr });
    case "rmsprop":
      return new RMSprop(params, { lr });
    case "adagrad":
      return new AdaGrad(params, { lr });
  }
}

function taskData(task: TaskName, seed: number): Promise<TaskData> {
  const key = `${task}:${seed}`;
  let data = dataCache.get(key);
  if (data === undefined) {
    data = TASKS[task].load(mnistUrl, seed);
    dataCache.set(key, data);
    data.catch(() => dataCache.delete(key));
  }
  return data;
}

/** A fresh model and optimizer for `config` (weights from `model` when given). */
async function start(config: TrainConfig, model?: Layer): Promise<void> {
  running = false;
  const task = TASKS[config.task];
  const data = await taskData(config.task, config.seed);
  const rng = new Random(config.seed + 1);
  const built = model ?? task.build(config, rng, data);
  const trainer = task.trainer(built, data, config, rng.fork());
  session = {
    config,
    data,
    model: built,
    optimizer: makeOptimizer(config.optimizer, built, config.lr),
    trainer,
    evaluation: null,
    heldOut: null,
    step: 0,
    epoch: 0,
  };
  post({ type: "ready", config, description: task.describe(config), samples: trainer.size });
  postBoundary(session);
}

function postBoundary(s: Session): void {
  if (!TASKS[s.config.task].boundary || s.data.kind !== "classifier") return;
  const points = new Float32Array(GRID * GRID * 2);
  for (let row = 0; row < GRID; row++) {
    for (let column = 0; column < GRID; column++) {
      const k = row * GRID + column;
      points[2 * k] = -EXTENT + ((column + 0.5) * 2 * EXTENT) / GRID;
      points[2 * k + 1] = EXTENT - ((row + 0.5) * 2 * EXTENT) / GRID;
    }
  }
  s.model.eval();
  const classes = noGrad(() =>
    Uint8Array.from(
      argmax(s.model.call(new NDArray(points, [GRID * GRID, 2])).data, 1).toTypedArray(),
    ),
  );
  s.model.train();
  const { x, y } = s.data.train;
  post({
    type: "boundary",
    size: GRID,
    extent: EXTENT,
    classes,
    points: Float32Array.from(x.toTypedArray()),
    labels: Int32Array.from(y.toTypedArray()),
  });
}

/**
 * Trains for about CHUNK_MS (or goes on with an evaluation on held-out data, a slice at a
 * time), posts the figures, and comes back while running.
 */
function chunk(): void {
  const s = session;
  if (!running || s === null) return;
  const started = performance.now();
  let steps = 0;
  let lossSum = 0;
  let accuracySum = 0;
  let trainingMs = 0;
  const every = s.trainer.evaluateEvery;
  while (performance.now() - started < CHUNK_MS) {
    if (s.evaluation !== null) {
      const next = s.evaluation.next();
      if (next.done) {
        s.heldOut = next.value;
        s.evaluation = null;
      }
      continue;
    }
    const stepStarted = performance.now();
    const figures = s.trainer.step(s.optimizer);
    trainingMs += performance.now() - stepStarted;
    lossSum += figures.loss;
    accuracySum += figures.accuracy;
    steps++;
    s.step++;
    if (figures.epochEnded) s.epoch++;
    if (figures.epochEnded || (every !== null && (s.step === 1 || s.step % every === 0))) {
      s.evaluation = s.trainer.evaluate();
    }
    // the first point of the curves is the untrained model's loss, one step alone
    if (s.step === 1) break;
  }
  if (steps > 0) {
    post({
      type: "progress",
      step: s.step,
      epoch: s.epoch,
      loss: lossSum / steps,
      accuracy: accuracySum / steps,
      testAccuracy: s.heldOut?.testAccuracy ?? null,
      validationLoss: s.heldOut?.validationLoss ?? null,
      stepsPerSecond: steps / (trainingMs / 1000),
    });
    s.heldOut = null;
    postBoundary(s);
  }
  setTimeout(chunk, 0);
}

function save(s: Session): void {
  const task = TASKS[s.config.task];
  const bytes = toSafetensors(s.model.stateDict(), task.metadata(s.config, s.data));
  post({ type: "saved", bytes, fileName: task.fileName }, [bytes.buffer]);
}

/** Rebuilds the current task's model from a file's shapes and loads its values. */
async function load(bytes: Uint8Array, fileName: string): Promise<void> {
  if (session === null) throw new Error("load: no model yet");
  const header = readSafetensorsHeader(bytes);
  const dict = fromSafetensors(bytes);
  const shapes = new Map(Object.entries(dict).map(([key, value]) => [key, value.shape]));
  const metadata = header.metadata ?? {};
  // a file names its task by its tensors: conv1 is the CNN, token embeddings the names GPT,
  // 784 inputs the MNIST MLP
  const task = shapes.has("conv1.weight")
    ? TASKS.cnn
    : shapes.has("token_embedding.weight")
      ? TASKS.names
      : shapes.get("layers.0.weight")?.[1] === PIXELS
        ? TASKS.mnist
        : TASKS.spiral;
  const base = session.config.task === task.name ? session.config : task.defaults;
  const data = await taskData(task.name, base.seed);
  const hidden = task.hiddenFromShapes(shapes, metadata, data);
  const activation = (ACTIVATIONS as readonly string[]).includes(metadata.activation ?? "")
    ? (metadata.activation as TrainConfig["activation"])
    : "relu";
  const config: TrainConfig = { ...base, task: task.name, hidden, activation };
  const model = task.build(config, new Random(0), data);
  model.loadStateDict(dict);
  await start(config, model);
  post({ type: "loaded", config, fileName });
}

function predict(s: Session, pixels: Float32Array): void {
  if (!TASKS[s.config.task].digits) throw new Error("predict: pick a digit model first");
  s.model.eval();
  const probabilities = noGrad(() =>
    Float32Array.from(softmax(s.model.call(new NDArray(pixels, [1, PIXELS]))).data.toTypedArray()),
  );
  s.model.train();
  post({ type: "prediction", probabilities });
}

function sample(s: Session): void {
  const test = s.data.kind === "classifier" ? s.data.test : null;
  if (!TASKS[s.config.task].digits || test === null) {
    throw new Error("sample: pick a digit model first");
  }
  const n = test.y.size;
  const i = Math.floor(Math.random() * n);
  const all = test.x.toTypedArray();
  post({
    type: "sample",
    pixels: Float32Array.from(all.subarray(i * PIXELS, (i + 1) * PIXELS)),
    label: test.y.toTypedArray()[i] as number,
  });
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case "configure":
      mnistUrl = message.mnistUrl;
      await start(message.config);
      return;
    case "run":
      if (session !== null && !running) {
        running = true;
        chunk();
      }
      return;
    case "pause":
      running = false;
      post({ type: "paused" });
      return;
    case "save":
      if (session !== null) save(session);
      return;
    case "load":
      await load(message.bytes, message.fileName);
      return;
    case "predict":
      if (session !== null) predict(session, message.pixels);
      return;
    case "sample":
      if (session !== null) sample(session);
      return;
    case "sampleNames": {
      if (session === null || session.data.kind !== "names") {
        throw new Error("sample names: pick the names model first");
      }
      const { seed, temperature, count } = message;
      const names = sampleNames(session.model, session.data.names, { seed, temperature, count });
      post({ type: "names", names, seed, temperature });
      return;
    }
  }
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  handle(event.data).catch((error: unknown) =>
    post({ type: "error", message: error instanceof Error ? error.message : String(error) }),
  );
};

/** The engine: @zerograd/wasm (threads when cross-origin isolated) when present, else JS. */
async function pickEngine(): Promise<string> {
  if (useWasm === null || engineInfo === null) return "JavaScript";
  try {
    const threads = scope.crossOriginIsolated ? navigator.hardwareConcurrency || 1 : 1;
    await useWasm({ threads });
    const info = engineInfo() as { engine?: string; name?: string; threads?: number } | string;
    if (typeof info === "string") return info;
    return `${info.engine ?? info.name ?? "wasm"}${info.threads ? `, ${info.threads} threads` : ""}`;
  } catch (error) {
    return `JavaScript (wasm failed: ${error instanceof Error ? error.message : String(error)})`;
  }
}

pickEngine().then((engine) => post({ type: "engine", engine }));
