import { describe, expect, test } from "vitest";
import type { BenchCase } from "../src/section";
import { librariesFor, WORKERS } from "../src/worker";

const base: BenchCase = {
  id: "t/case",
  label: "a case",
  family: "matmul",
  zerograd: () => {
    throw new Error("not built here");
  },
  check: () => ({ ok: true, detail: "" }),
};
const withTfjs: BenchCase = { ...base, tfjs: () => base.zerograd() };
const paired: BenchCase = { ...withTfjs, alongsideTfjsWasm: true };

describe("which child times what", () => {
  test("a paired case's tfjs-wasm row moves to zerograd's child when both run", () => {
    expect(librariesFor("zerograd", paired, WORKERS)).toEqual({ own: true, tfjsWasm: true });
    expect(librariesFor("tfjs-wasm", paired, WORKERS).own).toBe(false);
    // tfjs-cpu is not paired: its own child times it as before.
    expect(librariesFor("tfjs-cpu", paired, WORKERS).own).toBe(true);
  });

  test("without zerograd's child, the tfjs-wasm child times the paired case itself", () => {
    expect(librariesFor("tfjs-wasm", paired, ["tfjs-cpu", "tfjs-wasm"]).own).toBe(true);
  });

  test("without the tfjs-wasm child, zerograd's child does not load tfjs-wasm", () => {
    expect(librariesFor("zerograd", paired, ["zerograd", "tfjs-cpu"]).tfjsWasm).toBe(false);
  });

  test("an unpaired case stays where it was: every child times its own rows", () => {
    expect(librariesFor("zerograd", withTfjs, WORKERS)).toEqual({ own: true, tfjsWasm: false });
    expect(librariesFor("tfjs-wasm", withTfjs, WORKERS).own).toBe(true);
    expect(librariesFor("tfjs-cpu", withTfjs, WORKERS).own).toBe(true);
  });

  test("a case without a tfjs version runs in zerograd's child only", () => {
    const alone = { ...base, alongsideTfjsWasm: true };
    expect(librariesFor("zerograd", alone, WORKERS)).toEqual({ own: true, tfjsWasm: false });
    expect(librariesFor("tfjs-wasm", alone, WORKERS).own).toBe(false);
    expect(librariesFor("tfjs-cpu", alone, WORKERS).own).toBe(false);
  });
});
