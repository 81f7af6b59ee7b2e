import { spiral } from "@zerograd/data";
import { engine, Random } from "@zerograd/ndarray";
import { crossEntropy, Linear, ReLU, Sequential } from "@zerograd/nn";
import { decodeOnnx, toOnnx } from "@zerograd/onnx";
import { Adam } from "@zerograd/optim";
import { type EngineInfo, stopWasm, useWasm } from "@zerograd/wasm";

/** Options of `train`. */
export interface TrainOptions {
  /** Seeds both the spiral data and the layers' initial weights (default 0). */
  seed?: number;
  /** Number of full-batch optimizer steps (default 20). */
  steps?: number;
}

/**
 * A few steps of the book's spiral classifier, end to end through every layer of the
 * library: the 300-point spiral from `@zerograd/data`, an MLP 2-10-3 (Linear, ReLU, Linear,
 * float32) from `@zerograd/nn` on `@zerograd/autograd`, softmax cross-entropy and Adam from
 * `@zerograd/optim`, all on `@zerograd/ndarray`, then exported with `@zerograd/onnx`. Returns the full-batch loss before each
 * step. The browser test bundles this file once for the browser and runs the same bundle in
 * Chromium and in Node: same seed, same losses.
 */
export function train(options: TrainOptions = {}): number[] {
  const { seed = 0, steps = 20 } = options;
  const data = spiral({ rng: new Random(seed) });
  const rng = new Random(seed + 1);
  const model = new Sequential(new Linear(2, 10, { rng }), new ReLU(), new Linear(10, 3, { rng }));
  const optimizer = new Adam(model.parameters(), { lr: 0.05 });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = crossEntropy(model.call(data.x), data.y);
    losses.push(loss.item());
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  }
  // @zerograd/onnx too: the trained model exports (protobufjs in the browser) and reads back.
  const nodes = decodeOnnx(toOnnx(model, data.x)).graph.node.map((node) => node.opType);
  if (nodes.join() !== "Gemm,Relu,Gemm,Identity") {
    throw new Error(`train: the ONNX export has nodes ${nodes.join()}`);
  }
  return losses;
}

/**
 * `train` on @zerograd/wasm's engine, every float map and product in its kernels (no size
 * thresholds), with `threads` threads where the page may share memory (one otherwise, and
 * `info.note` says why). Returns the losses and what ran; the JavaScript engine is back after.
 */
export async function trainOnWasm(
  options: TrainOptions & { threads?: number } = {},
): Promise<{ losses: number[]; info: EngineInfo }> {
  const info = await useWasm({
    threads: options.threads ?? 2,
    thresholds: { map: 0, gemm: 0, splitMap: 0, splitGemm: 0 },
  });
  try {
    // The engine this file's ndarray runs on: one ndarray in the bundle, shared with the engine.
    if (engine().name !== "wasm") throw new Error(`trainOnWasm: ${engine().name} engine active`);
    return { losses: train(options), info };
  } finally {
    stopWasm();
  }
}
