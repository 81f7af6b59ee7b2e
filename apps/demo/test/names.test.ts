import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { noGrad } from "@zerograd/autograd";
import { Random } from "@zerograd/ndarray";
import { fromSafetensors, readSafetensorsHeader } from "@zerograd/nn";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { bigramModel, encodeNames, loadNames } from "../src/names-data";
import { NameGpt } from "../src/names-gpt";
import { lastJson, readSvg, run, tempFolder } from "./run";

describe("names data", () => {
  it("loads about 8,000 distinct lower-case names, split 90/10 by the seed", () => {
    const a = loadNames(new Random(0));
    const b = loadNames(new Random(0));
    const total = a.train.length + a.validation.length;
    expect(total).toBeGreaterThan(7000);
    expect(a.validation.length).toBe(Math.round(total / 10));
    expect(b.validation).toEqual(a.validation);
    expect(new Set([...a.train, ...a.validation]).size).toBe(total);
    expect(a.vocabulary[0]).toBe(".");
    expect(a.vocabulary).toContain("z");
    expect(a.train.every((name) => name === name.toLowerCase())).toBe(true);
  });

  it("encodes a name as boundary + characters, targets shifted by one, padding masked", () => {
    const vocabulary = [".", "a", "b"];
    const batch = encodeNames(["ab", "b"], vocabulary, 4);
    expect(batch.inputs.toArray()).toEqual([
      [0, 1, 2, 0],
      [0, 2, 0, 0],
    ]);
    expect([...batch.targets.toTypedArray()]).toEqual([1, 2, 0, 0, 2, 0, 0, 0]);
    expect([...batch.mask.toTypedArray()]).toEqual([1, 1, 1, 0, 1, 1, 0, 0]);
    expect(batch.count).toBe(5);
  });

  it("the bigram baseline matches its closed form on a tiny corpus", () => {
    // "ab" twice: pairs .a, ab, b. with add-one smoothing over 3 tokens.
    const nll = bigramModel(["ab", "ab"], [".", "a", "b"]);
    // P(a|.) = 3/5, P(b|a) = 3/5, P(.|b) = 3/5.
    expect(nll(["ab"])).toBeCloseTo(-Math.log(3 / 5), 12);
  });
});

describe("names command", () => {
  it("trains a small GPT below the bigram baseline, samples names and saves its files", async () => {
    const out = tempFolder();
    const result = await run(
      "names",
      "--epochs",
      "1",
      "--embed",
      "32",
      "--layers",
      "1",
      "--samples",
      "8",
      "--out",
      out,
      "--json",
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const metrics = lastJson(result);
    const validation = metrics.validationLoss as number;
    const bigram = metrics.bigramValidationLoss as number;
    expect(bigram).toBeGreaterThan(2);
    expect(validation).toBeLessThan(Math.log(28));
    expect(metrics.samples as string[]).toHaveLength(8);
    expect(result.stdout).toMatch(/bigram baseline: validation loss \d\.\d{4} nats\/char/);
    expect(result.stdout).toMatch(/novel \(not training names, marked \*\): \d+%/);
    expect(result.lines.at(-2)).toBe(`validation loss: ${validation.toFixed(4)}`);
    const bytes = new Uint8Array(readFileSync(join(out, "names-gpt.safetensors")));
    expect(readSafetensorsHeader(bytes).metadata).toMatchObject({ model: "gpt", layers: "1" });
    const keys = Object.keys(fromSafetensors(bytes));
    expect(keys).toContain("token_embedding.weight");
    expect(keys).toContain("blocks.layers.0.attention.in_proj_weight");
    expect(readSvg(join(out, "names-curves.svg"))).toContain("bigram");
  });
});

describe("names --export-onnx and predict --onnx", () => {
  it("exports the trained GPT; onnxruntime gives zerograd's logits on the validation names", async () => {
    const out = tempFolder();
    const file = join(out, "names.onnx");
    const trained = await run(
      "names",
      "--epochs",
      "1",
      "--embed",
      "16",
      "--heads",
      "2",
      "--layers",
      "1",
      "--samples",
      "2",
      "--out",
      out,
      "--export-onnx",
      file,
      "--json",
    );
    expect(trained.stderr).toBe("");
    expect(trained.status).toBe(0);
    expect(trained.stdout).toMatch(
      /exported .*names\.onnx \(ONNX, [\d,]+ bytes, int32 tokens \[batch, \d+\] in, logits \[batch, \d+, \d+\] out; predict --weights .* --onnx .*names\.onnx\)/,
    );
    const metrics = lastJson(trained);
    expect((metrics.files as Record<string, string>).onnx).toBe(file);
    const weights = join(out, "names-gpt.safetensors");

    // The file itself: the demo's NameGpt, loaded from the saved weights, against onnxruntime
    // on a batch size other than the traced one (1), padded to the context.
    const bytes = new Uint8Array(readFileSync(weights));
    const meta = readSafetensorsHeader(bytes).metadata as Record<string, string>;
    const vocabulary = [...meta.vocabulary];
    const context = Number(meta.context);
    const model = new NameGpt(vocabulary.length, context, 16, 2, 1, new Random(1));
    model.loadStateDict(fromSafetensors(bytes));
    model.eval();
    const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(file)));
    const batch = encodeNames(["anna", "bob", "christopher", "e", "zoe"], vocabulary, context);
    const output = (
      await session.run({
        tokens: new ort.Tensor("int32", batch.inputs.toTypedArray() as Int32Array, [5, context]),
      })
    ).logits as ort.Tensor;
    await session.release();
    const want = noGrad(() => model.call(batch.inputs)).data;
    expect(output.dims).toEqual(want.shape);
    const got = output.data as Float32Array;
    const ours = want.toTypedArray();
    let worst = 0;
    for (let i = 0; i < got.length; i++) {
      worst = Math.max(worst, Math.abs((got[i] as number) - (ours[i] as number)));
    }
    console.log(
      `names GPT (demo NameGpt, trained 1 epoch) onnxruntime max abs difference ${worst.toExponential(2)}`,
    );
    expect(worst).toBeLessThan(1e-5 * Math.max(1, ...Array.from(ours, Math.abs)));

    const result = await run("predict", "--weights", weights, "--onnx", file, "--json");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const predicted = lastJson(result);
    const onnx = predicted.onnx as {
      validationLoss: number;
      samePredictions: number;
      positions: number;
      maxAbsDifference: number;
    };
    // Width context instead of each batch's longest name: the same loss up to rounding.
    expect(predicted.validationLoss as number).toBeCloseTo(metrics.validationLoss as number, 4);
    expect(onnx.validationLoss).toBeCloseTo(predicted.validationLoss as number, 5);
    expect(onnx.samePredictions).toBe(onnx.positions);
    expect(onnx.maxAbsDifference).toBeLessThan(1e-4);
    expect(result.lines.at(-2)).toMatch(
      /^onnxruntime .*names\.onnx: validation loss \d\.\d{4} nats\/char, the same top next token as zerograd at (\d+) of \1 positions, max \|logit difference\| \d\.\de-\d+$/,
    );
    const plain = await run("predict", "--weights", weights);
    expect(plain.status).toBe(0);
    expect(plain.last).toMatch(
      /^validation split of seed 0: \d+ names, loss \d\.\d{4} nats\/char$/,
    );

    const broken = join(out, "broken.onnx");
    writeFileSync(broken, "not onnx");
    const failed = await run("predict", "--weights", weights, "--onnx", broken);
    expect(failed.status).toBe(2);
    expect(failed.stderr).toMatch(/error: onnxruntime cannot load .*broken\.onnx/);
  });
});
