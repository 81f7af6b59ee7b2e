// The JavaScript engines run the kernel suite; the loop cache has tests of its own.
import { afterAll, describe, expect, it } from "vitest";
import { interpretedEngine, jsEngine, setEngine } from "../src/kernels/engine";
import { describeKernelSuite } from "./kernel-suite";

const original = setEngine(jsEngine);
afterAll(() => {
  setEngine(original);
});

for (const engine of [jsEngine, interpretedEngine]) describeKernelSuite(engine.name, () => engine);

describe("LoopCache", () => {
  it("compiles a loop once per source and dtype key, even for fresh closures", async () => {
    const { LoopCache, interpretedLoops } = await import("../src/kernels/loops");
    let made = 0;
    const counting = {
      ...interpretedLoops,
      map: (fn: (...args: number[]) => number, arity: number, pattern: string) => {
        made++;
        return interpretedLoops.map(fn, arity, pattern);
      },
    };
    const cache = new LoopCache(() => counting);
    const fresh = () => (a: number, b: number) => a + b;
    const first = cache.map(fresh(), 2, "cc", "fff");
    expect(cache.map(fresh(), 2, "cc", "fff")).toBe(first);
    expect(made).toBe(1);
    cache.map(fresh(), 2, "cc", "ddd");
    cache.map((a: number, b: number) => a * b, 2, "cc", "fff");
    expect(made).toBe(3);
  });
});

describe("functions that cannot be compiled from their source", () => {
  it("fall back to interpreted loops instead of failing", async () => {
    const { LoopCache, compiledLoops, isSelfContained } = await import("../src/kernels/loops");
    // What coverage instrumentation does: the function now names a module-level counter.
    const counters = { hits: 0 };
    const instrumented = (a: number, b: number) => {
      counters.hits++;
      return a + b;
    };
    expect(isSelfContained((a: number, b: number) => a + b)).toBe(true);
    expect(isSelfContained(instrumented)).toBe(false);
    const cache = new LoopCache(() => compiledLoops);
    const loop = cache.map(instrumented, 2, "cc", "fff");
    const out = new Float32Array(3);
    const x = new Float32Array([1, 2, 3]);
    loop(out, 0, 1, 1, 3, x, 0, 0, 0, 1, x, 0, 0, 0, 1);
    expect(Array.from(out)).toEqual([2, 4, 6]);
    expect(counters.hits).toBeGreaterThanOrEqual(3);
  });
});

describe("closures over different values", () => {
  it("never share a loop, even with the same source text", async () => {
    const { LoopCache, compiledLoops } = await import("../src/kernels/loops");
    const cache = new LoopCache(() => compiledLoops);
    const scaleBy = (scale: number) => (v: number) => v * scale;
    const x = new Float64Array([1, 2]);
    const run = (fn: (v: number) => number) => {
      const out = new Float64Array(2);
      cache.map(fn, 1, "c", "dd")(out, 0, 1, 1, 2, x, 0, 0, 0, 1);
      return Array.from(out);
    };
    expect(run(scaleBy(2))).toEqual([2, 4]);
    expect(run(scaleBy(10))).toEqual([10, 20]);
  });
});
