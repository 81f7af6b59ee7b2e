import type { TaskName, TrainConfig } from "./protocol";

/** Each task's settings when it is picked (the page's defaults; tasks.ts uses them too). */
export const TASK_DEFAULTS: Record<TaskName, TrainConfig> = {
  spiral: {
    task: "spiral",
    hidden: [32],
    activation: "relu",
    optimizer: "adam",
    lr: 0.03,
    batchSize: 30,
    seed: 0,
  },
  // the CLI demo's `mnist` defaults: 784-128-10, Adam lr 0.003, batch 128
  mnist: {
    task: "mnist",
    hidden: [128],
    activation: "relu",
    optimizer: "adam",
    lr: 0.003,
    batchSize: 128,
    seed: 0,
  },
  // the CLI demo's `cnn` defaults: channels 8, 16, Adam lr 0.005, batch 32 (no shifts or cosine here)
  cnn: {
    task: "cnn",
    hidden: [8, 16],
    activation: "relu",
    optimizer: "adam",
    lr: 0.005,
    batchSize: 32,
    seed: 0,
  },
  // the CLI demo's `names` defaults: width 48, 4 heads, 2 blocks, AdamW lr 0.003, batch 32 (no
  // warm-up or cosine here: the playground trains until paused)
  names: {
    task: "names",
    hidden: [48, 4, 2],
    activation: "relu",
    optimizer: "adamw",
    lr: 0.003,
    batchSize: 32,
    seed: 0,
  },
};
