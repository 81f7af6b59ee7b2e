import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sinCurve } from "@zerograd/data";
import { allclose, array, concat, Random } from "@zerograd/ndarray";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { lstmStepOnnx, predictCos, SequenceRegressor } from "../src/commands/lstm";
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

/** Runs a one-step ONNX file along the cos test series from a zero state (batch 1). */
async function onnxAlongCos(bytes: Uint8Array, hidden: number): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes);
  const values = sinCurve({ train: false }).x.toTypedArray();
  let h: ort.Tensor = new ort.Tensor("float32", new Float32Array(hidden), [1, hidden]);
  let c: ort.Tensor = new ort.Tensor("float32", new Float32Array(hidden), [1, hidden]);
  const predictions: number[] = [];
  for (const value of values) {
    const x = new ort.Tensor("float32", Float32Array.of(value as number), [1, 1]);
    const out = await session.run({ x, h, c });
    predictions.push((out.y as ort.Tensor).data[0] as number);
    h = out.hNext as ort.Tensor;
    c = out.cNext as ort.Tensor;
  }
  await session.release();
  return predictions;
}

describe("lstm --export-onnx", () => {
  it("one exported step, looped in onnxruntime, gives the whole-sequence predictions of zerograd", async () => {
    const model = new SequenceRegressor(12, new Random(3));
    const want = predictCos(model).predictions;
    const got = await onnxAlongCos(lstmStepOnnx(model), 12);
    expect(got).toHaveLength(want.length);
    const worst = Math.max(...got.map((g, i) => Math.abs(g - (want[i] as number))));
    console.log(
      `lstm demo model (hidden 12), 999 steps in onnxruntime: max abs difference ${worst.toExponential(2)}`,
    );
    expect(worst).toBeLessThan(1e-5);
    // and the batch is dynamic: 3 streams at once, each its own
    const session = await ort.InferenceSession.create(lstmStepOnnx(model));
    const x = new ort.Tensor("float32", Float32Array.of(0.1, -0.4, 0.9), [3, 1]);
    const zero = () => new ort.Tensor("float32", new Float32Array(3 * 12), [3, 12]);
    const out = await session.run({ x, h: zero(), c: zero() });
    await session.release();
    expect((out.hNext as ort.Tensor).dims).toEqual([3, 12]);
    const [y] = model.call(array([[[0.1], [-0.4], [0.9]]]));
    const ys = Array.from(y.data.toTypedArray(), Number);
    const theirs = Array.from((out.y as ort.Tensor).data as Float32Array, Number);
    expect(Math.max(...ys.map((v, i) => Math.abs(v - (theirs[i] as number))))).toBeLessThan(1e-6);
  });

  it("writes the file after training; onnxruntime's cos predictions score the command's test loss", async () => {
    const out = tempFolder();
    const file = join(out, "lstm.onnx");
    const result = await run(
      "lstm",
      "--epochs",
      "2",
      "--hidden",
      "8",
      "--out",
      out,
      "--export-onnx",
      file,
      "--json",
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /exported .*lstm\.onnx \(ONNX, [\d,]+ bytes: one step, x \[batch, 1\], h and c \[batch, 8\] in; y, hNext, cNext out\)/,
    );
    const metrics = lastJson(result) as { testLoss: number; files: { onnx: string } };
    expect(metrics.files.onnx).toBe(file);
    const predictions = await onnxAlongCos(new Uint8Array(readFileSync(file)), 8);
    const targets = sinCurve({ train: false }).y.toTypedArray();
    const mse =
      predictions.reduce((sum, p, i) => sum + (p - (targets[i] as number)) ** 2, 0) /
      predictions.length;
    expect(mse).toBeCloseTo(metrics.testLoss, 6);
  });
});
