import { describe, expect, test } from "vitest";
import { indexProbes } from "../src/report";
import { indexResults, probesRun } from "../src/results";
import type { ProbeResult } from "../src/section";
import { SECTIONS } from "../src/sections/index";
import { targetsTable } from "../src/targets";

/** The targets block of a run that selected `names` and measured nothing: rows only. */
function rows(names: readonly string[], quick = false, probeResults: ProbeResult[] = []): string[] {
  const sections = SECTIONS.filter((s) => names.includes(s.name));
  const cases = sections.flatMap((s) => s.cases(quick));
  const probeIds = sections.flatMap((s) => s.probes?.(quick) ?? []).map((p) => p.id);
  const lines = targetsTable(
    names,
    cases,
    indexResults([]),
    [],
    probeIds,
    indexProbes(probeResults),
  );
  return lines.slice(1);
}

const everything = SECTIONS.map((s) => s.name);
const isNotSelected = (row: string) => /^ {2}n\/a +.* section not selected$/.test(row);

describe("the targets block", () => {
  test("lists the same targets whatever the selection", () => {
    const all = rows(everything).map((r) => r.slice(8, 68));
    for (const name of everything) expect(rows([name]).map((r) => r.slice(8, 68))).toEqual(all);
  });

  test("reports every target of an unselected section as not selected (--only cnn)", () => {
    const unselected = rows(["cnn"]).filter(
      (r) => !r.includes("CNN training step") && !r.includes("every zerograd result"),
    );
    expect(unselected.length).toBeGreaterThan(20);
    for (const row of unselected) expect(row, row).toSatisfy(isNotSelected);
    const wasmMemory = rows(["cnn"]).find((r) => r.includes("wasm memory does not grow"));
    expect(wasmMemory).toSatisfy(isNotSelected);
  });

  test("says not selected for no target when every section ran", () => {
    for (const row of rows(everything)) expect(row, row).not.toSatisfy(isNotSelected);
  });

  test("fails a selected memory probe that did not report, and names --quick's skip", () => {
    const memory = rows(["autograd-memory"], true);
    const wasmMemory = memory.find((r) => r.includes("wasm memory does not grow")) ?? "";
    expect(wasmMemory).toMatch(/^ {2}FAIL .* probe did not report$/);
    const control = memory.find((r) => r.includes("control (every graph kept)")) ?? "";
    expect(control).toMatch(/^ {2}n\/a .* --quick skips the control$/);
  });
});

describe("probes of a run", () => {
  const memory = SECTIONS.filter((s) => s.name === "autograd-memory");

  test("are the sections' own when the zerograd child runs", () => {
    expect(probesRun(memory, ["zerograd", "tfjs-cpu"], false).length).toBeGreaterThan(0);
  });

  test("are none without it, so the memory targets read n/a (not run), not FAIL", () => {
    const ids = probesRun(memory, ["tfjs-cpu"], false);
    expect(ids).toEqual([]);
    const lines = targetsTable(["autograd-memory"], [], indexResults([]), [], ids, indexProbes([]));
    const heap = lines.find((l) => l.includes("heap flat: growth"));
    expect(heap).toMatch(/^\s*n\/a .*not run$/);
  });
});
