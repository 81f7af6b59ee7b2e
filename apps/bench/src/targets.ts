import { LIBRARY_LABEL, type Library } from "./impl";
import { FAMILIES, familyRatios, heading, type ProbeLookup } from "./report";
import { failed, fmt, type Lookup } from "./results";
import type { BenchCase, CaseResult, ProbeResult } from "./section";
import { addSection } from "./sections/add";
import { autogradChainSection } from "./sections/autograd-chain";
import {
  autogradMemorySection,
  FLAT_ID,
  growth,
  HEAP_GROWTH_LIMIT_BYTES,
  LEAK_ID,
  WASM_ID,
} from "./sections/autograd-memory";
import { autogradMlpSection, MLP_STEP_ID, MLP_STEP_LIMIT } from "./sections/autograd-mlp";
import { CNN_STEP_ID, cnnSection } from "./sections/cnn";
import { STEP_ID as CONV_STEP_ID, convSection } from "./sections/conv";
import { SECTIONS } from "./sections/index";
import { matmulSection } from "./sections/matmul";
import { EXP_ID as UNARY_EXP_ID, unarySection } from "./sections/unary";

type Status = "PASS" | "FAIL" | "n/a";

interface Verdict {
  status: Status;
  detail: string;
}

/** What the targets read: the results, and which sections, cases and probes this run selected. */
interface Run {
  sections: ReadonlySet<string>;
  lookup: Lookup;
  cases: ReadonlyMap<string, BenchCase>;
  probeIds: ReadonlySet<string>;
  probes: ProbeLookup;
}

const verdict = (pass: boolean, detail: string): Verdict => ({
  status: pass ? "PASS" : "FAIL",
  detail,
});

/** A ratio to four digits, so that 49.96 does not read as a failed 50.0, nor 1.1992 as 1.20. */
const ratioDigits = (ratio: number): string => ratio.toPrecision(4);

/** A median time, or why there is none; a wrong result gives `ifWrong`. */
function usableMs(r: CaseResult | undefined, who: string, ifWrong: Status): number | Verdict {
  if (!r) return { status: "n/a", detail: `${who} not run` };
  if (r.error) return { status: "FAIL", detail: `${who} error: ${r.error}` };
  if (r.check && !r.check.ok) return { status: ifWrong, detail: `${who} result wrong` };
  if (!r.timing) return { status: "n/a", detail: `${who} not timed` };
  return r.timing.medianMs;
}

/** What every target whose section this run did not select reports. */
const NOT_SELECTED: Verdict = { status: "n/a", detail: "section not selected" };

/** zerograd's time for a case; a wrong zerograd result fails the target outright. */
function zerogradMs(run: Run, caseId: string): number | Verdict {
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
  const shown = ratioDigits(speedup);
  return verdict(speedup >= factor, `${shown}× faster (${fmt(mine)} vs ${fmt(theirs)} ms)`);
}

/** How many times faster `fast` ran case `caseId` than `slow` (a wrong `fast` result fails). */
function speedup(
  run: Run,
  caseId: string,
  fast: Library,
  slow: Library,
  factor: number,
  slowCaseId = caseId,
): Verdict {
  const mine = usableMs(run.lookup(caseId, fast), LIBRARY_LABEL[fast], "FAIL");
  if (typeof mine !== "number") return mine;
  const slowResult = run.lookup(slowCaseId, slow);
  const theirs = usableMs(slowResult, LIBRARY_LABEL[slow], "n/a");
  if (typeof theirs !== "number") return theirs;
  const ratio = theirs / mine;
  const where = slowResult?.alongside ? ", one process" : "";
  return verdict(
    ratio >= factor,
    `${ratioDigits(ratio)}× (${fmt(mine)} vs ${fmt(theirs)} ms${where})`,
  );
}

