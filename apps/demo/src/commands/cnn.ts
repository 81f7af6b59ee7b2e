import { relu, reshape, type Variable, type VariableLike } from "@zerograd/autograd";
import type { Random } from "@zerograd/ndarray";
import { BatchNorm2d, Conv2d, Layer, Linear, MaxPool2d } from "@zerograd/nn";
import {
  type DigitTrainingOptions,
  type DigitTrainingResult,
  trainDigitClassifier,
} from "../digit-classifier";
import type { Printer } from "../io";
import { IMAGE_SIZE } from "../mnist-data";

/** Flags of `cnn`. */
export interface CnnOptions extends DigitTrainingOptions {
  /** Output channels of the two convolutions. */
  channels: [number, number];
  /** Pixels each training digit is shifted by at most, at random (0: no augmentation). */
  shift: number;
}

/** The defaults: test accuracy above 0.98 at seed 0, in about a minute here. */
export const CNN_DEFAULTS: CnnOptions = {
  epochs: 6,
  batchSize: 32,
  lr: 0.005,
  channels: [8, 16],
  shift: 2,
  optimizer: "adam",
  seed: 0,
  out: "out",
};

/** What `cnn` returns (and prints with `--json`). */
export type CnnResult = DigitTrainingResult;

/**
 * A small CNN for 28×28 digits: two blocks of 3×3 convolution (padding 1), batch norm, ReLU
 * and 2×2 max pooling (28 → 14 → 7), then one Linear layer to the 10 classes. It takes the flat
 * [N, 784] images the data holds and reshapes them to [N, 1, 28, 28] itself, so `evaluate` and
 * `predict` feed it the same arrays as the MLP. State-dict keys: conv1.*, bn1.*, conv2.*,
 * bn2.*, fc.*.
 */
export class DigitCnn extends Layer {
  readonly channels: [number, number];
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  pool: MaxPool2d;
  fc: Linear;

  constructor(channels: [number, number], rng?: Random) {
    super();
    const [c1, c2] = channels;
    this.channels = channels;
    this.conv1 = new Conv2d(1, c1, 3, { padding: 1, rng });
    this.bn1 = new BatchNorm2d(c1);
    this.conv2 = new Conv2d(c1, c2, 3, { padding: 1, rng });
    this.bn2 = new BatchNorm2d(c2);
    this.pool = new MaxPool2d(2);
    const side = IMAGE_SIZE / 4;
    this.fc = new Linear(c2 * side * side, 10, { rng });
  }

  forward(images: VariableLike): Variable {
    const x = reshape(images, [-1, 1, IMAGE_SIZE, IMAGE_SIZE]);
    const h1 = this.pool.call(relu(this.bn1.call(this.conv1.call(x))));
    const h2 = this.pool.call(relu(this.bn2.call(this.conv2.call(h1))));
    return this.fc.call(reshape(h2, [h2.shape[0] as number, -1]));
  }
}

/** How the first line and `predict` name the model. */
export function describeCnn([c1, c2]: [number, number]): string {
  return `CNN conv3x3(${c1})-bn-pool-conv3x3(${c2})-bn-pool-linear(10)`;
}

/**
 * Trains `DigitCnn` on the mnist package's digits (see `trainDigitClassifier`), each training
 * digit shifted at random by up to `shift` pixels, the learning rate annealed to 0 on a cosine
 * over the epochs; saves
 * mnist-cnn.safetensors (metadata: model "cnn", channels, seed) and mnist-cnn-curves.svg.
 */
export function cnn(options: CnnOptions, printer: Printer): Promise<CnnResult> {
  const { channels, shift } = options;
  return trainDigitClassifier(
    {
      build: (rng) => new DigitCnn(channels, rng),
      description: describeCnn(channels),
      files: { weights: "mnist-cnn.safetensors", curves: "mnist-cnn-curves.svg" },
      title: "zerograd MNIST CNN: training curves",
      metadata: { model: "cnn", channels: channels.join(",") },
      shift,
      cosine: true,
    },
    options,
    printer,
  );
}
