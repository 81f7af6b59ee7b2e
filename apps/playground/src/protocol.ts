/** The messages between the page (main.ts) and the training worker (worker.ts). */

/** The models the playground trains; a new one is a `TaskDefinition` in tasks.ts. */
export type TaskName = "spiral" | "mnist" | "cnn" | "names";

/** The optimizers the page offers (`momentum` is SGD with momentum 0.9), as the CLI names them. */
export const OPTIMIZERS = ["sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad"] as const;
/** One of `OPTIMIZERS`. */
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Activations between an MLP's layers. */
export const ACTIVATIONS = ["relu", "sigmoid", "tanh"] as const;
/** One of `ACTIVATIONS`. */
export type ActivationName = (typeof ACTIVATIONS)[number];

/** What the user set: the model and how it trains. */
export interface TrainConfig {
  task: TaskName;
  /**
   * Hidden layer sizes, e.g. [64] or [32, 32]; the CNN's two channel counts; the names GPT's
   * width, heads and blocks.
   */
  hidden: number[];
  activation: ActivationName;
  optimizer: OptimizerName;
  lr: number;
  batchSize: number;
  seed: number;
}

/** A sampled name, and whether it is not one of the training names. */
export interface SampledName {
  name: string;
  novel: boolean;
}

/** Page → worker. */
export type ToWorker =
  | { type: "configure"; config: TrainConfig; mnistUrl: string }
  | { type: "run" }
  | { type: "pause" }
  | { type: "save" }
  | { type: "load"; bytes: Uint8Array; fileName: string }
  | { type: "predict"; pixels: Float32Array }
  | { type: "sample" }
  | { type: "sampleNames"; seed: number; temperature: number; count: number };

/** One chunk of training (about a tenth of a second). */
export interface Progress {
  step: number;
  epoch: number;
  /** Mean loss over the chunk's steps. */
  loss: number;
  /** Mean batch accuracy over the chunk's steps. */
  accuracy: number;
  /** Test accuracy, at the end of an epoch of a task with a test split; else null. */
  testAccuracy: number | null;
  /** Validation loss, every so often for a task with a validation split (names); else null. */
  validationLoss: number | null;
  stepsPerSecond: number;
}

/** Worker → page. */
export type FromWorker =
  | { type: "engine"; engine: string }
  | { type: "ready"; config: TrainConfig; description: string; samples: number }
  | ({ type: "progress" } & Progress)
  | { type: "paused" }
  | {
      type: "boundary";
      size: number;
      extent: number;
      classes: Uint8Array;
      points: Float32Array;
      labels: Int32Array;
    }
  | { type: "saved"; bytes: Uint8Array; fileName: string }
  | { type: "loaded"; config: TrainConfig; fileName: string }
  | { type: "prediction"; probabilities: Float32Array }
  | { type: "sample"; pixels: Float32Array; label: number }
  | {
      type: "names";
      names: SampledName[];
      seed: number;
      temperature: number;
    }
  | { type: "error"; message: string };
