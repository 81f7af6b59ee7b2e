import type { Library } from "./impl";
import type { CaseResult, ProbeResult, Section } from "./section";

/** Finds what a library measured for a case across all child reports. */
export type Lookup = (caseId: string, lib: Library) => CaseResult | undefined;

/** Indexes results by case and library. */
export function indexResults(results: readonly CaseResult[]): Lookup {
  const byKey = new Map(results.map((r) => [`${r.caseId}\u0000${r.lib}`, r]));
  return (caseId, lib) => byKey.get(`${caseId}\u0000${lib}`);
}

/**
 * The probes a run takes: its sections' when the zerograd child runs, none otherwise (they run
 * there only, so without it they are "not run", not missing).
 */
export function probesRun(
  sections: readonly Section[],
  workers: readonly string[],
  quick: boolean,
): string[] {
  if (!workers.includes("zerograd")) return [];
  return sections.flatMap((s) => s.probes?.(quick) ?? []).map((p) => p.id);
}

/**
 * Whether a row failed: its run raised, or its result did not pass its check. A row its library
 * cannot run (`unsupported`) did not fail.
 */
export function failed(result: CaseResult): boolean {
  if (result.unsupported !== undefined) return false;
  return result.error !== undefined || result.check?.ok !== true;
}

/**
 * The bench's exit code: 1 when any row failed (zerograd on either engine, a hand-written loop
 * or tfjs), a probe raised or a child process died; 0 otherwise, missed targets included.
 */
export function exitCode(
  results: readonly CaseResult[],
  probes: readonly ProbeResult[],
  childFailures: number,
): 0 | 1 {
  const bad =
    childFailures > 0 || results.some(failed) || probes.some((p) => p.error !== undefined);
  return bad ? 1 : 0;
}

/** A usable median time: present, and from a result that passed its check. */
export function trustedMs(result: CaseResult | undefined): number | undefined {
  return result?.timing && result.check?.ok ? result.timing.medianMs : undefined;
}

/** Three significant digits, without exponent notation for the sizes seen here. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/** "zerograd 2.9× faster" when `otherMs` is the larger time, "… slower" otherwise. */
export function versus(zerogradMs: number, otherMs: number, name = "zerograd"): string {
  const r = otherMs / zerogradMs;
  return r >= 1 ? `${name} ${fmt(r)}× faster` : `${name} ${fmt(1 / r)}× slower`;
}
