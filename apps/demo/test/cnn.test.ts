import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NDArray, Random } from "@zerograd/ndarray";
import { fromSafetensors, readSafetensorsHeader, toSafetensors } from "@zerograd/nn";
import { describe, expect, it } from "vitest";
import { DigitCnn } from "../src/commands/cnn";
import { shiftDigits } from "../src/mnist-data";
import { lastJson, readSvg, run, tempFolder } from "./run";

/** A small CNN trained for one epoch: the command line both training tests run. */
const TRAIN_ONE_EPOCH = [
  "cnn",
  "--epochs",
  "1",
  "--channels",
  "4,8",
  "--batch-size",
  "64",
  "--lr",
  "0.005",
];

describe("cnn command", () => {
  it("trains a small CNN one epoch above 0.9, saves weights predict reloads, and curves", async () => {
    const out = tempFolder();
    const result = await run(...TRAIN_ONE_EPOCH, "--out", out, "--json");
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.lines[0]).toContain("CNN conv3x3(4)-bn-pool-conv3x3(8)-bn-pool-linear(10)");
    const metrics = lastJson(result);
    const accuracy = metrics.testAccuracy as number;
    expect(accuracy).toBeGreaterThan(0.9);
    expect(result.lines.at(-2)).toBe(`test accuracy: ${accuracy.toFixed(4)}`);
    expect(result.stdout).toMatch(/epoch 1\/1 {2}loss \d\.\d{4} {2}acc 0\.\d{4} {2}test acc/);

    const weights = join(out, "mnist-cnn.safetensors");
    const bytes = new Uint8Array(readFileSync(weights));
    const dict = fromSafetensors(bytes);
    const layers = ["conv1", "bn1", "conv2", "bn2", "fc"];
    const keys = layers.flatMap((layer) =>
      layer.startsWith("bn")
        ? ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"].map(
            (key) => `${layer}.${key}`,
          )
        : [`${layer}.weight`, `${layer}.bias`],
    );
    expect(Object.keys(dict).sort()).toEqual(keys.sort());
    expect(dict["conv2.weight"]?.shape).toEqual([8, 4, 3, 3]);
    expect(dict["fc.weight"]?.shape).toEqual([10, 8 * 7 * 7]);
    expect(readSafetensorsHeader(bytes).metadata).toMatchObject({
      model: "cnn",
      channels: "4,8",
      seed: "0",
    });
    expect(readSvg(join(out, "mnist-cnn-curves.svg"))).toContain("accuracy");

    const predicted = await run("predict", "--weights", weights, "--json");
    expect(predicted.status).toBe(0);
    expect(predicted.lines[0]).toContain("CNN conv3x3(4)-bn-pool-conv3x3(8)-bn-pool-linear(10)");
    expect(lastJson(predicted)).toMatchObject({ model: "cnn", channels: [4, 8], seed: 0 });
    expect(predicted.lines.at(-2)).toBe(`test accuracy: ${accuracy.toFixed(4)}`);
  }, 240_000); // an epoch of convolutions: about 15 s alone, several times that on a loaded CI machine

  it("rejects a malformed --channels with status 2", async () => {
    for (const value of ["16", "16,0", "a,b", "1,2,3", "4.5,8"]) {
      const result = await run("cnn", "--channels", value);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/expected two integers >= 1 separated by a comma/);
    }
  });
});

describe("cnn --export-onnx and predict --onnx", () => {
  it("exports the trained CNN (eval batch norm), and onnxruntime gives zerograd's predictions", async () => {
    const out = tempFolder();
    const file = join(out, "cnn.onnx");
    const trained = await run(...TRAIN_ONE_EPOCH, "--out", out, "--export-onnx", file, "--json");
    expect(trained.status).toBe(0);
    expect(trained.stdout).toMatch(/exported .*cnn\.onnx \(ONNX, [\d,]+ bytes; predict --weights /);
    expect((lastJson(trained).files as Record<string, string>).onnx).toBe(file);
    const weights = join(out, "mnist-cnn.safetensors");
    const result = await run("predict", "--weights", weights, "--onnx", file, "--json");
    expect(result.status).toBe(0);
    const metrics = lastJson(result);
    const onnx = metrics.onnx as {
      testAccuracy: number;
      samePredictions: number;
      maxAbsDifference: number;
    };
    // onnxruntime scores the 2,000 test digits (500 per run, not the training batch of 64).
    expect(onnx.samePredictions).toBe(2000);
    expect(onnx.testAccuracy).toBe(metrics.testAccuracy);
    expect(onnx.maxAbsDifference).toBeLessThan(1e-4);
    console.log(
      `demo cnn (DigitCnn 4,8, trained 1 epoch) onnxruntime max abs difference ${onnx.maxAbsDifference.toExponential(2)}`,
    );
  });
});

describe("predict with a CNN file", () => {
  it("rejects metadata that disagrees with the tensors, and a file with half a CNN", async () => {
    const folder = tempFolder();
    const model = new DigitCnn([2, 3], new Random(0));
    const path = join(folder, "cnn.safetensors");
    writeFileSync(path, toSafetensors(model.stateDict(), { model: "cnn", channels: "9,9" }));
    const result = await run("predict", "--weights", path);
    expect(result.status).toBe(2);
    expect(result.stderr.split("\n")[0]).toMatch(
      /has metadata channels "9,9", but its weights are a digit CNN with channels 2,3$/,
    );
    const dict = model.stateDict();
    delete dict["conv2.weight"];
    writeFileSync(path, toSafetensors(dict));
    const half = await run("predict", "--weights", path);
    expect(half.status).toBe(2);
    expect(half.stderr.split("\n")[0]).toMatch(/holds no digit CNN \(no conv2\.weight\)$/);
  });
});

describe("shiftDigits", () => {
  it("moves each digit by its own offset within ±maxShift, filling with background", () => {
    const n = 200;
    const pixels = new Float32Array(n * 784);
    for (let i = 0; i < n; i++) pixels[i * 784 + 14 * 28 + 14] = 1; // one lit pixel at (14, 14)
    const shifted = shiftDigits(new NDArray(pixels, [n, 784]), 2, new Random(3)).toTypedArray();
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const lit = [...shifted.subarray(i * 784, (i + 1) * 784)].flatMap((v, k) => (v ? [k] : []));
      expect(lit.length).toBe(1);
      const [r, c] = [Math.floor((lit[0] as number) / 28) - 14, ((lit[0] as number) % 28) - 14];
      expect(Math.abs(r) <= 2 && Math.abs(c) <= 2).toBe(true);
      seen.add(`${r},${c}`);
    }
    expect(seen.size).toBe(25); // every offset of the 5×5 range occurs
    // a stroke at the border moves out of the image, not around it
    const edge = new Float32Array(784).fill(0);
    for (let r = 0; r < 28; r++) edge[r * 28] = 1; // the left column
    const moved = shiftDigits(new NDArray(edge, [1, 784]), 2, new Random(0)).toTypedArray();
    const sum = [...moved].reduce((a, b) => a + b, 0);
    expect(sum).toBeLessThanOrEqual(28);
    expect(shiftDigits(new NDArray(edge, [1, 784]), 0, new Random(0)).toTypedArray()).toEqual(edge);
  });
});