/** A transposed product's time over the plain one's, both on `lib`. */
function transposedOn(run: Run, lib: Library, variantId: string, limit: number): Verdict {
  const plain = usableMs(run.lookup("matmul/512", lib), LIBRARY_LABEL[lib], "FAIL");
  const variant = usableMs(run.lookup(variantId, lib), LIBRARY_LABEL[lib], "FAIL");
  if (typeof plain !== "number") return plain;
  if (typeof variant !== "number") return variant;
  return verdict(variant / plain <= limit, `${fmt(variant / plain)}× the time of A·B`);
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

/** zerograd's time over the baseline's, interleaved in one process: below `limit` passes. */
function baselineRatio(run: Run, caseId: string, limit: number): Verdict {
  const mine = zerogradMs(run, caseId);
  if (typeof mine !== "number") return mine;
  const theirs = usableMs(run.lookup(caseId, "js"), "baseline", "FAIL");
  if (typeof theirs !== "number") return theirs;
  const ratio = mine / theirs;
  return verdict(ratio < limit, `${ratio.toFixed(3)}× (${fmt(mine)} vs ${fmt(theirs)} ms)`);
}

/**
 * µs per op of the long chain over the short one. Time linear in length stays near 1 (a
 * quadratic backward would give 10); the collector, which walks the live graph, and the noise
 * of a shared machine push it up somewhat, hence a limit of 2.
 */
function chainLinearity(run: Run, shortOps: number, longOps: number, limit: number): Verdict {
  const short = zerogradMs(run, `autograd-chain/${shortOps}`);
  const long = zerogradMs(run, `autograd-chain/${longOps}`);
  if (typeof short !== "number") return short;
  if (typeof long !== "number") return long;
  const a = (short * 1000) / shortOps;
  const b = (long * 1000) / longOps;
  return verdict(b / a <= limit, `${fmt(b / a)}× (${fmt(a)} → ${fmt(b)} µs/op)`);
}

type Memory = "heap" | "arrayBuffers" | "wasm";

/** A probe's result and its growth from 1k to 10k iterations, or why there is none. */
function probeGrowth(
  run: Run,
  probeId: string,
  ifSkipped: string,
): { r: ProbeResult; g: NonNullable<ReturnType<typeof growth>> } | Verdict {
  if (!run.probeIds.has(probeId)) return { status: "n/a", detail: ifSkipped };
  const r = run.probes(probeId);
  if (!r) return { status: "FAIL", detail: "probe did not report" };
  if (r.error) return { status: "FAIL", detail: `error: ${r.error}` };
  const g = growth(r);
  if (!g) return { status: "FAIL", detail: "incomplete series" };
  return { r, g };
}

/** Growth of one memory measure over a probe; `leak` turns the test around (the control). */
function memoryGrowth(run: Run, probeId: string, what: Memory, leak = false): Verdict {
  const measured = probeGrowth(run, probeId, leak ? "--quick skips the control" : "not run");
  if ("status" in measured) return measured;
  const bytes = measured.g[what];
  const shown = `${(bytes / 2 ** 20).toFixed(2)} MB`;
  return leak
    ? verdict(bytes >= HEAP_GROWTH_LIMIT_BYTES, `${shown}: the check sees a kept graph`)
    : verdict(bytes < HEAP_GROWTH_LIMIT_BYTES, shown);
}

function wasmMemoryFlat(run: Run): Verdict {
  const measured = probeGrowth(run, WASM_ID, "not run");
  if ("status" in measured) return measured;
  const { r, g } = measured;
  const last = r.points.at(-1)?.wasmBytes ?? 0;
  return verdict(
    g.wasm === 0,
    `${(g.wasm / 2 ** 20).toFixed(2)} MB growth (${(last / 2 ** 20).toFixed(2)} MB in all)`,
  );
}

function correctness(results: readonly CaseResult[]): Verdict {
  const mine = results.filter((r) => r.lib === "zerograd" || r.lib.startsWith("wasm"));
  if (mine.length === 0) return { status: "n/a", detail: "zerograd not run" };
  const bad = mine.filter(failed);
  return bad.length === 0
    ? verdict(true, `${mine.length} cases`)
    : verdict(false, `wrong or failed: ${bad.map((r) => r.caseId).join(", ")}`);
}

/** The section that owns a family's cases (the one its family target belongs to). */
function familySection(family: (typeof FAMILIES)[number]): string | undefined {
  return SECTIONS.find((s) => s.cases(false).some((c) => c.family === family))?.name;
}

/**
 * A target: its name, the section whose results it reads (none: it reads every section's) and
 * its verdict, worked out only when that section ran.
 */
type Target = [name: string, section: string | undefined, verdict: () => Verdict];

/** The PASS/FAIL block for the performance and memory targets, plus result correctness. */
export function targetsTable(
  sections: readonly string[],
  cases: readonly BenchCase[],
  lookup: Lookup,
  results: readonly CaseResult[],
  probeIds: readonly string[],
  probes: ProbeLookup,
): string[] {
  const run: Run = {
    sections: new Set(sections),
    lookup,
    cases: new Map(cases.map((c) => [c.id, c])),
    probeIds: new Set(probeIds),
    probes,
  };
  const limitMb = HEAP_GROWTH_LIMIT_BYTES / 2 ** 20;
  const matmul = matmulSection.name;
  const add = addSection.name;
  const memory = autogradMemorySection.name;
  const targets: Target[] = [
    ["matmul n=512 ≥ 8 GFLOP/s", matmul, () => matmulRate(run, "matmul/512", 8)],
    [
      "Aᵀ·B n=512 (view) time ≤ 1.3× A·B",
      matmul,
      () => transposedRatio(run, "matmul/512", "matmul/tA", 1.3),
    ],
    [
      "A·Bᵀ n=512 (view) time ≤ 1.3× A·B",
      matmul,
      () => transposedRatio(run, "matmul/512", "matmul/tB", 1.3),
    ],
    [
      "add [1000,1000]+[1000] ≥ 2× faster than tfjs-cpu",
      add,
      () => fasterThanTfjsCpu(run, "add/row", 2),
    ],
    [
      "add [100,1,100]+[1,100,100] ≥ 50× faster than tfjs-cpu",
      add,
      () => fasterThanTfjsCpu(run, "add/3d", 50),
    ],
    [
      "add [1000,1,100]+[1,1000,100] ≥ 50× faster than tfjs-cpu",
      add,
      () => fasterThanTfjsCpu(run, "add/3d-big", 50),
    ],
    [
      "same, into out: [1000,1000]+[1000] ≥ 2× tfjs-cpu",
      add,
      () => fasterThanTfjsCpu(run, "add/row-out", 2, "add/row"),
    ],
    [
      "same, into out: [100,1,100]+[1,100,100] ≥ 50× tfjs-cpu",
      add,
      () => fasterThanTfjsCpu(run, "add/3d-out", 50, "add/3d"),
    ],
    [
      "same, into out: [1000,1,100]+[1,1000,100] ≥ 50× tfjs-cpu",
      add,
      () => fasterThanTfjsCpu(run, "add/3d-big-out", 50, "add/3d-big"),
    ],
    ...FAMILIES.map(
      (f): Target => [
        `${f}: zerograd time ≤ 1.5× the hand-written loop`,
        familySection(f),
        () => familyVerdict(run, f, 1.5),
      ],
    ),
    [
      `autograd MLP step < ${MLP_STEP_LIMIT}× the hand-written step`,
      autogradMlpSection.name,
      () => baselineRatio(run, MLP_STEP_ID, MLP_STEP_LIMIT),
    ],
    [
      "autograd chain µs/op at 100,000 ops ≤ 2× at 10,000 (linear)",
      autogradChainSection.name,
      () => chainLinearity(run, 10_000, 100_000, 2),
    ],
    [
      `heap flat: growth from 1k to 10k iterations < ${limitMb} MB`,
      memory,
      () => memoryGrowth(run, FLAT_ID, "heap"),
    ],
    [
      `array buffers flat: growth from 1k to 10k < ${limitMb} MB`,
      memory,
      () => memoryGrowth(run, FLAT_ID, "arrayBuffers"),
    ],
    [
      `control (every graph kept): heap grows ≥ ${limitMb} MB`,
      memory,
      () => memoryGrowth(run, LEAK_ID, "heap", true),
    ],
    [
      "zg-wasm 1 thread: matmul n=512 ≥ 1.2× tfjs-wasm",
      matmul,
      () => speedup(run, "matmul/512", "wasm-1t", "tfjs-wasm", 1.2),
    ],
    [
      "zg-wasm 2 threads: matmul n=512 ≥ 2× tfjs-wasm",
      matmul,
      () => speedup(run, "matmul/512", "wasm", "tfjs-wasm", 2),
    ],
    [
      "zg-wasm: Aᵀ·B n=512 (view) time ≤ 1.1× A·B",
      matmul,
      () => transposedOn(run, "wasm", "matmul/tA", 1.1),
    ],
    [
      "zg-wasm: A·Bᵀ n=512 (view) time ≤ 1.1× A·B",
      matmul,
      () => transposedOn(run, "wasm", "matmul/tB", 1.1),
    ],
    [
      "zg-wasm: MLP 784-128-10 step, batch 128 ≥ 4× tfjs-wasm",
      autogradMlpSection.name,
      () => speedup(run, MLP_STEP_ID, "wasm", "tfjs-wasm", 4),
    ],
    [
      "zg-wasm: MLP step vs the js engine (reported)",
      autogradMlpSection.name,
      () => ({ ...speedup(run, MLP_STEP_ID, "wasm", "zerograd", 0), status: "n/a" }),
    ],
    [
      "zg-wasm: add [1000,1000]+[1000] ≥ 2× the js engine",
      add,
      () => speedup(run, "add/row", "wasm", "zerograd", 2),
    ],
    [
      "zg-wasm: exp [1000,1000] ≥ 2× the js engine",
      unarySection.name,
      () => speedup(run, UNARY_EXP_ID, "wasm", "zerograd", 2),
    ],
    [
      "zg-wasm: conv2d forward + backward ≥ 3× the js engine",
      convSection.name,
      () => speedup(run, CONV_STEP_ID, "wasm", "zerograd", 3),
    ],
    [
      "zg-wasm: CNN training step (demo DigitCnn, batch 32) ≥ 3× the js engine",
      cnnSection.name,
      () => speedup(run, CNN_STEP_ID, "wasm", "zerograd", 3),
    ],
    [
      `zg-wasm: heap flat over 10k MLP steps (batch 128) < ${limitMb} MB`,
      memory,
      () => memoryGrowth(run, WASM_ID, "heap"),
    ],
    ["zg-wasm: wasm memory does not grow from 1k to 10k steps", memory, () => wasmMemoryFlat(run)],
    [
      "every zerograd result (js and wasm engines) matches its reference",
      undefined,
      () => correctness(results),
    ],
  ];
  const lines = [heading("targets")];
  for (const [name, section, target] of targets) {
    const v = section === undefined || run.sections.has(section) ? target() : NOT_SELECTED;
    lines.push(`  ${v.status.padEnd(4)}  ${name.padEnd(60)} ${v.detail}`);
  }
  return lines;
}
