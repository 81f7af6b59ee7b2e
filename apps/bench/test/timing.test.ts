import { describe, expect, it } from "vitest";
import { measure, type Plan, roundOrder } from "../src/timing";

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
  it("interleaves one sample of each implementation per round, in a balanced order", () => {
    const order: string[] = [];
    const calls = ["a", "b", "c"].map((name) => ({
      call: () => order.push(name),
      firstMs: 1,
      collect: false,
    }));
    const timings = measure(calls, { ...settings, reps: 6, minReps: 6 });
    // Three rotations, then the same three reversed: b comes right after a and after c alike.
    // Each sample is one call, so an untimed call goes first: every letter twice.
    const rounds = "abc bca cab cba acb bac".replaceAll(" ", "");
    expect(order.join("")).toBe(rounds.replace(/./g, "$&$&"));
    expect(timings.map((t) => [t.samples, t.inner])).toEqual([
      [6, 1],
      [6, 1],
      [6, 1],
    ]);
  });

  it("skips an implementation once it has its samples and goes on with the others", () => {
    const order: string[] = [];
    const calls = [
      { call: () => order.push("a"), firstMs: 1, collect: false },
      { call: () => order.push("b"), firstMs: 30_000, collect: false },
    ];
    const timings = measure(calls, { ...settings, minReps: 1 });
    // b is slow: its first (checked) call counts as a sample, and its budget affords one more,
    // without an untimed call before it (a long call carries little of a's cost).
    expect(timings.map((t) => t.samples)).toEqual([3, 2]);
    expect(order.join("")).toBe("aabaaaa");
  });

  it("times samples of three calls or more without an untimed call first", () => {
    const order: string[] = [];
    const calls = ["a", "b"].map((name) => ({
      call: () => order.push(name),
      firstMs: 1,
      collect: false,
    }));
    const timings = measure(calls, { ...settings, minSampleMs: 3 });
    expect(timings.map((t) => [t.samples, t.inner])).toEqual([
      [3, 3],
      [3, 3],
    ]);
    expect(order.join("")).toBe("aaabbb" + "bbbaaa" + "aaabbb");
  });
});

describe("roundOrder", () => {
  it.each([1, 2, 3, 4, 5, 6, 7])(
    "over a full cycle of %i implementations, each comes first and after each other one equally often",
    (n) => {
      const cycle = n % 2 === 0 ? n : 2 * n;
      const firsts = new Array<number>(n).fill(0);
      const after = new Map<string, number>();
      for (let round = 0; round < cycle; round++) {
        const row = roundOrder(n, round);
        expect([...row].sort((x, y) => x - y)).toEqual([...Array(n).keys()]);
        firsts[row[0] as number]++;
        for (let i = 1; i < n; i++) {
          const key = `${row[i - 1]}>${row[i]}`;
          after.set(key, (after.get(key) ?? 0) + 1);
        }
      }
      expect(new Set(firsts).size).toBe(1);
      // Every ordered pair of two different implementations, the same number of times.
      expect(after.size).toBe(n * (n - 1));
      expect(new Set(after.values()).size).toBeLessThanOrEqual(1);
    },
  );
});
