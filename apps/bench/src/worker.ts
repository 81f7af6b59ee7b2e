import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { ENGINE_LIBS, type EngineLib, onEngineImpl, startEngines, stopEngines } from "./engines";
import type { Impl, Library, Tf } from "./impl";
import type { BenchCase, CaseResult, ProbeResult, Section } from "./section";
import { measure, plan, timeOnce } from "./timing";

/** A child process: zerograd (which also runs the hand-written loops) or one tfjs backend. */
export const WORKERS = ["zerograd", "tfjs-cpu", "tfjs-wasm"] as const;
export type Worker = (typeof WORKERS)[number];

/** What a child sends back over IPC when it is done. */
export interface WorkerReport {
  worker: Worker;
  /** Versions and settings worth printing (tfjs backend, SIMD, threads). */
  info: string;
  /** tfjs-wasm timed in zerograd's process: its info and on how many cases. */
  alongside?: { info: string; cases: number };
  results: CaseResult[];
  /** The memory probes (zerograd's child only). */
  probes: ProbeResult[];
}

/** Messages from a child: progress while it runs, then its report. */
export type WorkerMessage =
  | { kind: "progress"; text: string }
  | { kind: "report"; report: WorkerReport };

interface Runner {
  info: string;
  libs: Library[];
  build(c: BenchCase, lib: Library): Impl;
  /** Why this runner cannot run `c`, if it cannot. */
  unsupported?(c: BenchCase): string | undefined;
}

