// The models of the safetensors round trip with PyTorch, shared by the fixture writer
// (fixtures/write_zerograd.ts) and the test (torch-roundtrip.test.ts), so both build exactly
// the same seeded model and run it the same way. generate_roundtrip.py holds the PyTorch
// twins of these models and of their `run`.
import { noGrad, type Variable } from "@zerograd/autograd";
import { type NDArray, Random } from "@zerograd/ndarray";
import {
  BatchNorm2d,
  Conv2d,
  Flatten,
  Layer,
  Linear,
  LSTM,
  MaxPool2d,
  MLP,
  ReLU,
  Sequential,
} from "../src/index";

/**
 * A recurrent model whose fields have PyTorch's names in camelCase: its keys are
 * `lstm.weight_ih_l0 …` and `output_head.weight`, the same as a torch module with attributes
 * `lstm` and `output_head`.
 */
export class SequenceRegressor extends Layer<[x: NDArray], [Variable, Variable, Variable]> {
  lstm: LSTM;
  outputHead: Linear;

  constructor(rng: Random) {
    super();
    this.lstm = new LSTM(3, 4, { numLayers: 2, rng });
    this.outputHead = new Linear(4, 2, { rng });
  }

  /** [the head applied at every step, hN, cN]. */
  forward(x: NDArray): [Variable, Variable, Variable] {
    const [output, [hN, cN]] = this.lstm.call(x) as [Variable, [Variable, Variable]];
    return [this.outputHead.call(output), hN, cN];
  }
}

/** How the state-dict keys of a zerograd model become those of its PyTorch twin and back. */
export type KeyMapping = "sequential" | "mlp" | "same";

export interface RoundTripCase {
  /** File stem: fixtures/roundtrip/<name>.zerograd.safetensors. */
  name: string;
  /** The PyTorch module generate_roundtrip.py loads the file into. */
  torchModule: string;
  keyMapping: KeyMapping;
  /** The model in the state that is saved (seeded; `seed` varies it for the reverse load). */
  build(seed: number): Layer<never[], unknown>;
  /** Fixed inputs of `run`. */
  inputs(): Record<string, NDArray>;
  /** Runs the saved model on the inputs (it may change the model: run it after saving). */
  run(model: Layer<never[], unknown>, inputs: Record<string, NDArray>): Record<string, NDArray>;
}

/** A model whose forward maps one array to one Variable (Sequential, MLP). */
type Chain = Layer<[NDArray], Variable>;

export const ROUND_TRIP_CASES: RoundTripCase[] = [
  {
    name: "mlp",
    torchModule: "nn.Sequential(Linear(4, 8), ReLU(), Linear(8, 8), ReLU(), Linear(8, 3))",
    keyMapping: "mlp",
    build: (seed) => new MLP([4, 8, 8, 3], { rng: new Random(seed) }),
    inputs: () => ({ x: new Random(100).normal(0, 1, [5, 4]) }),
    run: (model, { x }) => ({ output: noGrad(() => (model as Chain).call(x as NDArray)).data }),
  },
  {
    name: "cnn",
    torchModule:
      "nn.Sequential(Conv2d(1, 3, 3, padding=1), BatchNorm2d(3), ReLU(), MaxPool2d(2), Flatten(), Linear(27, 4))",
    keyMapping: "sequential",
    build: (seed) => {
      const rng = new Random(seed);
      const norm = new BatchNorm2d(3);
      const model = new Sequential(
        new Conv2d(1, 3, 3, { padding: 1, rng }),
        norm,
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(27, 4, { rng }),
      );
      // Away from the initial ones and zeros, and running statistics of three training
      // batches, so every BatchNorm entry of the state dict carries information.
      (norm.weight as Variable).data = rng.uniform(0.5, 1.5, [3]);
      (norm.bias as Variable).data = rng.uniform(-0.5, 0.5, [3]);
      noGrad(() => {
        for (let i = 0; i < 3; i++) model.call(rng.normal(i, 1 + i, [4, 1, 6, 6]));
      });
      return model;
    },
    inputs: () => {
      const rng = new Random(200);
      return { x: rng.normal(0, 1, [2, 1, 6, 6]), trainBatch: rng.normal(0.5, 2, [4, 1, 6, 6]) };
    },
    run: (model, { x, trainBatch }) => {
      const chain = model as Chain;
      const norm = (model as Sequential).layers[1] as BatchNorm2d;
      chain.eval();
      const output = noGrad(() => chain.call(x as NDArray)).data;
      chain.train();
      const trainOutput = noGrad(() => chain.call(trainBatch as NDArray)).data;
      return {
        output,
        trainOutput,
        runningMean: norm.runningMean.data,
        runningVar: norm.runningVar.data,
        numBatchesTracked: norm.numBatchesTracked.data,
      };
    },
  },
  {
    name: "lstm",
    torchModule:
      "SequenceRegressor: lstm = LSTM(3, 4, num_layers=2), output_head = Linear(4, 2), forward(x) = output_head(lstm(x)[0]), hN, cN",
    keyMapping: "same",
    build: (seed) => new SequenceRegressor(new Random(seed)),
    inputs: () => ({ x: new Random(300).normal(0, 1, [5, 2, 3]) }),
    run: (model, { x }) => {
      const [output, hN, cN] = noGrad(() => (model as SequenceRegressor).call(x as NDArray));
      return { output: output.data, hN: hN.data, cN: cN.data };
    },
  },
];

/** The seed of every saved model. */
export const SAVED_SEED = 0;

/** A zerograd state-dict key as its PyTorch twin spells it. */
export function torchKey(key: string, mapping: KeyMapping): string {
  if (mapping === "sequential") return key.replace(/^layers\./, "");
  if (mapping === "mlp") return key.replace(/^layers\.(\d+)/, (_, i: string) => `${2 * Number(i)}`);
  return key;
}

/** A PyTorch state-dict key as the zerograd twin spells it (the inverse of `torchKey`). */
export function zerogradKey(key: string, mapping: KeyMapping): string {
  if (mapping === "sequential") return `layers.${key}`;
  if (mapping === "mlp") return key.replace(/^(\d+)/, (_, i: string) => `layers.${Number(i) / 2}`);
  return key;
}

/** A fixture tensor: shape and row-major values (float32 values as their exact doubles). */
export interface FixtureTensor {
  shape: number[];
  values: number[];
}

export function toFixtureTensor(x: NDArray): FixtureTensor {
  return { shape: [...x.shape], values: Array.from(x.toTypedArray(), Number) };
}
