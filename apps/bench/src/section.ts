import type { Impl, Library, Output, Tf } from "./impl";
import type { Timing } from "./timing";

/** Op families, each compared with a hand-written loop. */
export type Family =
  | "matmul"
  | "broadcast add"
  | "broadcast add, in place"
  | "unary"
  | "reduction"
  | "transpose-copy"
  | "argmax"
  | "take"
  | "concat"
  | "im2col"
  | "compare/where"
  /** Autograd cases: their baseline is raw ndarray code, not a loop, and has targets of its own. */
  | "autograd";

/** The verdict of comparing a result with a float64 (or exact) reference. */
export interface Check {
  ok: boolean;
  detail: string;
}

/** One shape of one op, runnable by every library. */
export interface BenchCase {
  /** Unique across sections, e.g. `matmul/512`. */
  id: string;
  label: string;
  family: Family;
  /** Floating-point operations per call: the table shows GFLOP/s. */
  flops?: number;
  /** Bytes read and written per call: the table shows GB/s. */
  bytes?: number;
  /**
   * Fewest warm-up calls, whatever a call costs: code with many paths through the engine (an
   * autograd graph) needs a few calls before V8 has optimised all of it.
   */
  warmup?: number;
  /**
   * `false`: no full collection before a sample of one call. It is there so that a big output
   * is not collected inside another sample; but right after a full collection V8 starts with a
   * cold young generation, and a call that allocates tens of thousands of small objects (an
   * autograd graph) then runs 2–3× slower than it does in a loop.
   */
  collect?: boolean;
  /** Recorded ops per call: the table shows µs per op. */
  ops?: number;
  /**
   * Row names when they are not the libraries' own: autograd cases call their zerograd row
   * `autograd` and their `js` row after what the baseline is (raw ndarray kernels).
   */
  names?: Partial<Record<Library, string>>;
  zerograd(): Impl;
  /** Absent where no hand-written baseline exists (a whole training step): the row is skipped. */
  js?(): Impl;
  /** Absent where tfjs has no counterpart (it has no `out=`): tfjs workers skip the case. */
  tfjs?(tf: Tf): Impl;
  /**
   * The tfjs kernels the tfjs version needs: on a backend that lacks any of them, the row
   * reports which (unsupported) instead of running and raising.
   */
  tfjsKernels?: readonly string[];
  /**
   * A target divides zg-wasm's time by tfjs-wasm's on this case. When a run has both children,
   * zerograd's child times tfjs-wasm here too, interleaved with its own rows, so the ratio does
   * not carry the machine's drift between two processes; the tfjs-wasm child then skips it.
   */
  alongsideTfjsWasm?: boolean;
  /** Checks one library's result; `lib` tells which, for cases whose baseline returns less. */
  check(out: Output, lib: Library): Check;
}

/** What one child process measured for one case and one library. */
export interface CaseResult {
  caseId: string;
  lib: Library;
  timing?: Timing;
  check?: Check;
  error?: string;
  /** Why the library cannot run the case (a kernel its backend lacks): not a failure. */
  unsupported?: string;
  /** A tfjs row timed in zerograd's child, interleaved with zerograd's rows (`alongsideTfjsWasm`). */
  alongside?: boolean;
}

/** The heap after a full collection at one point of a loop. */
export interface HeapPoint {
  iteration: number;
  /** `process.memoryUsage().heapUsed`: the JS objects. */
  heapUsedBytes: number;
  /** `process.memoryUsage().arrayBuffers`: the typed arrays' data outside the heap. */
  arrayBuffersBytes: number;
  /** The wasm engine's memory, for a probe that runs on it. */
  wasmBytes?: number;
}

/** What a probe measured: a heap series over the iterations of a loop, or why it failed. */
export interface ProbeResult {
  probeId: string;
  points: HeapPoint[];
  /** Mean wall time per iteration, collections included. */
  msPerIteration: number;
  error?: string;
}

/**
 * A measurement that is not a timed call: a loop run once in zerograd's process, sampling the
 * heap after `gc()` at its checkpoints (the memory section).
 */
export interface Probe {
  id: string;
  label: string;
  run(progress: (text: string) => void): ProbeResult;
}

/** A group of cases printed as one table. */
export interface Section {
  /** What `--only` selects it by. */
  name: string;
  title: string;
  cases(quick: boolean): BenchCase[];
  /** Heap probes, run after the cases in zerograd's process only. */
  probes?(quick: boolean): Probe[];
  /** Whether its tfjs cases take gradients (the tfjs children then register tfjs's gradients). */
  tfjsGradients?: boolean;
  /** Derived lines printed under the table (e.g. transposed/plain ratios). */
  summary?(
    lookup: (caseId: string, lib: Library) => CaseResult | undefined,
    probes: (probeId: string) => ProbeResult | undefined,
  ): string[];
}
