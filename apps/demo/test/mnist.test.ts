import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type NDArray, Random } from "@zerograd/ndarray";
import { fromSafetensors, MLP, readSafetensorsHeader, toSafetensors } from "@zerograd/nn";
import { describe, expect, it } from "vitest";
import { loadMnist, splitForSeed } from "../src/mnist-data";
import { lastJson, readSvg, run, tempFolder } from "./run";

describe("mnist data", () => {
  it("holds 10,000 digits of 28×28 pixels in [0, 1] with labels 0–9", () => {
    const { images, labels } = loadMnist();
    expect(images.shape).toEqual([10000, 784]);
    expect(images.dtype).toBe("float32");
    const pixels = images.toTypedArray();
    expect(Math.min(...pixels.subarray(0, 784 * 50))).toBe(0);
    expect(Math.max(...pixels.subarray(0, 784 * 50))).toBe(1);
    const counts = new Array(10).fill(0);
    for (const label of labels.toTypedArray()) counts[label]++;
    expect(counts.every((count) => count > 800)).toBe(true);
  });

  it("splits 8,000 / 2,000 by a seeded shuffle, the same for the same seed", () => {
    const a = splitForSeed(0);
    const b = splitForSeed(0);
    const c = splitForSeed(1);
    expect(a.train.images.shape).toEqual([8000, 784]);
    expect(a.test.labels.shape).toEqual([2000]);
    expect(b.test.labels.toTypedArray()).toEqual(a.test.labels.toTypedArray());
    expect(c.test.labels.toTypedArray()).not.toEqual(a.test.labels.toTypedArray());
    // shuffled: the test split holds every digit, not just the 8s and 9s at the end
    expect(new Set(a.test.labels.toTypedArray()).size).toBe(10);
  });
});

describe("mnist command", () => {
  it("trains one epoch above 0.85, saves loadable weights and a well-formed SVG", async () => {
    const out = tempFolder();
    const result = await run("mnist", "--epochs", "1", "--out", out, "--json");
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
    const metrics = lastJson(result);
    expect(metrics.command).toBe("mnist");
    const accuracy = metrics.testAccuracy as number;
    expect(accuracy).toBeGreaterThan(0.85);
    // the line before the JSON is the documented last line of a plain run
    expect(result.lines.at(-2)).toBe(`test accuracy: ${accuracy.toFixed(4)}`);
    expect(result.lines.at(-2)).toMatch(/^test accuracy: 0\.\d{4}$/);
    expect(result.stdout).toMatch(
      /epoch 1\/1 {2}loss \d\.\d{4} {2}acc 0\.\d{4} {2}test acc 0\.\d{4} {2}[\d,]+ samples\/s/,
    );
    expect(result.stdout).toContain("training loss (63 steps, 1 epoch)");
    expect(result.stdout).toMatch(/predicted \d, true \d/);
    expect(result.stdout).toMatch(/[░▒▓█]{3}/);

    const weights = join(out, "mnist-mlp.safetensors");
    const bytes = new Uint8Array(readFileSync(weights));
    const dict = fromSafetensors(bytes);
    expect(Object.keys(dict).sort()).toEqual([
      "layers.0.bias",
      "layers.0.weight",
      "layers.1.bias",
      "layers.1.weight",
    ]);
    expect(dict["layers.0.weight"]?.shape).toEqual([128, 784]);
    expect(readSafetensorsHeader(bytes).metadata).toMatchObject({ hidden: "128", seed: "0" });
    expect(readSvg(join(out, "mnist-curves.svg"))).toContain("accuracy");

    // predict rebuilds the model from the file and finds the same test accuracy
    const predicted = await run("predict", "--weights", weights);
    expect(predicted.status).toBe(0);
    expect(predicted.last).toBe(`test accuracy: ${accuracy.toFixed(4)}`);
  });

  it("gives the same numbers for the same seed and other numbers for another", async () => {
    const numbers = async (seed: string) => {
      const result = await run(
        "mnist",
        "--epochs",
        "1",
        "--hidden",
        "32",
        "--seed",
        seed,
        "--out",
        tempFolder(),
        "--json",
      );
      expect(result.status).toBe(0);
      const { testAccuracy, epochs } = lastJson(result);
      return { testAccuracy, epochs };
    };
    const first = await numbers("7");
    expect(await numbers("7")).toEqual(first);
    expect(await numbers("8")).not.toEqual(first);
  });

  it("honours --hidden, --optimizer and --batch-size, and predict reads the hidden size back", async () => {
    const out = tempFolder();
    const result = await run(
      "mnist",
      "--epochs",
      "1",
      "--hidden",
      "16",
      "--optimizer",
      "momentum",
      "--lr",
      "0.05",
      "--batch-size",
      "64",
      "--out",
      out,
    );
    expect(result.status).toBe(0);
    expect(result.lines[0]).toContain("MLP 784-16-10");
    expect(result.lines[0]).toContain("SGD with momentum 0.9 (lr 0.05)");
    expect(result.lines[0]).toContain("batch 64");
    const predicted = await run(
      "predict",
      "--weights",
      join(out, "mnist-mlp.safetensors"),
      "--json",
    );
    expect(lastJson(predicted)).toMatchObject({ hidden: 16, seed: 0 });
    expect(predicted.lines.at(-2)).toBe(result.last);
  });
});

