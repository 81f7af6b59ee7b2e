// What the host offers: Node's built-in modules without an import statement (so bundlers for
// browsers see nothing Node-only), shared memory, and whether this thread may block.

interface NodeWorker {
  postMessage(message: unknown): void;
  once(event: "message" | "error", listener: (value: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}

interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

import { host } from "./host";

/** Node's `require` for built-ins (Node >= 20.16), or undefined elsewhere. */
function builtin<T>(id: string): T | undefined {
  const process = (globalThis as { process?: NodeProcess }).process;
  if (process?.versions?.node === undefined) return undefined;
  return process.getBuiltinModule?.(id) as T | undefined;
}

/** The number of logical cores. */
export function coreCount(): number {
  const os = builtin<{ availableParallelism?: () => number; cpus(): unknown[] }>("node:os");
  if (os !== undefined) return os.availableParallelism?.() ?? os.cpus().length;
  return host.navigator?.hardwareConcurrency ?? 1;
}

/** Why worker threads cannot run here, or undefined when they can. */
export function threadsUnavailable(): string | undefined {
  if (typeof SharedArrayBuffer === "undefined") {
    return "SharedArrayBuffer is unavailable (a page needs cross-origin isolation: COOP/COEP headers)";
  }
  try {
    new host.WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return "shared WebAssembly memory is unavailable";
  }
  const isNode = builtin<unknown>("node:worker_threads") !== undefined;
  if (!isNode && host.Worker === undefined) return "Web Workers are unavailable";
  return undefined;
}

/** Whether Atomics.wait may block this thread (not a browser's main thread). */
export function canBlock(): boolean {
  try {
    // A value that does not match returns at once where waiting is allowed and throws elsewhere.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** A minimal worker over either worker_threads or Web Workers, running `source`. */
export interface HostWorker {
  post(message: unknown): void;
  /** Resolves with the worker's first message; rejects if it fails first. */
  first(): Promise<unknown>;
  stop(): void;
}

export function spawnWorker(source: string): HostWorker {
  const threads = builtin<{ Worker: new (src: string, opts: { eval: true }) => NodeWorker }>(
    "node:worker_threads",
  );
  if (threads !== undefined) {
    const worker = new threads.Worker(source, { eval: true });
    // Idle workers must not keep a Node process alive.
    worker.unref();
    return {
      post: (message) => worker.postMessage(message),
      first: () =>
        new Promise((resolve, reject) => {
          worker.once("message", resolve);
          worker.once("error", reject);
        }),
      stop: () => void worker.terminate(),
    };
  }
  const Worker = host.Worker;
  if (Worker === undefined) throw new Error("Web Workers are unavailable");
  const url = host.URL.createObjectURL(new host.Blob([source], { type: "text/javascript" }));
  const worker = new Worker(url);
  host.URL.revokeObjectURL(url);
  return {
    post: (message) => worker.postMessage(message),
    first: () =>
      new Promise((resolve, reject) => {
        worker.addEventListener("message", (event) => resolve(event.data), { once: true });
        worker.addEventListener("error", (event) => reject(new Error(event.message)), {
          once: true,
        });
      }),
    stop: () => worker.terminate(),
  };
}
