import { arrayEqual, type NDArray, Random } from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import {
  calculateFanInAndFanOut,
  calculateGain,
  type FanMode,
  type KaimingOptions,
  kaimingNormal,
  kaimingUniform,
  NNError,
  type Nonlinearity,
  xavierNormal,
  xavierUniform,
} from "../src/index";
import { fixture } from "./helpers";

interface InitCase {
  fn: "xavierUniform" | "xavierNormal" | "kaimingUniform" | "kaimingNormal";
  shape: number[];
  args: { gain?: number; a?: number; mode?: string; nonlinearity?: string };
  fanIn: number;
  fanOut: number;
  gain?: number;
  bound?: number;
  std?: number;
}

const { gains, cases } = fixture<{
  init: {
    gains: { nonlinearity: string; param: number | null; gain: number }[];
    cases: InitCase[];
  };
}>("nn.json").init;

/** PyTorch's snake_case names in ours. */
const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function options(c: InitCase, rng: Random): KaimingOptions & { gain?: number } {
  const { gain, a, mode, nonlinearity } = c.args;
  return {
    rng,
    ...(gain === undefined ? {} : { gain }),
    ...(a === undefined ? {} : { a }),
    ...(mode === undefined ? {} : { mode: camel(mode) as FanMode }),
    ...(nonlinearity === undefined ? {} : { nonlinearity: camel(nonlinearity) as Nonlinearity }),
  };
}

const draw = { xavierUniform, xavierNormal, kaimingUniform, kaimingNormal };

describe("calculateGain and the fans match PyTorch", () => {
  it.each(gains.map((g) => [g.nonlinearity, g.param, g] as const))(
    "gain of %s (param %s)",
    (name, param, g) => {
      expect(calculateGain(camel(name) as Nonlinearity, param ?? undefined)).toBe(g.gain);
    },
  );

  it("fans of [out, in, ...kernel] shapes", () => {
    for (const c of cases) {
      expect(calculateFanInAndFanOut(c.shape)).toEqual({ fanIn: c.fanIn, fanOut: c.fanOut });
    }
    expect(() => calculateFanInAndFanOut([5])).toThrow(NNError);
  });
});

describe("init functions draw with PyTorch's bounds and standard deviations", () => {
  it.each(
    cases.map((c, i) => [c.fn, JSON.stringify(c.shape), JSON.stringify(c.args), c, i] as const),
  )("%s %s %s", (fn, _shape, _args, c, i) => {
    if (c.gain !== undefined) {
      const { a = 0, nonlinearity = "leaky_relu" } = c.args;
      expect(calculateGain(camel(nonlinearity) as Nonlinearity, a)).toBe(c.gain);
    }
    const values = draw[fn](c.shape, options(c, new Random(i)));
    expect(values.shape).toEqual(c.shape);
    expect(values.dtype).toBe("float32");
    // The exact same draw as the generator's own sampler with the fixture's bound / std.
    const reference = new Random(i);
    const expected =
      c.bound !== undefined
        ? reference.uniform(-c.bound, c.bound, c.shape)
        : reference.normal(0, c.std as number, c.shape);
    expect(arrayEqual(values, expected)).toBe(true);
    checkStatistics(values, c);
  });

  function checkStatistics(values: NDArray, c: InitCase): void {
    if (values.size < 10_000) return;
    if (c.bound !== undefined) {
      const largest = values.abs().max().item();
      expect(largest).toBeLessThanOrEqual(c.bound);
      expect(largest).toBeGreaterThan(0.99 * c.bound);
      expect(Math.abs(values.std().item() / (c.bound / Math.sqrt(3)) - 1)).toBeLessThan(0.02);
    } else {
      expect(Math.abs(values.std().item() / (c.std as number) - 1)).toBeLessThan(0.02);
      expect(Math.abs(values.mean().item())).toBeLessThan(
        (4 * (c.std as number)) / Math.sqrt(values.size),
      );
    }
  }

  it("takes a dtype, is reproducible with a seed and random without", () => {
    expect(kaimingNormal([3, 4], { dtype: "float64" }).dtype).toBe("float64");
    const seeded = () => xavierUniform([3, 4], { rng: new Random(1) });
    expect(arrayEqual(seeded(), seeded())).toBe(true);
    expect(arrayEqual(xavierUniform([3, 4]), xavierUniform([3, 4]))).toBe(false);
    expect(kaimingUniform([0, 4]).shape).toEqual([0, 4]);
  });

  it("rejects bad shapes, modes and nonlinearities", () => {
    expect(() => xavierUniform([4])).toThrow(
      "init: fan in and fan out need a shape of at least 2 axes, got [4]",
    );
    expect(() => kaimingUniform([2, 2], { mode: "fan_in" as FanMode })).toThrow(
      `kaimingUniform: mode must be 'fanIn' or 'fanOut', got "fan_in"`,
    );
    expect(() => kaimingNormal([2, 2], { nonlinearity: "gelu" as Nonlinearity })).toThrow(
      `calculateGain: unknown nonlinearity "gelu"`,
    );
  });
});