describe("predict with bad weights", () => {
  const expectUsageError = async (args: string[], message: RegExp) => {
    const result = await run(...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    const [first, ...rest] = result.stderr.split("\n");
    expect(first).toMatch(message);
    expect(rest.join("\n")).toContain("Usage: zerograd-demo predict");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  };

  it("a missing file", async () => {
    await expectUsageError(
      ["predict", "--weights", join(tempFolder(), "nope.safetensors")],
      /^error: cannot read weights file .*nope\.safetensors: no such file$/,
    );
  });

  it("a corrupt or truncated file", async () => {
    const folder = tempFolder();
    const garbage = join(folder, "garbage.safetensors");
    writeFileSync(garbage, "this is not safetensors");
    await expectUsageError(
      ["predict", "--weights", garbage],
      /^error: .*garbage\.safetensors is not a valid safetensors file \(/,
    );
    await expectUsageError(
      ["predict", "--weights", folder],
      /^error: cannot read weights file .*: a directory$/,
    );
  });

  it("a file that is not this model", async () => {
    const out = tempFolder();
    await run("mnist", "--epochs", "1", "--hidden", "8", "--out", out);
    const path = join(out, "mnist-mlp.safetensors");
    const bytes = readFileSync(path);
    writeFileSync(join(out, "truncated.safetensors"), bytes.subarray(0, bytes.length - 100));
    await expectUsageError(
      ["predict", "--weights", join(out, "truncated.safetensors")],
      /is not a valid safetensors file \((readSafetensorsHeader|fromSafetensors): .*runs past/,
    );
    // a state dict of another MLP (2-10-3, no metadata): the hidden size is read from the
    // first weight, and loading checks every shape
    const other = new MLP([2, 10, 3], { rng: new Random(0) });
    writeFileSync(join(out, "other.safetensors"), toSafetensors(other.stateDict()));
    await expectUsageError(
      ["predict", "--weights", join(out, "other.safetensors")],
      /^error: .*other\.safetensors does not fit a 784-10-10 MLP \(.*layers\.0\.weight/,
    );
    expect(existsSync(path)).toBe(true);
  });

  it("metadata that is malformed or disagrees with the tensors (the hidden size comes from them)", async () => {
    const out = tempFolder();
    const model = new MLP([784, 8, 10], { rng: new Random(0) });
    const save = (name: string, metadata?: Record<string, string>) => {
      const path = join(out, name);
      writeFileSync(path, toSafetensors(model.stateDict(), metadata));
      return path;
    };
    await expectUsageError(
      ["predict", "--weights", save("huge.safetensors", { hidden: "1e9", seed: "0" })],
      /^error: .*huge\.safetensors has metadata hidden "1e9", but its weights are a 784-8-10 MLP$/,
    );
    await expectUsageError(
      ["predict", "--weights", save("other.safetensors", { hidden: "16" })],
      /has metadata hidden "16", but its weights are a 784-8-10 MLP$/,
    );
    await expectUsageError(
      ["predict", "--weights", save("sizes.safetensors", { sizes: "784,16,10" })],
      /has metadata sizes "784,16,10", but its weights are a 784-8-10 MLP$/,
    );
    await expectUsageError(
      ["predict", "--weights", save("seed.safetensors", { hidden: "8", seed: "1e3" })],
      /has metadata seed "1e3", not an integer >= 0$/,
    );
    // without metadata the tensors say it all: 784-8-10, mnist's default seed
    const plain = await run("predict", "--weights", save("plain.safetensors"), "--json");
    expect(plain.status).toBe(0);
    expect(lastJson(plain)).toMatchObject({ hidden: 8, seed: 0 });
  });

  it("a layers.0.weight that is not a matrix", async () => {
    const path = join(tempFolder(), "flat.safetensors");
    const model = new MLP([784, 8, 10], { rng: new Random(0) });
    const dict = model.stateDict();
    dict["layers.0.weight"] = (dict["layers.0.weight"] as NDArray).reshape([8 * 784]);
    writeFileSync(path, toSafetensors(dict, { hidden: "8" }));
    await expectUsageError(
      ["predict", "--weights", path],
      /flat\.safetensors holds no 784-hidden-10 MLP \(layers\.0\.weight is \[6272\]\)$/,
    );
  });
});

describe("mnist --export-onnx and predict --onnx", () => {
  it("exports the trained MLP, and onnxruntime gives zerograd's predictions on the test split", async () => {
    const out = tempFolder();
    const file = join(out, "mnist.onnx");
    const trained = await run(
      "mnist",
      "--epochs",
      "1",
      "--hidden",
      "16",
      "--out",
      out,
      "--export-onnx",
      file,
      "--json",
    );
    expect(trained.status).toBe(0);
    expect(trained.stdout).toMatch(
      /exported .*mnist\.onnx \(ONNX, [\d,]+ bytes; predict --weights .* --onnx .*mnist\.onnx\)/,
    );
    expect((lastJson(trained).files as Record<string, string>).onnx).toBe(file);
    const weights = join(out, "mnist-mlp.safetensors");
    const result = await run("predict", "--weights", weights, "--onnx", file, "--json");
    expect(result.status).toBe(0);
    const metrics = lastJson(result);
    const onnx = metrics.onnx as {
      testAccuracy: number;
      samePredictions: number;
      maxAbsDifference: number;
    };
    expect(onnx.samePredictions).toBe(2000);
    expect(onnx.testAccuracy).toBe(metrics.testAccuracy);
    expect(onnx.maxAbsDifference).toBeLessThan(1e-4);
    console.log(
      `demo mnist (MLP hidden 16, trained 1 epoch) onnxruntime max abs difference ${onnx.maxAbsDifference.toExponential(2)}`,
    );
    expect(result.lines.at(-2)).toMatch(
      /^onnxruntime .*mnist\.onnx: test accuracy 0\.\d{4}, the same prediction as zerograd for 2000 of 2000 digits, max \|score difference\| \d\.\de-\d+$/,
    );
    const broken = join(out, "broken.onnx");
    writeFileSync(broken, "not a model");
    const failed = await run("predict", "--weights", weights, "--onnx", broken);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/error: onnxruntime cannot load .*broken\.onnx/);
  });
});
