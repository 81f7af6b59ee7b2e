import { readFileSync } from "node:fs";
import { noGrad } from "@zerograd/autograd";
import { argmax, slice } from "@zerograd/ndarray";
import * as ort from "onnxruntime-node";
import { type Printer, UsageError } from "../io";
import { splitForSeed } from "../mnist-data";
import { loadDigitModel, type PredictOptions, type PredictResult, predict } from "./predict";

/** What `predict --onnx` adds to predict's result. */
export interface PredictOnnxResult extends PredictResult {
  onnx: {
    /** onnxruntime's accuracy on the same test split. */
    testAccuracy: number;
    /** Test digits where onnxruntime and zerograd predict the same class. */
    samePredictions: number;
    /** The largest |onnxruntime score − zerograd score| over the split. */
    maxAbsDifference: number;
  };
}

/**
 * `predict`, then the ONNX file (from `--export-onnx`) run in onnxruntime-node on the same
 * test split, 500 digits at a time: its accuracy, how many predictions agree with zerograd's,
 * and the largest score difference. Throws UsageError for a file onnxruntime cannot load or
 * whose output is not [N, 10] scores.
 */
export async function predictOnnx(
  options: PredictOptions & { onnx: string },
  printer: Printer,
): Promise<PredictOnnxResult> {
  const result = predict(options, printer);
  const { model, seed } = loadDigitModel(options);
  const { test } = splitForSeed(seed);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(new Uint8Array(readFileSync(options.onnx)));
  } catch (error) {
    const text = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UsageError(`onnxruntime cannot load ${options.onnx} (${text})`);
  }
  const [inputName] = session.inputNames as [string];
  const [outputName] = session.outputNames as [string];
  const labels = test.labels.toTypedArray();
  const count = labels.length;
  let correct = 0;
  let same = 0;
  let worst = 0;
  model.eval();
  for (let start = 0; start < count; start += 500) {
    const images = slice(test.images, [[start, Math.min(start + 500, count)]]);
    const [n, pixels] = images.shape as [number, number];
    const feeds = {
      [inputName]: new ort.Tensor("float32", images.toTypedArray() as Float32Array, [n, pixels]),
    };
    const output = (await session.run(feeds))[outputName];
    const scores = noGrad(() => model.call(images)).data;
    if (output === undefined || output.dims.join() !== scores.shape.join()) {
      throw new UsageError(
        `${options.onnx} gives scores [${output?.dims.join(", ")}] for ${n} digits, not [${scores.shape.join(", ")}]`,
      );
    }
    const theirs = output.data as Float32Array;
    const ours = scores.toTypedArray();
    const ourClasses = argmax(scores, 1).toTypedArray();
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 0; k < 10; k++) {
        const index = i * 10 + k;
        worst = Math.max(worst, Math.abs((theirs[index] as number) - (ours[index] as number)));
        if ((theirs[index] as number) > (theirs[i * 10 + best] as number)) best = k;
      }
      if (best === labels[start + i]) correct++;
      if (best === ourClasses[i]) same++;
    }
  }
  await session.release();
  const onnx = { testAccuracy: correct / count, samePredictions: same, maxAbsDifference: worst };
  printer.line(
    `onnxruntime ${options.onnx}: test accuracy ${onnx.testAccuracy.toFixed(4)}, the same prediction as zerograd for ${same} of ${count} digits, max |score difference| ${worst.toExponential(1)}`,
  );
  return { ...result, onnx };
}
