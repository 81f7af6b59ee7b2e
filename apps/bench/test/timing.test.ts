import { describe, expect, it } from "vitest";
import { measure, type Plan } from "../src/timing";

const settings: Plan = {
  reps: 3,
  minReps: 3,
  warmup: 0,
  warmupCalls: 0,
  warmupMs: 0,
  minSampleMs: 0,
  budgetMs: 60_000,
};

describe("measure", () => {
  it("interleaves one sample of each implementation per round, starting one later each round", () => {
    const order: string[] = [];
    const calls = ["a", "b", "c"].map((name) => ({
      call: () => order.push(name),
      firstMs: 1,
      collect: false,
    }));
    const timings = measure(calls, settings);
    expect(order.join("")).toBe("abcbcacab");
    expect(timings.map((t) => [t.samples, t.inner])).toEqual([
      [3, 1],
      [3, 1],
      [3, 1],
    ]);
  });

  it("skips an implementation once it has its samples and goes on with the others", () => {
    const order: string[] = [];
    const calls = [
      { call: () => order.push("a"), firstMs: 1, collect: false },
      { call: () => order.push("b"), firstMs: 30_000, collect: false },
    ];
    const timings = measure(calls, { ...settings, minReps: 1 });
    // b is slow: its first (checked) call counts as a sample, and its budget affords one more.
    expect(timings.map((t) => t.samples)).toEqual([3, 2]);
    expect(order.join("")).toBe("abaa");
  });
});
