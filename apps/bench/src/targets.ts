import { FAMILIES, familyRatios, heading } from "./report";
import { fmt, type Lookup } from "./results";
import type { BenchCase, CaseResult } from "./section";

type Status = "PASS" | "FAIL" | "n/a";

interface Verdict {
  status: Status;
  detail: string;
}

/** What the targets read: the results, and which cases this run selected. */
interface Run {
  lookup: Lookup;
  cases: ReadonlyMap<string, BenchCase>;
}

const verdict = (pass: boolean, detail: string): Verdict => ({
  status: pass ? "PASS" : "FAIL",
  detail,
});

/** A median time, or why there is none; a wrong result gives `ifWrong`. */
function usableMs(r: CaseResult | undefined, who: string, ifWrong: Status): number | Verdict {
  if (!r) return { status: "n/a", detail: `${who} not run` };
  if (r.error) return { status: "FAIL", detail: `${who} error: ${r.error}` };
  if (r.check && !r.check.ok) return { status: ifWrong, detail: `${who} result wrong` };
  if (!r.timing) return { status: "n/a", detail: `${who} not timed` };
  return r.timing.medianMs;
}

/** zerograd's time for a case; a wrong zerograd result fails the target outright. */
function zerogradMs(run: Run, caseId: string): number | Verdict {
  if (!run.cases.has(caseId)) return { status: "n/a", detail: "section not selected" };
  return usableMs(run.lookup(caseId, "zerograd"), "zerograd", "FAIL");
}

function matmulRate(run: Run, caseId: string, minimum: number): Verdict {
  const ms = zerogradMs(run, caseId);
  if (typeof ms !== "number") return ms;
  const rate = (run.cases.get(caseId)?.flops ?? 0) / ms / 1e6;
  return verdict(rate >= minimum, `${fmt(rate)} GFLOP/s`);
}

function transposedRatio(run: Run, plainId: string, variantId: string, limit: number): Verdict {
  const plain = zerogradMs(run, plainId);
  const transposed = zerogradMs(run, variantId);
  if (typeof plain !== "number") return plain;
  if (typeof transposed !== "number") return transposed;
  const ratio = transposed / plain;
  return verdict(ratio <= limit, `${fmt(ratio)}× the time of A·B`);
}

/** `tfjsCaseId`: the tfjs case to compare with (tfjs has no `out=`, so in-place rows use the allocating one). */
function fasterThanTfjsCpu(run: Run, caseId: string, factor: number, tfjsCaseId = caseId): Verdict {
  const mine = zerogradMs(run, caseId);
  if (typeof mine !== "number") return mine;
  const theirs = usableMs(run.lookup(tfjsCaseId, "tfjs-cpu"), "tfjs-cpu", "n/a");
  if (typeof theirs !== "number") return theirs;
  const speedup = theirs / mine;
  // Four digits, so that 49.96 does not read as a failed 50.0.
  const shown = speedup.toPrecision(4);
  return verdict(speedup >= factor, `${shown}× faster (${fmt(mine)} vs ${fmt(theirs)} ms)`);
}

function familyVerdict(run: Run, family: (typeof FAMILIES)[number], limit: number): Verdict {
  const own = [...run.cases.values()].filter((c) => c.family === family);
  if (own.some((c) => run.lookup(c.id, "zerograd")?.check?.ok === false)) {
    return { status: "FAIL", detail: "zerograd result wrong" };
  }
  const ratios = familyRatios(family, own, run.lookup);
  if (ratios.length === 0) return { status: "n/a", detail: "no paired timings" };
  const worst = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  return verdict(worst.ratio <= limit, `worst ${fmt(worst.ratio)}× (${worst.label})`);
}

function correctness(results: readonly CaseResult[]): Verdict {
  const mine = results.filter((r) => r.lib === "zerograd");
  if (mine.length === 0) return { status: "n/a", detail: "zerograd not run" };
  const bad = mine.filter((r) => r.error || r.check?.ok !== true);
  return bad.length === 0
    ? verdict(true, `${mine.length} cases`)
    : verdict(false, `wrong or failed: ${bad.map((r) => r.caseId).join(", ")}`);
}

/** The PASS/FAIL block for the ndarray performance targets, plus result correctness. */
export function targetsTable(
  cases: readonly BenchCase[],
  lookup: Lookup,
  results: readonly CaseResult[],
): string[] {
  const run: Run = { lookup, cases: new Map(cases.map((c) => [c.id, c])) };
  const rows: [string, Verdict][] = [
    ["matmul n=512 ≥ 8 GFLOP/s", matmulRate(run, "matmul/512", 8)],
    ["Aᵀ·B n=512 (view) time ≤ 1.3× A·B", transposedRatio(run, "matmul/512", "matmul/tA", 1.3)],
    ["A·Bᵀ n=512 (view) time ≤ 1.3× A·B", transposedRatio(run, "matmul/512", "matmul/tB", 1.3)],
    ["add [1000,1000]+[1000] ≥ 2× faster than tfjs-cpu", fasterThanTfjsCpu(run, "add/row", 2)],
    [
      "add [100,1,100]+[1,100,100] ≥ 50× faster than tfjs-cpu",
      fasterThanTfjsCpu(run, "add/3d", 50),
    ],
    [
      "add [1000,1,100]+[1,1000,100] ≥ 50× faster than tfjs-cpu",
      fasterThanTfjsCpu(run, "add/3d-big", 50),
    ],
    [
      "same, into out: [1000,1000]+[1000] ≥ 2× tfjs-cpu",
      fasterThanTfjsCpu(run, "add/row-out", 2, "add/row"),
    ],
    [
      "same, into out: [100,1,100]+[1,100,100] ≥ 50× tfjs-cpu",
      fasterThanTfjsCpu(run, "add/3d-out", 50, "add/3d"),
    ],
    [
      "same, into out: [1000,1,100]+[1,1000,100] ≥ 50× tfjs-cpu",
      fasterThanTfjsCpu(run, "add/3d-big-out", 50, "add/3d-big"),
    ],
    ...FAMILIES.filter((f) => cases.some((c) => c.family === f)).map((f): [string, Verdict] => [
      `${f}: zerograd time ≤ 1.5× the hand-written loop`,
      familyVerdict(run, f, 1.5),
    ]),
    ["every zerograd result matches its reference", correctness(results)],
  ];
  const lines = [heading("targets")];
  for (const [name, v] of rows)
    lines.push(`  ${v.status.padEnd(4)}  ${name.padEnd(58)} ${v.detail}`);
  return lines;
}
