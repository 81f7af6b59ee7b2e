import { join } from "node:path";
import { allclose, concat, Random } from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import { SequenceRegressor } from "../src/commands/lstm";
import { lastJson, readSvg, run, tempFolder } from "./run";

describe("lstm", () => {
  it("learns the noisy sin curve with truncated BPTT and predicts cos", async () => {
    const out = tempFolder();
    const result = await run(
      "lstm",
      "--epochs",
      "12",
      "--hidden",
      "32",
      "--lr",
      "0.01",
      "--out",
      out,
      "--json",
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const metrics = lastJson(result) as {
      loss: number;
      epochs: { epoch: number; loss: number }[];
      testLoss: number;
      divergedAt: number | null;
    };
    expect(metrics.epochs.map((r) => r.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const first = metrics.epochs[0]?.loss as number;
    // From a zero state the first predictions are near 0: about E[sin²] = 0.5 per step.
    expect(first).toBeGreaterThan(0.3);
    expect(metrics.loss).toBe(metrics.epochs.at(-1)?.loss);
    expect(metrics.loss).toBeLessThan(first / 5);
    // Predicting 0 everywhere would score 0.5 on cos.
    expect(metrics.testLoss).toBeLessThan(0.1);
    expect(metrics.divergedAt).toBeNull();
    // 12 epochs report in blocks of 2, without an accuracy (a regression).
    const progress = result.lines.filter((line) => line.startsWith("epochs "));
    expect(progress).toHaveLength(6);
    expect(progress[0]).toMatch(/^epochs {3}1-2\/12 {2}loss \d\.\d{4} {2}[\d,]+ samples\/s/);
    expect(progress[5]).toMatch(/^epochs 11-12\/12 {2}loss /);
    expect(result.stdout).not.toContain(" acc ");
    expect(result.stdout).toContain("30 streams 33 steps apart, 34 batches per epoch");
    expect(result.lines.at(-2)).toBe(`loss: ${metrics.loss.toFixed(6)}`);
    expect(readSvg(join(out, "lstm-cos.svg"))).toContain("predicting cos x");
  });

  it("is deterministic per seed, and --bptt-length changes the training", async () => {
    const loss = async (...flags: string[]) =>
      lastJson(
        await run(
          "lstm",
          "--epochs",
          "2",
          "--hidden",
          "8",
          "--out",
          tempFolder(),
          "--json",
          ...flags,
        ),
      ).loss;
    const base = await loss();
    expect(await loss()).toBe(base);
    expect(await loss("--seed", "1")).not.toBe(base);
    expect(await loss("--bptt-length", "5")).not.toBe(base);
  });

  it("carries the state: one pass over a series equals chunks with the state passed on", () => {
    const model = new SequenceRegressor(6, new Random(0));
    const series = new Random(1).normal(0, 1, [10, 3, 1]);
    const [whole] = model.call(series);
    const [head, state] = model.call(series.slice([[0, 4]]));
    const [tail] = model.call(series.slice([[4, 10]]), [state[0].detach(), state[1].detach()]);
    const joined = concat([head.data, tail.data], 0);
    expect(joined.shape).toEqual(whole.shape);
    expect(allclose(joined, whole.data, { atol: 1e-6 })).toBe(true);
    // and without the state the second chunk starts afresh: different outputs
    const [fresh] = model.call(series.slice([[4, 10]]));
    expect(allclose(fresh.data, tail.data, { atol: 1e-3 })).toBe(false);
  });

  it("a --batch-size longer than the series is bad input", async () => {
    const result = await run("lstm", "--batch-size", "1000", "--out", tempFolder());
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^error: --batch-size 1000 exceeds the 999 steps of the series\n/,
    );
  });
});
