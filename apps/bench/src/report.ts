import { LIBRARY_LABEL, type Library } from "./impl";
import { fmt, type Lookup, trustedMs, versus } from "./results";
import type { BenchCase, CaseResult, Family, ProbeResult, Section } from "./section";

const LIBS: readonly Library[] = ["zerograd", "wasm", "wasm-1t", "js", "tfjs-cpu", "tfjs-wasm"];

/** A heading line padded with rules to a fixed width. */
export function heading(text: string): string {
  return `\n── ${text} ${"─".repeat(Math.max(3, 96 - text.length))}`;
}

function measurement(c: BenchCase, r: CaseResult): string {
  const t = r.timing;
  if (!t) return "";
  if (c.ops !== undefined) {
    const perOp = (ms: number) => (ms * 1000) / (c.ops as number);
    return (
      `${fmt(t.medianMs).padStart(7)} ms (${fmt(t.minMs)}–${fmt(t.maxMs)})`.padEnd(30) +
      `${fmt(perOp(t.medianMs)).padStart(6)} µs/op`.padEnd(14)
    );
  }
  if (c.flops !== undefined) {
    const rate = (ms: number) => (c.flops as number) / ms / 1e6;
    return (
      `${fmt(rate(t.medianMs)).padStart(6)} GFLOP/s (${fmt(rate(t.maxMs))}–${fmt(rate(t.minMs))})`.padEnd(
        32,
      ) + `${fmt(t.medianMs).padStart(6)} ms`.padEnd(12)
    );
  }
  const bandwidth =
    c.bytes !== undefined ? `${fmt(c.bytes / t.medianMs / 1e6).padStart(6)} GB/s` : "";
  return (
    `${fmt(t.medianMs).padStart(7)} ms (${fmt(t.minMs)}–${fmt(t.maxMs)})`.padEnd(30) +
    bandwidth.padEnd(14)
  );
}

/** What a row of case `c` is called: the case's own name for the library, else the library's. */
export function rowName(c: BenchCase, lib: Library): string {
  return c.names?.[lib] ?? LIBRARY_LABEL[lib];
}

function resultLine(c: BenchCase, lib: Library, lookup: Lookup): string | undefined {
  const r = lookup(c.id, lib);
  if (!r) return undefined;
  const name = `  ${rowName(c, lib).padEnd(c.names ? 14 : 10)}`;
  if (r.unsupported) return `${name} n/a: ${r.unsupported}`;
  if (r.error) return `${name} error: ${r.error}`;
  if (r.check && !r.check.ok) return `${name} ${measurement(c, r)} WRONG RESULT: ${r.check.detail}`;
  let note = "";
  const mine = trustedMs(lookup(c.id, "zerograd"));
  const theirs = trustedMs(r);
  const wasm = trustedMs(lookup(c.id, "wasm"));
  if (lib === "wasm" || lib === "wasm-1t") {
    // The wasm rows against the JavaScript engine's.
    if (mine !== undefined && theirs !== undefined) note = versus(theirs, mine, "vs js engine:");
  } else if (lib !== "zerograd" && mine !== undefined && theirs !== undefined) {
    note = versus(mine, theirs, rowName(c, "zerograd"));
    if (lib.startsWith("tfjs") && wasm !== undefined)
      note += `; ${versus(wasm, theirs, "zg-wasm")}`;
  }
  if (r.alongside) note += " (in zerograd's process)";
  const samples = r.timing ? `${r.timing.samples}×${r.timing.inner}` : "";
  return `${name} ${measurement(c, r)}${samples.padEnd(8)}${note}`;
}

/** One section: per case, one line per library with median (min–max) and the ratio to zerograd. */
export function sectionTable(
  section: Section,
  cases: readonly BenchCase[],
  lookup: Lookup,
  probes: ProbeLookup,
): string[] {
  const lines = [heading(`${section.name}: ${section.title}`)];
  if (cases.length > 0) {
    lines.push("  median (min–max) per call; samples×calls per sample; ratios use medians");
  }
  for (const c of cases) {
    lines.push(c.label);
    for (const lib of LIBS) {
      const line = resultLine(c, lib, lookup);
      if (line) lines.push(line);
    }
  }
  if (section.summary) lines.push(...section.summary(lookup, probes));
  return lines;
}

/** Finds a probe's result by id. */
export type ProbeLookup = (probeId: string) => ProbeResult | undefined;

/** Indexes probe results by id. */
export function indexProbes(results: readonly ProbeResult[]): ProbeLookup {
  const byId = new Map(results.map((r) => [r.probeId, r]));
  return (id) => byId.get(id);
}

/** zerograd time / hand-written time for each case of one family (cases with both results). */
export function familyRatios(
  family: Family,
  cases: readonly BenchCase[],
  lookup: Lookup,
): { label: string; ratio: number }[] {
  const out: { label: string; ratio: number }[] = [];
  for (const c of cases) {
    if (c.family !== family) continue;
    const mine = trustedMs(lookup(c.id, "zerograd"));
    const theirs = trustedMs(lookup(c.id, "js"));
    if (mine !== undefined && theirs !== undefined)
      out.push({ label: c.label, ratio: mine / theirs });
  }
  return out;
}

/** The families in the order they are printed. */
export const FAMILIES: readonly Family[] = [
  "broadcast add",
  "broadcast add, in place",
  "unary",
  "reduction",
  "transpose-copy",
  "matmul",
  "argmax",
  "take",
  "concat",
  "im2col",
  "compare/where",
];

/** The zerograd / hand-written block: worst and geometric-mean time ratio per family (none without any). */
export function handWrittenTable(cases: readonly BenchCase[], lookup: Lookup): string[] {
  if (FAMILIES.every((f) => familyRatios(f, cases, lookup).length === 0)) return [];
  const lines = [heading("zerograd vs hand-written plain-JS loops (time zerograd / time loop)")];
  lines.push("  same process, samples interleaved; < 1 means zerograd is faster; target ≤ 1.5");
  for (const family of FAMILIES) {
    const ratios = familyRatios(family, cases, lookup);
    if (ratios.length === 0) continue;
    const worst = Math.max(...ratios.map((r) => r.ratio));
    const geomean = Math.exp(ratios.reduce((s, r) => s + Math.log(r.ratio), 0) / ratios.length);
    lines.push(
      `  ${family.padEnd(15)} worst ${fmt(worst).padStart(5)}   geomean ${fmt(geomean).padStart(5)}`,
    );
    for (const r of ratios) lines.push(`      ${fmt(r.ratio).padStart(5)}  ${r.label}`);
  }
  return lines;
}
