import type { Variable } from "@zerograd/autograd";
import type { WasmEngine } from "@zerograd/wasm";
import { type EngineLib, engineOf, onEngine } from "../engines";
import { AutogradMlp, mlpData } from "../mlp";
import { fmt } from "../results";
import type { HeapPoint, Probe, ProbeResult, Section } from "../section";
import { nowMs } from "../timing";

// A graph must be garbage once its output is dropped: a loop of 10,000 build-and-backward
// iterations of the MLP (batch 8) samples the heap after a full collection every 1,000
// iterations. The heap counts the graph's JS objects; the arrays' data lives in ArrayBuffers
// outside it (except tiny ones), so both are recorded. A control loop keeps every loss, and
// with it every graph, to show that the measurement sees a leak of that kind.

const BATCH = 8;
const ITERATIONS = 10_000;
const EVERY = 1_000;
/** Growth from iteration 1,000 to 10,000 allowed for a flat heap. */
export const HEAP_GROWTH_LIMIT_BYTES = 2 * 2 ** 20;
export const FLAT_ID = "autograd-memory/flat";
export const LEAK_ID = "autograd-memory/leak";
/** The same loop on the wasm engine (2 threads), at batch 128 so that its kernels do the work. */
export const WASM_ID = "autograd-memory/wasm";
const WASM_BATCH = 128;

function sample(iteration: number, lib: EngineLib): HeapPoint {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("the memory probes need node --expose-gc (pnpm bench passes it)");
  // Twice: a collection can leave garbage that only became unreachable during it.
  gc();
  gc();
  const usage = process.memoryUsage();
  const point = { iteration, heapUsedBytes: usage.heapUsed, arrayBuffersBytes: usage.arrayBuffers };
  const engine = engineOf(lib) as Partial<WasmEngine>;
  return engine.state ? { ...point, wasmBytes: engine.state.memoryBytes } : point;
}

function loop(
  id: string,
  leak: boolean,
  progress: (text: string) => void,
  lib: EngineLib = "zerograd",
  batch = BATCH,
): ProbeResult {
  return onEngine(lib, () => run(id, leak, progress, lib, batch));
}

function run(
  id: string,
  leak: boolean,
  progress: (text: string) => void,
  lib: EngineLib,
  batch: number,
): ProbeResult {
  const model = new AutogradMlp(mlpData(batch));
  const kept: Variable[] = [];
  const points: HeapPoint[] = [sample(0, lib)];
  let loopMs = 0;
  let start = nowMs();
  for (let i = 1; i <= ITERATIONS; i++) {
    const loss = model.step();
    if (leak) kept.push(loss);
    if (i % EVERY === 0) {
      loopMs += nowMs() - start;
      points.push(sample(i, lib));
      progress(`${i} iterations`);
      start = nowMs();
    }
  }
  // The control's graphs stay reachable up to the last sample; let them go now.
  kept.length = 0;
  return { probeId: id, points, msPerIteration: loopMs / ITERATIONS };
}

function probes(quick: boolean): Probe[] {
  const flat: Probe = {
    id: FLAT_ID,
    label: `${ITERATIONS.toLocaleString("en-US")} steps of the MLP at batch ${BATCH}, each graph dropped`,
    run: (progress) => loop(FLAT_ID, false, progress),
  };
  const leak: Probe = {
    id: LEAK_ID,
    label: "control: the same loop keeping every loss (and so its graph) in an array",
    run: (progress) => loop(LEAK_ID, true, progress),
  };
  const wasm: Probe = {
    id: WASM_ID,
    label: `${ITERATIONS.toLocaleString("en-US")} steps of the MLP at batch ${WASM_BATCH} on the wasm engine`,
    run: (progress) => loop(WASM_ID, false, progress, "wasm", WASM_BATCH),
  };
  return quick ? [flat, wasm] : [flat, leak, wasm];
}

const mb = (bytes: number) => bytes / 2 ** 20;

/** Heap and ArrayBuffer growth from iteration 1,000 to the last sample, in bytes. */
export function growth(
  r: ProbeResult,
): { heap: number; arrayBuffers: number; wasm: number } | undefined {
  const from = r.points.find((p) => p.iteration === EVERY);
  const to = r.points.at(-1);
  if (!from || !to || to.iteration !== ITERATIONS) return undefined;
  return {
    heap: to.heapUsedBytes - from.heapUsedBytes,
    arrayBuffers: to.arrayBuffersBytes - from.arrayBuffersBytes,
    wasm: (to.wasmBytes ?? 0) - (from.wasmBytes ?? 0),
  };
}

function table(title: string, r: ProbeResult | undefined): string[] {
  const lines = [title];
  if (!r) return [...lines, "  not run"];
  if (r.error) return [...lines, `  error: ${r.error}`];
  const wasm = r.points.some((p) => p.wasmBytes !== undefined);
  lines.push(
    `  ${"iteration".padStart(9)}   heapUsed MB   arrayBuffers MB${wasm ? "   wasm memory MB" : ""}`,
  );
  for (const p of r.points) {
    const wasmMb = wasm
      ? `   ${mb(p.wasmBytes ?? 0)
          .toFixed(2)
          .padStart(14)}`
      : "";
    lines.push(
      `  ${p.iteration.toLocaleString("en-US").padStart(9)}   ${mb(p.heapUsedBytes).toFixed(2).padStart(11)}   ${mb(p.arrayBuffersBytes).toFixed(2).padStart(15)}${wasmMb}`,
    );
  }
  const g = growth(r);
  if (g) {
    const perIteration = (bytes: number) => fmt(bytes / (ITERATIONS - EVERY));
    lines.push(
      `  growth 1,000 → 10,000: heap ${mb(g.heap).toFixed(2)} MB (${perIteration(g.heap)} B/iteration), arrayBuffers ${mb(g.arrayBuffers).toFixed(2)} MB (${perIteration(g.arrayBuffers)} B/iteration)`,
    );
  }
  lines.push(`  ${fmt(r.msPerIteration)} ms per iteration (collections at the samples excluded)`);
  return lines;
}

/** The heap over 10,000 build-and-backward iterations (zerograd's process, after gc()). */
export const autogradMemorySection: Section = {
  name: "autograd-memory",
  title: `heap over ${ITERATIONS.toLocaleString("en-US")} build-and-backward iterations (after gc())`,
  cases: () => [],
  probes,
  summary: (_lookup, lookupProbe) => [
    ...table(
      `${ITERATIONS.toLocaleString("en-US")} steps of the MLP at batch ${BATCH} (clearGrad, forward, backward; the graph is dropped)`,
      lookupProbe(FLAT_ID),
    ),
    ...(lookupProbe(LEAK_ID)
      ? table(
          "control: the same loop keeping every loss (so every graph) alive",
          lookupProbe(LEAK_ID),
        )
      : ["control (keeping every graph): not run (--quick)"]),
    ...table(
      `the same loop on the wasm engine (2 threads) at batch ${WASM_BATCH}`,
      lookupProbe(WASM_ID),
    ),
  ],
};
