import { describe, expect, test } from "vitest";
import type { Library } from "../src/impl";
import { exitCode } from "../src/results";
import type { CaseResult, ProbeResult } from "../src/section";
import { targetsTable } from "../src/targets";

const LIBS: readonly Library[] = ["zerograd", "wasm", "wasm-1t", "js", "tfjs-cpu", "tfjs-wasm"];
const timing = { medianMs: 1, minMs: 1, maxMs: 1, samples: 3, inner: 1 };
const right = (lib: Library): CaseResult => ({
  caseId: "add/row",
  lib,
  timing,
  check: { ok: true, detail: "exact" },
});
const wrong = (lib: Library): CaseResult => ({
  ...right(lib),
  check: { ok: false, detail: "entry 3: got 2, expected 1" },
});

describe("the exit code", () => {
  test("is 0 when every row passes its check", () => {
    expect(exitCode(LIBS.map(right), [], 0)).toBe(0);
  });

  test.each(LIBS)("is 1 when the %s row's result is wrong", (lib) => {
    const results = LIBS.map((l) => (l === lib ? wrong(l) : right(l)));
    expect(exitCode(results, [], 0)).toBe(1);
  });

  test.each(LIBS)("is 1 when the %s row raised", (lib) => {
    const results = LIBS.map((l) =>
      l === lib ? { caseId: "add/row", lib: l, error: "boom" } : right(l),
    );
    expect(exitCode(results, [], 0)).toBe(1);
  });

  test("is 0 when a library cannot run a case (a kernel its backend lacks)", () => {
    const results = LIBS.map((l) =>
      l === "tfjs-wasm"
        ? {
            caseId: "add/row",
            lib: l,
            unsupported: "backend wasm has no Conv2DBackpropFilter kernel",
          }
        : right(l),
    );
    expect(exitCode(results, [], 0)).toBe(0);
  });

  test("is 1 when a probe raised or a child failed", () => {
    const probe: ProbeResult = {
      probeId: "p",
      points: [],
      msPerIteration: Number.NaN,
      error: "boom",
    };
    expect(exitCode(LIBS.map(right), [probe], 0)).toBe(1);
    expect(exitCode(LIBS.map(right), [], 1)).toBe(1);
  });

  test("fails exactly when the correctness target does, for every zerograd engine", () => {
    for (const lib of ["zerograd", "wasm", "wasm-1t"] as const) {
      const results = LIBS.map((l) => (l === lib ? wrong(l) : right(l)));
      const lookup = (caseId: string, l: Library) =>
        results.find((r) => r.caseId === caseId && r.lib === l);
      const rows = targetsTable(["add"], [], lookup, results, [], () => undefined);
      const row = rows.find((line) => line.includes("every zerograd result")) ?? "";
      expect(row.trim().startsWith("FAIL")).toBe(true);
      expect(exitCode(results, [], 0)).toBe(1);
    }
  });
});
