import { noGrad, type Variable } from "@zerograd/autograd";
import { type ArrayDataset, DataLoader } from "@zerograd/data";
import type { NamesData } from "@zerograd/demo/names-data";
import {
  batchLoss,
  countCorrect,
  epochBatches,
  NameGpt,
  sampleName,
  summedLoss,
} from "@zerograd/demo/names-gpt";
import { type NDArray, Random, slice } from "@zerograd/ndarray";
import { accuracy, crossEntropy, type Layer } from "@zerograd/nn";
import type { Optimizer } from "@zerograd/optim";
import type { SampledName } from "./protocol";

/** What one training step reports. */
export interface StepFigures {
  loss: number;
  /** Share of the batch's predictions that were right (characters, for the names model). */
  accuracy: number;
  /** Whether this step was the last batch of an epoch. */
  epochEnded: boolean;
}

/** Figures on the data the model does not train on; null where the task has none. */
export interface HeldOutFigures {
  testAccuracy: number | null;
  validationLoss: number | null;
}

/**
 * How a session's model learns from its task's data: one optimisation step at a time, and an
 * evaluation on held-out data at the end of each epoch and every `evaluateEvery` steps.
 */
export interface Trainer {
  /** Training examples per epoch (images, points or names). */
  readonly size: number;
  /**
   * Steps between evaluations besides the epochs' ends (and after the first step, so the
   * curve starts at the untrained model); null: at the epochs' ends only.
   */
  readonly evaluateEvery: number | null;
  /** One step on the next batch: forward, backward and the optimizer's update. */
  step(optimizer: Optimizer<{ lr: number }>): StepFigures;
  /**
   * The held-out figures, a slice of the data at a time (in eval mode, grad off): the worker
   * answers the page's messages between slices, so a long evaluation never holds up a pause.
   */
  evaluate(): Generator<void, HeldOutFigures>;
}

/** Classifiers of points or digits: crossEntropy on shuffled batches of a dataset. */
export function classifierTrainer(
  model: Layer,
  train: ArrayDataset,
  test: { x: NDArray; y: NDArray } | null,
  batchSize: number,
  rng: Random,
): Trainer {
  const loader = new DataLoader(train, { batchSize, shuffle: true, rng });
  let batches = loader[Symbol.iterator]();
  let stepInEpoch = 0;
  return {
    size: train.length,
    evaluateEvery: null,
    step(optimizer) {
      let next = batches.next();
      if (next.done) {
        batches = loader[Symbol.iterator]();
        next = batches.next();
      }
      const [x, t] = next.value as [NDArray, NDArray];
      const scores = model.call(x);
      const loss = crossEntropy(scores, t);
      learn(model, loss, optimizer);
      stepInEpoch = (stepInEpoch + 1) % loader.length;
      return { loss: loss.item(), accuracy: accuracy(scores, t), epochEnded: stepInEpoch === 0 };
    },
    *evaluate() {
      const testAccuracy = test === null ? null : yield* accuracyOn(model, test);
      return { testAccuracy, validationLoss: null };
    },
  };
}

function learn(model: Layer, loss: Variable, optimizer: Optimizer<{ lr: number }>): void {
  model.zeroGrad();
  loss.backward();
  optimizer.step();
}

/** Accuracy on the test split in eval mode (batch norm on its running statistics), 500 at a time. */
function* accuracyOn(model: Layer, test: { x: NDArray; y: NDArray }): Generator<void, number> {
  const { x, y } = test;
  const n = y.size;
  let correct = 0;
  for (let start = 0; start < n; start += 500) {
    const stop = Math.min(n, start + 500);
    model.eval();
    const part = noGrad(() =>
      accuracy(model.call(slice(x, [[start, stop]])), slice(y, [[start, stop]])),
    );
    model.train();
    correct += part * (stop - start);
    yield;
  }
  return correct / n;
}

/**
 * The names model as the CLI demo's `names` command trains it (its batch loss, batches and
 * validation loss, from @zerograd/demo/names-gpt), without the CLI's fixed number of epochs and
 * so without its learning-rate schedule. An epoch takes a while in a browser, so the
 * validation loss (all held-out names, 64 at a time) also runs every 50 steps: it costs about
 * as much as 10 training steps.
 */
export function namesTrainer(
  model: Layer,
  data: NamesData,
  batchSize: number,
  rng: Random,
): Trainer {
  const gpt = asNameGpt(model);
  let batches: string[][] = [];
  let stepInEpoch = 0;
  return {
    size: data.train.length,
    evaluateEvery: 50,
    step(optimizer) {
      if (stepInEpoch === 0) batches = epochBatches(data.train, batchSize, rng);
      const names = batches[stepInEpoch] as string[];
      const { loss, logits, batch } = batchLoss(gpt, names, data.vocabulary);
      learn(gpt, loss, optimizer);
      stepInEpoch = (stepInEpoch + 1) % batches.length;
      return {
        loss: loss.item(),
        accuracy: countCorrect(logits.data, batch.targets, batch.mask) / batch.count,
        epochEnded: stepInEpoch === 0,
      };
    },
    *evaluate() {
      let total = 0;
      let count = 0;
      for (let start = 0; start < data.validation.length; start += 64) {
        const part = summedLoss(gpt, data.validation.slice(start, start + 64), data.vocabulary);
        total += part.total;
        count += part.count;
        yield;
      }
      return { testAccuracy: null, validationLoss: total / count };
    },
  };
}

/** `count` names drawn from `Random(seed)` at `temperature`, as `pnpm demo -- names` draws them. */
export function sampleNames(
  model: Layer,
  data: NamesData,
  options: { seed: number; temperature: number; count: number },
): SampledName[] {
  const gpt = asNameGpt(model);
  const rng = new Random(options.seed);
  const known = new Set(data.train);
  return Array.from({ length: options.count }, () => {
    const name = sampleName(gpt, data.vocabulary, options.temperature, rng);
    return { name, novel: !known.has(name) };
  });
}

function asNameGpt(model: Layer): NameGpt {
  // the names task builds a NameGpt (whose forward takes int32 tokens, not Variables)
  const layer: unknown = model;
  if (!(layer instanceof NameGpt)) throw new Error("the names model is not a NameGpt");
  return layer;
}
