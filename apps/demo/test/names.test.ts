import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Random } from "@zerograd/ndarray";
import { fromSafetensors, readSafetensorsHeader } from "@zerograd/nn";
import { describe, expect, it } from "vitest";
import { bigramModel, encodeNames, loadNames } from "../src/names-data";
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
