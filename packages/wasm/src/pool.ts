import type { WasmMemory, WasmModule } from "./host";
import { canBlock, type HostWorker, spawnWorker } from "./platform";

/** The kernels a job can name, by index (the worker's table is built from the same list). */
export const KERNELS = [
  "sgemm",
  "dgemm",
  "sgemmShare",
  "dgemmShare",
  "binaryF32",
  "binaryF64",
  "unaryF32",
  "unaryF64",
  "sumF32",
  "windowsF32",
  "windowsF64",
  "compareF32",
  "compareF64",
  "withBoolF32",
  "withBoolF64",
  "windowMaxF32",
  "windowMaxF64",
  "gatherF32",
  "gatherF64",
] as const;
export type KernelName = (typeof KERNELS)[number];
export type Kernel = (...args: number[]) => void;

/** One kernel call: its name and its (integer) arguments. */
export interface Job {
  readonly kernel: KernelName;
  readonly args: readonly number[];
}

/** Where the control words of worker w live in the shared memory: below the arena. */
export const CONTROL_BASE = 1024;
const SLOT_BYTES = 256;
const MAX_ARGS = (SLOT_BYTES - 16) / 8;
/** Control words of a slot (Int32 indices): the job sequence, the last job done, kernel, count. */
const SEQ = 0;
const DONE = 1;
const KERNEL = 2;
const COUNT = 3;
/** Set in DONE's slot when the kernel threw: the job number, negated. */

// The worker: instantiates the kernels over the shared memory, then waits on its slot for jobs.
// It runs in worker_threads (eval'd source) and in Web Workers (a blob URL) alike.
const WORKER_SOURCE = `"use strict";
const start = ({ modules, memory, slot, names }) => {
  // A later module's exports replace an earlier one's (the relaxed SIMD GEMM).
  const exports = {};
  for (const module of modules) {
    Object.assign(exports, new WebAssembly.Instance(module, { env: { memory } }).exports);
  }
  const kernels = names.map((name) => exports[name]);
  const words = new Int32Array(memory.buffer, slot, 4);
  const args = new Float64Array(memory.buffer, slot + 16, ${MAX_ARGS});
  reply("ready");
  let seen = 0;
  for (;;) {
    Atomics.wait(words, ${SEQ}, seen);
    seen = Atomics.load(words, ${SEQ});
    let done = seen;
    try {
      const list = [];
      for (let i = 0; i < words[${COUNT}]; i++) list.push(args[i]);
      kernels[words[${KERNEL}]](...list);
    } catch {
      done = -seen;
    }
    Atomics.store(words, ${DONE}, done);
    Atomics.notify(words, ${DONE});
  }
};
let reply;
if (typeof require === "function" && typeof process === "object") {
  const { parentPort } = require("node:worker_threads");
  reply = (message) => parentPort.postMessage(message);
  parentPort.once("message", start);
} else {
  reply = (message) => self.postMessage(message);
  self.onmessage = (event) => start(event.data);
}
`;

/**
 * Worker threads over one shared memory. `run` hands jobs 1.. to the workers, runs job 0 on
 * the calling thread, and returns when all are done, so an engine's entry points stay
 * synchronous (`runWith` runs a function of the caller's instead of job 0). Where the calling
 * thread may not block (a browser's main thread) it spins.
 */
export class Pool {
  private readonly blocking = canBlock();
  private sequence = 0;
  /** Workers in the current run (none between runs). */
  private running = 0;

  private constructor(
    private readonly memory: WasmMemory,
    private readonly workers: readonly HostWorker[],
    private readonly local: Readonly<Record<KernelName, Kernel>>,
  ) {}

  /** Starts `threads - 1` workers (the caller is the first thread) and waits until they run. */
  static async start(
    modules: readonly WasmModule[],
    memory: WasmMemory,
    local: Readonly<Record<KernelName, Kernel>>,
    threads: number,
  ): Promise<Pool> {
    const workers: HostWorker[] = [];
    try {
      for (let w = 1; w < threads; w++) {
        const worker = spawnWorker(WORKER_SOURCE);
        workers.push(worker);
        const ready = worker.first();
        worker.post({ modules, memory, slot: slotAddress(w), names: KERNELS });
        await ready;
      }
    } catch (error) {
      for (const worker of workers) worker.stop();
      throw error;
    }
    return new Pool(memory, workers, local);
  }

  /** Threads that run jobs, the caller included. */
  get size(): number {
    return this.workers.length + 1;
  }

  run(jobs: readonly Job[]): void {
    const [first, ...rest] = jobs;
    this.runWith(rest, () => {
      if (first !== undefined) this.local[first.kernel](...first.args);
    });
  }

  /**
   * Hands `jobs` to workers 1.., calls `local` on this thread, and returns when all are done.
   * `local` may wait for words the workers set (see `waitFor`).
   */
  runWith(jobs: readonly Job[], local: () => void): void {
    if (jobs.length >= this.size)
      throw new RangeError(`Pool.run: ${jobs.length + 1} jobs, ${this.size} threads`);
    const sequence = ++this.sequence;
    this.running = jobs.length;
    const buffer = this.memory.buffer;
    for (let w = 1; w <= jobs.length; w++) {
      const job = jobs[w - 1] as Job;
      if (job.args.length > MAX_ARGS)
        throw new RangeError(`Pool.run: ${job.args.length} arguments`);
      const slot = slotAddress(w);
      const words = new Int32Array(buffer, slot, 4);
      new Float64Array(buffer, slot + 16, job.args.length).set(job.args);
      words[KERNEL] = KERNELS.indexOf(job.kernel);
      words[COUNT] = job.args.length;
      Atomics.store(words, SEQ, sequence);
      Atomics.notify(words, SEQ);
    }
    let failure: unknown;
    try {
      local();
    } catch (error) {
      failure = error;
    }
    for (let w = 1; w <= jobs.length; w++) {
      const words = new Int32Array(buffer, slotAddress(w), 4);
      for (;;) {
        const done = Atomics.load(words, DONE);
        if (done === sequence) break;
        if (done === -sequence) {
          failure ??= new Error(
            `@zerograd/wasm: ${(jobs[w - 1] as Job).kernel} failed in worker ${w}`,
          );
          break;
        }
        if (this.blocking) Atomics.wait(words, DONE, done);
      }
    }
    this.running = 0;
    if (failure !== undefined) throw failure;
  }

  /**
   * Waits until a worker of the current run sets `words[index]` (from 0), checking every
   * millisecond whether one of them failed instead, which throws.
   */
  waitFor(words: Int32Array, index: number): void {
    const buffer = this.memory.buffer;
    while (Atomics.load(words, index) === 0) {
      for (let w = 1; w <= this.running; w++) {
        if (Atomics.load(new Int32Array(buffer, slotAddress(w), 4), DONE) === -this.sequence)
          throw new Error(`@zerograd/wasm: worker ${w} failed`);
      }
      if (this.blocking) Atomics.wait(words, index, 0, 1);
    }
  }

  stop(): void {
    for (const worker of this.workers) worker.stop();
  }
}

function slotAddress(worker: number): number {
  return CONTROL_BASE + worker * SLOT_BYTES;
}
