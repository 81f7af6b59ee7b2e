import { readFileSync } from "node:fs";
import { noGrad } from "@zerograd/autograd";
import { argmax, NDArray, Random, reshape } from "@zerograd/ndarray";
import { crossEntropy, fromSafetensors, NNError, readSafetensorsHeader } from "@zerograd/nn";
import * as ort from "onnxruntime-node";
import { type Printer, UsageError } from "../io";
import { encodeNames, loadNames } from "../names-data";
import { NameGpt } from "../names-gpt";
import { NAMES_DEFAULTS } from "./names";

/** Flags of `predict` that a names file uses. */
export interface PredictNamesOptions {
  /** A names-gpt.safetensors written by `names`. */
  weights: string;
  /** The seed of the split; default: the one saved in the file. */
  seed?: number;
  /** The same model as ONNX (`names --export-onnx`), to run in onnxruntime too. */
  onnx?: string;
}

/** What `predict` returns for a names file (and prints with `--json`). */
export interface PredictNamesResult {
  model: "gpt";
  seed: number;
  /** zerograd's validation loss, nats per character. */
  validationLoss: number;
  onnx?: {
    /** The validation loss from onnxruntime's logits. */
    validationLoss: number;
    /** Real positions of the validation names where both pick the same top next token. */
    samePredictions: number;
    positions: number;
    /** The largest |onnxruntime logit − zerograd logit| over every position of the split. */
    maxAbsDifference: number;
  };
}

/** The model sizes `names` saves in the file's metadata (the heads are not in the shapes). */
const SIZES = ["context", "embed", "heads", "layers"] as const;

/** Whether `file` holds a names GPT (`names`' metadata says model gpt); false if unreadable. */
export function isNamesWeights(file: string): boolean {
  try {
    return readSafetensorsHeader(readFileSync(file)).metadata?.model === "gpt";
  } catch {
    return false;
  }
}

/**
 * Loads a GPT saved by `names` (rebuilt from the metadata `vocabulary context embed heads
 * layers`, its values loaded) and prints its validation loss on the split of the saved seed;
 * with `onnx`, runs that file in onnxruntime-node on the same names, padded to the context,
 * and prints its validation loss, how many top next tokens agree and the largest logit
 * difference. Throws UsageError for malformed metadata, weights that do not fit, or an ONNX
 * file onnxruntime cannot load or whose logits have another shape.
 */
