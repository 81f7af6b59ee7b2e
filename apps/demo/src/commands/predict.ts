import { readFileSync } from "node:fs";
import {
  fromSafetensors,
  type Layer,
  NNError,
  readSafetensorsHeader,
  type StateDict,
} from "@zerograd/nn";
import { accuracyLine, evaluate } from "../digit-classifier";
import { type Printer, UsageError } from "../io";
import { PIXELS, splitForSeed } from "../mnist-data";
import { DigitCnn, describeCnn } from "./cnn";
import { MNIST_DEFAULTS, mnistModel } from "./mnist";

/** Flags of `predict`. */
export interface PredictOptions {
  /** A file written by `mnist`. */
  weights: string;
  /** The seed of the split; default: the one saved in the file, else mnist's default. */
  seed?: number;
}

/** What `predict` returns (and prints with `--json`). */
export interface PredictResult {
  testAccuracy: number;
  /** Which command's model the file holds. */
  model: "mlp" | "cnn";
  /** The MLP's hidden size. */
  hidden?: number;
  /** The CNN's channels. */
  channels?: [number, number];
  seed: number;
  errors: number;
}

/**
 * Loads weights saved by `mnist` or `cnn` and prints their accuracy on the test split of the
 * same seed. The model is rebuilt from the tensors' shapes: `conv1.weight` makes it the CNN
 * (channels from conv1 and conv2), else the MLP (hidden size from `layers.0.weight`). Throws
 * UsageError when the file is missing, is not safetensors, holds neither model, or has
 * metadata (`model`, `hidden`, `sizes`, `channels`, `seed`) that is malformed or disagrees
 * with its tensors.
 */
export function predict(options: PredictOptions, printer: Printer): PredictResult {
  const { weights } = options;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(weights);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory" : code;
    throw new UsageError(`cannot read weights file ${weights}: ${why}`);
  }
  let metadata: Record<string, string> | null;
  let dict: StateDict;
  try {
    metadata = readSafetensorsHeader(bytes).metadata;
    dict = fromSafetensors(bytes);
  } catch (error) {
    throw new UsageError(`${weights} is not a valid safetensors file (${message(error)})`);
  }
  // The architecture comes from the tensors, which the file's length vouches for; the
  // metadata (any string a file cares to hold) is only checked against them.
  const rebuilt = "conv1.weight" in dict ? rebuildCnn(dict, weights) : rebuildMlp(dict, weights);
  const { model, description, noun } = rebuilt;
  try {
    model.loadStateDict(dict);
  } catch (error) {
    if (!(error instanceof NNError)) throw error;
    throw new UsageError(`${weights} does not fit a ${noun} (${message(error)})`);
  }
  for (const [key, value] of Object.entries(rebuilt.expected)) {
    const saved = metadata?.[key];
    if (saved !== undefined && saved !== value) {
      throw new UsageError(
        `${weights} has metadata ${key} ${JSON.stringify(saved)}, but its weights are a ${noun}`,
      );
    }
  }
  const savedSeed = metadata?.seed;
  let seed = options.seed ?? MNIST_DEFAULTS.seed;
  if (options.seed === undefined && savedSeed !== undefined) {
    seed = Number(savedSeed);
    if (!/^\d+$/.test(savedSeed) || !Number.isSafeInteger(seed)) {
      throw new UsageError(
        `${weights} has metadata seed ${JSON.stringify(savedSeed)}, not an integer >= 0`,
      );
    }
  }
  const { test } = splitForSeed(seed);
  const { wrong: errors, accuracy } = evaluate(model, test);
  printer.line(`loaded ${weights}: ${description}`);
  printer.line(`test split of seed ${seed}: ${test.labels.size} digits, ${errors} misclassified`);
  printer.line(accuracyLine(accuracy));
  return { testAccuracy: accuracy, model: rebuilt.kind, ...rebuilt.sizes, seed, errors };
}

/** A model rebuilt from a state dict's shapes, before its values are loaded. */
interface Rebuilt {
  kind: "mlp" | "cnn";
  model: Layer;
  /** How the loaded line names it: `MLP 784-128-10`. */
  description: string;
  /** How errors name it: `784-128-10 MLP`. */
  noun: string;
  /** The sizes read off the tensors, as `predict` reports them. */
  sizes: { hidden: number } | { channels: [number, number] };
  /** The metadata values a file of this model must have, where it has the key. */
  expected: Record<string, string>;
}

/** The 784-hidden-10 MLP `mnist` saves; the hidden size is layers.0.weight's first axis. */
function rebuildMlp(dict: StateDict, weights: string): Rebuilt {
  const first = dict["layers.0.weight"];
  if (first === undefined || first.ndim !== 2 || first.size === 0) {
    const found =
      first === undefined ? "no layers.0.weight" : `layers.0.weight is [${first.shape.join(", ")}]`;
    throw new UsageError(`${weights} holds no ${PIXELS}-hidden-10 MLP (${found})`);
  }
  const hidden = first.shape[0] as number;
  return {
    kind: "mlp",
    model: mnistModel(hidden),
    description: `MLP ${PIXELS}-${hidden}-10`,
    noun: `${PIXELS}-${hidden}-10 MLP`,
    sizes: { hidden },
    expected: { model: "mlp", hidden: String(hidden), sizes: `${PIXELS},${hidden},10` },
  };
}

/** The `cnn` command's model; the channels are conv1's and conv2's output channels. */
function rebuildCnn(dict: StateDict, weights: string): Rebuilt {
  const channels = ["conv1.weight", "conv2.weight"].map((key) => {
    const tensor = dict[key];
    if (tensor === undefined || tensor.ndim !== 4 || tensor.size === 0) {
      const found = tensor === undefined ? `no ${key}` : `${key} is [${tensor.shape.join(", ")}]`;
      throw new UsageError(`${weights} holds no digit CNN (${found})`);
    }
    return tensor.shape[0] as number;
  }) as [number, number];
  return {
    kind: "cnn",
    model: new DigitCnn(channels),
    description: describeCnn(channels),
    noun: `digit CNN with channels ${channels.join(",")}`,
    sizes: { channels },
    expected: { model: "cnn", channels: channels.join(",") },
  };
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] as string;
}