async function tfjsRunner(backend: "cpu" | "wasm", gradients: boolean): Promise<Runner> {
  const require = createRequire(import.meta.url);
  // tfjs-cpu greets Node users with advice to install tfjs-node; keep the report clean.
  const warn = console.warn;
  console.warn = () => {};
  try {
    const tf = require("@tensorflow/tfjs-core") as Tf;
    require("@tensorflow/tfjs-backend-cpu");
    const wasm =
      backend === "wasm"
        ? (require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm"))
        : undefined;
    if (wasm) {
      const pkg = require.resolve("@tensorflow/tfjs-backend-wasm/package.json");
      // A file-system prefix (no network): the backend appends tfjs-backend-wasm[-simd].wasm.
      wasm.setWasmPaths(join(dirname(pkg), "dist") + sep);
    }
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to start`);
    await tf.ready();
    // The greeting comes with the backend's first write.
    tf.tensor([0]).dispose();
    // After the engine exists: the bundle registers tfjs-core's gradients with it.
    if (gradients) await import(new URL("./tfjs-gradients.js", import.meta.url).href);
    const extra = wasm
      ? ` simd=${await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")} threads=${wasm.getThreadsCount()}`
      : "";
    const lib: Library = `tfjs-${backend}`;
    return {
      info: `tfjs-core ${tf.version_core} backend=${tf.getBackend()}${extra}${gradients ? " +gradients" : ""}`,
      libs: [lib],
      build: (c) => {
        if (!c.tfjs) throw new Error(`${c.id} has no tfjs version`);
        return c.tfjs(tf);
      },
      unsupported: (c) => {
        const missing = (c.tfjsKernels ?? []).filter((k) => tf.getKernel(k, backend) === undefined);
        return missing.length > 0
          ? `tfjs-core ${tf.version_core} backend ${backend} has no ${missing.join(", ")} kernel`
          : undefined;
      },
    };
  } finally {
    console.warn = warn;
  }
}

async function zerogradRunner(): Promise<Runner> {
  const wasm = await startEngines();
  return {
    info: `@zerograd/ndarray, @zerograd/autograd (built dist) on the js engine and on ${wasm}, and hand-written baselines, interleaved`,
    libs: [...ENGINE_LIBS, "js"],
    build: (c, lib) => {
      if (lib !== "js") return onEngineImpl(lib as EngineLib, () => c.zerograd());
      if (!c.js) throw new Error(`${c.id} has no hand-written version`);
      return c.js();
    },
  };
}

function runCase(c: BenchCase, runner: Runner, quick: boolean, alongside?: Runner): CaseResult[] {
  const results: CaseResult[] = [];
  const timed: {
    call: () => unknown;
    firstMs: number;
    warmup?: number;
    collect?: boolean;
    result: CaseResult;
    impl: Impl;
  }[] = [];
  const rows = [
    ...runner.libs.map((lib) => ({ lib, by: runner })),
    ...(alongside?.libs ?? []).map((lib) => ({ lib, by: alongside as Runner })),
  ];
  for (const { lib, by } of rows) {
    if (lib === "js" && !c.js) continue;
    const result: CaseResult = { caseId: c.id, lib };
    if (by === alongside) result.alongside = true;
    results.push(result);
    const unsupported = by.unsupported?.(c);
    if (unsupported !== undefined) {
      result.unsupported = unsupported;
      continue;
    }
    let impl: Impl | undefined;
    try {
      impl = by.build(c, lib);
      const built = impl;
      const first = timeOnce(() => built.callAndRead());
      result.check = c.check(first.value.output, lib);
      first.value.release();
      timed.push({
        call: () => built.call(),
        firstMs: first.ms,
        warmup: c.warmup,
        collect: c.collect,
        result,
        impl,
      });
    } catch (e) {
      result.error = e instanceof Error ? e.message : String(e);
      impl?.dispose();
    }
  }
  try {
    const timings = measure(timed, plan(quick));
    timed.forEach((t, i) => {
      t.result.timing = timings[i];
    });
  } catch (e) {
    for (const t of timed) t.result.error = e instanceof Error ? e.message : String(e);
  }
  for (const t of timed) t.impl.dispose();
  return results;
}

/**
 * The libraries `worker`'s child times on case `c` in a run of `workers`: zerograd's child its
 * engines and the hand-written loop, plus tfjs-wasm on a case marked `alongsideTfjsWasm` when
 * the run has the tfjs-wasm child too (which then leaves that case out); a tfjs child its own
 * backend on every case that has a tfjs version.
 */
export function librariesFor(
  worker: Worker,
  c: BenchCase,
  workers: readonly Worker[],
): { own: boolean; tfjsWasm: boolean } {
  const alongside =
    c.alongsideTfjsWasm === true &&
    c.tfjs !== undefined &&
    workers.includes("zerograd") &&
    workers.includes("tfjs-wasm");
  if (worker === "zerograd") return { own: true, tfjsWasm: alongside };
  return { own: c.tfjs !== undefined && !(worker === "tfjs-wasm" && alongside), tfjsWasm: false };
}

/** Runs every case of `sections` for one worker of a run of `workers`; returns what it measured. */
export async function runWorker(
  worker: Worker,
  workers: readonly Worker[],
  sections: readonly Section[],
  quick: boolean,
  progress: (text: string) => void,
): Promise<WorkerReport> {
  const gradients = sections.some((s) => s.tfjsGradients === true);
  const runner =
    worker === "zerograd"
      ? await zerogradRunner()
      : await tfjsRunner(worker === "tfjs-cpu" ? "cpu" : "wasm", gradients);
  // tfjs-wasm in zerograd's process, loaded at the first case that needs it. If it does not
  // load, its rows report why and zerograd's rows still run.
  let alongside: Runner | string | undefined;
  let alongsideCases = 0;
  const results: CaseResult[] = [];
  const probes: ProbeResult[] = [];
  for (const section of sections) {
    for (const c of section.cases(quick)) {
      const { own, tfjsWasm } = librariesFor(worker, c, workers);
      if (!own) continue;
      if (tfjsWasm) {
        alongside ??= await tfjsRunner("wasm", gradients).catch(
          (e: unknown) => `tfjs-wasm did not load in zerograd's process: ${String(e)}`,
        );
        alongsideCases++;
      }
      progress(`${worker}: ${c.label}`);
      const paired = tfjsWasm && typeof alongside === "object" ? alongside : undefined;
      results.push(...runCase(c, runner, quick, paired));
      if (tfjsWasm && typeof alongside === "string") {
        results.push({ caseId: c.id, lib: "tfjs-wasm", error: alongside, alongside: true });
      }
      (globalThis as { gc?: () => void }).gc?.();
    }
    if (worker !== "zerograd") continue;
    for (const probe of section.probes?.(quick) ?? []) {
      progress(`${worker}: ${probe.label}`);
      try {
        probes.push(probe.run((text) => progress(`${worker}: ${probe.label}: ${text}`)));
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        probes.push({ probeId: probe.id, points: [], msPerIteration: Number.NaN, error });
      }
      (globalThis as { gc?: () => void }).gc?.();
    }
  }
  if (worker === "zerograd") stopEngines();
  const report: WorkerReport = { worker, info: runner.info, results, probes };
  if (typeof alongside === "object") {
    report.alongside = { info: alongside.info, cases: alongsideCases };
  }
  return report;
}
