import type { Random } from "@zerograd/ndarray";
import { MLP } from "@zerograd/nn";
import {
  type DigitTrainingOptions,
  type DigitTrainingResult,
  trainDigitClassifier,
} from "../digit-classifier";
import type { Printer } from "../io";
import { PIXELS } from "../mnist-data";

/** Flags of `mnist`. */
export interface MnistOptions extends DigitTrainingOptions {
  hidden: number;
}

/** The defaults: about 5 s here, test accuracy 0.9485 at seed 0. */
export const MNIST_DEFAULTS: MnistOptions = {
  epochs: 10,
  batchSize: 128,
  lr: 0.003,
  hidden: 128,
  optimizer: "adam",
  seed: 0,
  out: "out",
};

/** What `mnist` returns (and prints with `--json`). */
export type MnistResult = DigitTrainingResult;

/** The model `mnist` trains and `predict` rebuilds: 784-hidden-10 with ReLU. */
export function mnistModel(hidden: number, rng?: Random): MLP {
  return new MLP([PIXELS, hidden, 10], { rng });
}

/**
 * Trains a 784-hidden-10 MLP on the mnist package's digits (see `trainDigitClassifier`);
 * saves mnist-mlp.safetensors (metadata: model, sizes, hidden, seed) and mnist-curves.svg.
 */
export function mnist(options: MnistOptions, printer: Printer): Promise<MnistResult> {
  const { hidden } = options;
  return trainDigitClassifier(
    {
      build: (rng) => mnistModel(hidden, rng),
      description: `MLP ${PIXELS}-${hidden}-10 (ReLU)`,
      files: { weights: "mnist-mlp.safetensors", curves: "mnist-curves.svg" },
      title: "zerograd MNIST MLP: training curves",
      metadata: { model: "mlp", sizes: `${PIXELS},${hidden},10`, hidden: String(hidden) },
    },
    options,
    printer,
  );
}