export async function predictNames(
  options: PredictNamesOptions,
  printer: Printer,
): Promise<PredictNamesResult> {
  const { weights } = options;
  const bytes = readFileSync(weights);
  const metadata = readSafetensorsHeader(bytes).metadata ?? {};
  const sizes = SIZES.map((key) => {
    const value = Number(metadata[key]);
    if (!/^\d+$/.test(metadata[key] ?? "") || !(value > 0)) {
      throw new UsageError(
        `${weights} has metadata ${key} ${JSON.stringify(metadata[key] ?? null)}, not a positive integer`,
      );
    }
    return value;
  }) as [number, number, number, number];
  const [context, embed, heads, layers] = sizes;
  const savedSeed = metadata.seed ?? String(NAMES_DEFAULTS.seed);
  const seed = options.seed ?? Number(savedSeed);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new UsageError(
      `${weights} has metadata seed ${JSON.stringify(savedSeed)}, not an integer >= 0`,
    );
  }
  const { validation, vocabulary } = loadNames(new Random(seed));
  if (metadata.vocabulary !== vocabulary.join("")) {
    throw new UsageError(
      `${weights} was trained on the vocabulary ${JSON.stringify(metadata.vocabulary ?? null)}, not the names' ${JSON.stringify(vocabulary.join(""))}`,
    );
  }
  let model: NameGpt;
  try {
    model = new NameGpt(vocabulary.length, context, embed, heads, layers, new Random(0));
    model.loadStateDict(fromSafetensors(bytes));
  } catch (error) {
    if (!(error instanceof NNError)) throw error;
    throw new UsageError(`${weights} does not fit a names GPT of its metadata (${error.message})`);
  }
  model.eval();
  printer.line(
    `loaded ${weights}: GPT, ${layers} blocks of ${heads}-head causal self-attention, width ${embed}, context ${context}`,
  );
  let total = 0;
  let count = 0;
  const batches: { logits: NDArray; inputs: NDArray; targets: NDArray; mask: NDArray }[] = [];
  for (let start = 0; start < validation.length; start += 256) {
    const batch = encodeNames(validation.slice(start, start + 256), vocabulary, context);
    const logits = noGrad(() => model.call(batch.inputs)).data;
    total += maskedLossSum(logits, batch.targets, batch.mask);
    count += batch.count;
    batches.push({ logits, ...batch });
  }
  const validationLoss = total / count;
  printer.line(
    `validation split of seed ${seed}: ${validation.length} names, loss ${validationLoss.toFixed(4)} nats/char`,
  );
  const result: PredictNamesResult = { model: "gpt", seed, validationLoss };
  if (options.onnx === undefined) return result;

  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(new Uint8Array(readFileSync(options.onnx)));
  } catch (error) {
    const text = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UsageError(`onnxruntime cannot load ${options.onnx} (${text})`);
  }
  const [inputName] = session.inputNames as [string];
  const [outputName] = session.outputNames as [string];
  let ortTotal = 0;
  let same = 0;
  let worst = 0;
  try {
    for (const { logits, inputs, targets, mask } of batches) {
      const feeds = {
        [inputName]: new ort.Tensor("int32", inputs.toTypedArray() as Int32Array, [
          ...inputs.shape,
        ]),
      };
      let output: ort.Tensor | undefined;
      try {
        output = (await session.run(feeds))[outputName];
      } catch (error) {
        const text = error instanceof Error ? error.message.split("\n")[0] : String(error);
        throw new UsageError(
          `${options.onnx} does not run on [${inputs.shape.join(", ")}] tokens (${text})`,
        );
      }
      if (output === undefined || output.dims.join() !== logits.shape.join()) {
        throw new UsageError(
          `${options.onnx} gives logits [${output?.dims.join(", ")}], not [${logits.shape.join(", ")}]`,
        );
      }
      const theirs = new NDArray(Float32Array.from(output.data as Float32Array), logits.shape);
      ortTotal += maskedLossSum(theirs, targets, mask);
      const ours = logits.toTypedArray();
      const values = theirs.toTypedArray();
      for (let i = 0; i < values.length; i++) {
        worst = Math.max(worst, Math.abs((values[i] as number) - (ours[i] as number)));
      }
      const vocabularySize = logits.shape[2] as number;
      const a = argmax(reshape(theirs, [-1, vocabularySize]), 1).toTypedArray();
      const b = argmax(reshape(logits, [-1, vocabularySize]), 1).toTypedArray();
      const real = mask.toTypedArray();
      for (let i = 0; i < a.length; i++) if (real[i] && a[i] === b[i]) same++;
    }
  } finally {
    await session.release();
  }
  result.onnx = {
    validationLoss: ortTotal / count,
    samePredictions: same,
    positions: count,
    maxAbsDifference: worst,
  };
  printer.line(
    `onnxruntime ${options.onnx}: validation loss ${result.onnx.validationLoss.toFixed(4)} nats/char, the same top next token as zerograd at ${same} of ${count} positions, max |logit difference| ${worst.toExponential(1)}`,
  );
  return result;
}

/** Σ cross-entropy over the real positions of a batch's [B, T, V] logits. */
function maskedLossSum(logits: NDArray, targets: NDArray, mask: NDArray): number {
  const vocabularySize = logits.shape[2] as number;
  const perPosition = crossEntropy(reshape(logits, [-1, vocabularySize]), targets, {
    reduction: "none",
  }).data.toTypedArray();
  const real = mask.toTypedArray();
  let total = 0;
  for (let i = 0; i < perPosition.length; i++)
    total += (perPosition[i] as number) * (real[i] as number);
  return total;
}
