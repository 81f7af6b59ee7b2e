import { readFileSync } from "node:fs";
import { fromSafetensors, NNError, readSafetensorsHeader, type StateDict } from "@zerograd/nn";
import { type Printer, UsageError } from "../io";
import { PIXELS, splitForSeed } from "../mnist-data";
import { accuracyLine, evaluate, MNIST_DEFAULTS, mnistModel } from "./mnist";

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
  hidden: number;
  seed: number;
  errors: number;
}

/**
 * Loads weights saved by `mnist` and prints their accuracy on the test split of the same seed.
 * The hidden size is read from the shape of `layers.0.weight`. Throws UsageError when the file
 * is missing, is not safetensors, does not hold a 784-hidden-10 MLP, or has metadata (`hidden`,
 * `sizes`, `seed`) that is malformed or disagrees with its tensors.
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
  // The hidden size comes from the tensors, which the file's length vouches for; the metadata
  // (any string a file cares to hold) is only checked against them.
  const first = dict["layers.0.weight"];
  if (first === undefined || first.ndim !== 2 || first.size === 0) {
    const found =
      first === undefined ? "no layers.0.weight" : `layers.0.weight is [${first.shape.join(", ")}]`;
    throw new UsageError(`${weights} holds no ${PIXELS}-hidden-10 MLP (${found})`);
  }
  const hidden = first.shape[0] as number;
  const model = mnistModel(hidden);
  try {
    model.loadStateDict(dict);
  } catch (error) {
    if (!(error instanceof NNError)) throw error;
    throw new UsageError(
      `${weights} does not fit a ${PIXELS}-${hidden}-10 MLP (${message(error)})`,
    );
  }
  const expected = { hidden: String(hidden), sizes: `${PIXELS},${hidden},10` };
  for (const key of ["hidden", "sizes"] as const) {
    const value = metadata?.[key];
    if (value !== undefined && value !== expected[key]) {
      throw new UsageError(
        `${weights} has metadata ${key} ${JSON.stringify(value)}, but its weights are a ${PIXELS}-${hidden}-10 MLP`,
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
  printer.line(`loaded ${weights}: MLP ${PIXELS}-${hidden}-10`);
  printer.line(`test split of seed ${seed}: ${test.labels.size} digits, ${errors} misclassified`);
  printer.line(accuracyLine(accuracy));
  return { testAccuracy: accuracy, hidden, seed, errors };
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] as string;
}
