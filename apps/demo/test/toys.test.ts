import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lastJson, readSvg, run, tempFolder } from "./run";

describe("spiral", () => {
  it("reaches 0.95 training accuracy with the book's settings and draws the boundary", async () => {
    const out = tempFolder();
    const result = await run("spiral", "--out", out, "--json");
    expect(result.status).toBe(0);
    const metrics = lastJson(result);
    expect(metrics.trainAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(result.lines.at(-2)).toBe(
      `train accuracy: ${(metrics.trainAccuracy as number).toFixed(4)}`,
    );
    expect(result.stdout).toContain("SGD (lr 1), batch 30, 300 epochs");
    const svg = readSvg(join(out, "spiral.svg"));
    expect(svg).toContain("spiral decision boundary");
  });

  it("is deterministic per seed", async () => {
    const numbers = async (seed: string) => {
      const result = await run(
        "spiral",
        "--epochs",
        "20",
        "--seed",
        seed,
        "--out",
        tempFolder(),
        "--json",
      );
      const { trainAccuracy, loss } = lastJson(result);
      return { trainAccuracy, loss };
    };
    const first = await numbers("3");
    expect(await numbers("3")).toEqual(first);
    expect((await numbers("4")).loss).not.toBe(first.loss);
  });
});

describe("sin", () => {
  it("fits the curve: the loss falls well below its start, the fit is drawn", async () => {
    const out = tempFolder();
    const result = await run(
      "sin",
      "--iterations",
      "3000",
      "--optimizer",
      "adam",
      "--lr",
      "0.05",
      "--out",
      out,
      "--json",
    );
    expect(result.status).toBe(0);
    const { loss, losses } = lastJson(result) as {
      loss: number;
      losses: { iteration: number; loss: number }[];
    };
    expect(losses[0]?.iteration).toBe(1);
    expect(losses.at(-1)?.iteration).toBe(3000);
    // noise U(0, 1) has variance 1/12 ≈ 0.083: a good fit leaves about that
    expect(loss).toBeLessThan(0.1);
    expect(loss).toBeGreaterThan(0.05);
    expect(loss).toBeLessThan((losses[0]?.loss ?? 0) / 4);
    expect(result.lines.at(-2)).toBe(`loss: ${loss.toFixed(6)}`);
    expect(readSvg(join(out, "sin.svg"))).toContain("sin(2πx)");
  });

  it("is deterministic per seed", async () => {
    const loss = async () =>
      lastJson(await run("sin", "--iterations", "200", "--out", tempFolder(), "--json")).loss;
    expect(await loss()).toBe(await loss());
  });
});

describe("autograd", () => {
  it("prints the book's figures and writes the graph", async () => {
    const out = tempFolder();
    const result = await run("autograd", "--out", out, "--json");
    expect(result.status).toBe(0);
    const metrics = lastJson(result) as {
      backprop: number;
      numerical: number;
      exact: number;
      newton: number[];
      tanhDerivatives: number[];
    };
    expect(metrics.exact).toBeCloseTo(3.297442541400256, 14);
    expect(metrics.backprop).toBeCloseTo(metrics.exact, 12);
    expect(metrics.numerical).toBeCloseTo(metrics.exact, 6);
    expect(metrics.newton.slice(0, 3)).toEqual([2, 1.4545454545454546, 1.1510467893775467]);
    expect(metrics.newton.at(-1)).toBe(1);
    const t = Math.tanh(1);
    const [d1, d2, d3, d4] = metrics.tanhDerivatives as [number, number, number, number];
    expect(d1).toBeCloseTo(1 - t * t, 14);
    expect(d2).toBeCloseTo(-2 * t * (1 - t * t), 14);
    expect(d3).toBeCloseTo(0.6216266807712962, 12);
    expect(d4).toBeCloseTo(0.6650910447505021, 12);
    const dot = readFileSync(join(out, "graph.dot"), "utf8");
    expect(dot).toMatch(/^digraph g \{\n/);
    expect(dot).toContain('"Tanh"');
    expect(dot.trimEnd().endsWith("}")).toBe(true);
  });
});

describe("rosenbrock", () => {
  it("walks towards (1, 1), printing every --every iterations", async () => {
    const result = await run("rosenbrock", "--iterations", "10000", "--every", "2000", "--json");
    expect(result.status).toBe(0);
    const { path, x0, x1 } = lastJson(result) as {
      path: { iteration: number; x0: number; x1: number; value: number }[];
      x0: number;
      x1: number;
    };
    expect(path.map((p) => p.iteration)).toEqual([0, 2000, 4000, 6000, 8000, 10000]);
    expect(path[0]).toMatchObject({ x0: 0, x1: 2, value: 401 });
    // the book (step 28): 10,000 steps of lr 0.001 reach (0.99449..., 0.98900...)
    expect(x0).toBeCloseTo(0.994498, 5);
    expect(x1).toBeCloseTo(0.989005, 5);
    for (let i = 1; i < path.length; i++) {
      expect(path[i]?.value).toBeLessThan(path[i - 1]?.value ?? 0);
    }
    expect(result.lines.filter((line) => line.startsWith("iteration"))).toHaveLength(6);
  });

  it("takes another optimizer: momentum gets there in a tenth of the steps", async () => {
    const result = await run(
      "rosenbrock",
      "--optimizer",
      "momentum",
      "--iterations",
      "5000",
      "--json",
    );
    expect(result.stdout).toContain("SGD with momentum 0.9 (lr 0.001), 5000 iterations");
    const { x0, x1 } = lastJson(result) as { x0: number; x1: number };
    expect(x0).toBeCloseTo(1, 6);
    expect(x1).toBeCloseTo(1, 6);
  });
});

describe("xor", () => {
  it("prints the loss of 10 SGD steps, falling every step", async () => {
    const result = await run("xor", "--json");
    expect(result.status).toBe(0);
    const { losses, loss } = lastJson(result) as { losses: number[]; loss: number };
    expect(losses).toHaveLength(10);
    expect(result.lines.filter((line) => /^step +\d+ {2}loss \d\.\d{6}$/.test(line))).toHaveLength(
      10,
    );
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1] as number);
    expect(loss).toBeLessThan(losses.at(-1) as number);
    expect(result.stdout).toContain("Sequential(Linear(2, 3), Linear(3, 1))");
    expect(result.stdout).toContain("SGD (lr 0.05)");
  });

  it("same seed, same losses; another seed, other losses", async () => {
    const losses = async (seed: string) =>
      lastJson(await run("xor", "--seed", seed, "--json")).losses;
    expect(await losses("1")).toEqual(await losses("1"));
    expect(await losses("2")).not.toEqual(await losses("1"));
  });
});
