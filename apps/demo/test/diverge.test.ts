import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resample, terminalChart } from "../src/charts";
import { formatExponential, formatFixed } from "../src/io";
import { lastJson, readSvg, run, tempFolder } from "./run";

const NOTE =
  /^note: training diverged: the loss became (nan|inf) at (step|iteration) \d+.*; try a lower --lr$/;

/** The one note line of a diverged run. */
function note(lines: readonly string[]): string {
  const notes = lines.filter((line) => line.startsWith("note: "));
  expect(notes).toHaveLength(1);
  return notes[0] as string;
}

describe("a run whose loss diverges completes, says so, and writes its files", () => {
  it("sin with too high a learning rate", async () => {
    const out = tempFolder();
    const result = await run("sin", "--lr", "5", "--iterations", "30", "--out", out, "--json");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const metrics = lastJson(result);
    const divergedAt = metrics.divergedAt as number;
    expect(divergedAt).toBeGreaterThan(1);
    expect(note(result.lines)).toMatch(NOTE);
    expect(note(result.lines)).toContain(`at iteration ${divergedAt};`);
    // JSON has no NaN or Infinity: the loss is null there, and nan or inf in the text
    expect(metrics.loss).toBeNull();
    expect(result.lines.at(-2)).toMatch(/^loss: (nan|inf)$/);
    expect(result.stdout).toMatch(/loss per iteration \[\d+ of 30 not finite, left out\]/);
    expect(result.stdout).not.toMatch(/NaN|Infinity/);
    const svg = readSvg(join(out, "sin.svg"));
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it("mnist with SGD at lr 1e30", async () => {
    const out = tempFolder();
    const result = await run(
      "mnist",
      "--optimizer",
      "sgd",
      "--lr",
      "1e30",
      "--epochs",
      "1",
      "--out",
      out,
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(note(result.lines)).toMatch(NOTE);
    expect(note(result.lines)).toMatch(/at step \d+ \(epoch 1\);/);
    expect(result.stdout).toMatch(/epoch 1\/1 {2}loss nan {2}acc/);
    expect(result.last).toMatch(/^test accuracy: 0\.\d{4}$/);
    expect(existsSync(join(out, "mnist-mlp.safetensors"))).toBe(true);
    expect(readSvg(join(out, "mnist-curves.svg"))).not.toMatch(/NaN|Infinity/);
  });

  it("xor and rosenbrock", async () => {
    const xor = await run("xor", "--lr", "1e20", "--json");
    expect(xor.status).toBe(0);
    expect(note(xor.lines)).toMatch(NOTE);
    expect(xor.lines.at(-2)).toMatch(/^loss: (nan|inf)$/);
    expect(lastJson(xor).divergedAt).toBeGreaterThanOrEqual(1);

    const rosenbrock = await run("rosenbrock", "--lr", "0.1", "--iterations", "100");
    expect(rosenbrock.status).toBe(0);
    expect(note(rosenbrock.lines)).toMatch(
      /^note: training diverged: the value of f became (nan|inf) at iteration \d+; try a lower --lr$/,
    );
    expect(rosenbrock.last).toBe("final point: (nan, nan), f = nan");
  });

  it("a run that does not diverge prints no note and a null divergedAt", async () => {
    const result = await run("xor", "--json");
    expect(result.lines.filter((line) => line.startsWith("note: "))).toEqual([]);
    expect(lastJson(result).divergedAt).toBeNull();
  });
});

describe("charts and numbers that are not finite", () => {
  it("terminalChart leaves NaN and infinities out and says how many", () => {
    const chart = terminalChart("loss", [3, 2, Number.NaN, 1, Number.POSITIVE_INFINITY], {
      height: 4,
      width: 20,
    });
    const lines = chart.split("\n");
    expect(lines[0]).toBe("loss [2 of 5 not finite, left out]");
    expect(lines).toHaveLength(1 + 5);
    expect(lines[1]).toContain("3.00");
    expect(lines.at(-1)).toContain("1.00");
    expect(terminalChart("loss", [Number.NaN, Number.NaN])).toBe(
      "loss [2 of 2 not finite, left out]\n(no finite values to draw)",
    );
  });

  it("terminalChart labels huge values with exponents, the axis in one column", () => {
    const lines = terminalChart("loss", [1, 1e20, 3e38], { height: 4, width: 10 }).split("\n");
    expect(lines[1]).toContain("3.00e+38");
    const axis = lines.slice(1).map((line) => line.search(/[┼┤]/));
    expect(new Set(axis).size).toBe(1);
  });

  it("resample does not overflow on huge values", () => {
    expect(resample([Number.MAX_VALUE, Number.MAX_VALUE], 1)).toEqual([Number.MAX_VALUE]);
  });

  it("formatFixed and formatExponential print nan, inf and -inf", () => {
    expect(formatFixed(0.25, 3)).toBe("0.250");
    expect(formatFixed(3435803648720896, 3)).toBe("3.436e+15");
    expect(formatFixed(Number.NaN, 4)).toBe("nan");
    expect(formatFixed(Number.POSITIVE_INFINITY, 4)).toBe("inf");
    expect(formatExponential(Number.NEGATIVE_INFINITY, 3)).toBe("-inf");
    expect(formatExponential(401, 3)).toBe("4.010e+2");
  });
});
