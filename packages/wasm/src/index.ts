import { engine, jsEngine, setEngine } from "@zerograd/ndarray";
import {
  createWasmEngine,
  DEFAULT_THRESHOLDS,
  type KernelMemory,
  type Kernels,
  type Thresholds,
  type WasmEngine,
} from "./engine";
import { kernels as kernelsBase64, kernelsRelaxed as relaxedBase64 } from "./generated/kernels";
import { host, type WasmModule } from "./host";
import { coreCount, threadsUnavailable } from "./platform";
import { Pool } from "./pool";

export {
  DEFAULT_THRESHOLDS,
  type Thresholds,
  type WasmEngine,
  type WasmEngineState,
} from "./engine";

/** Options of `useWasm`. */
export interface UseWasmOptions {
  /**
   * Threads that share the work, the calling one included (default: the number of cores; 1
   * where SharedArrayBuffer is unavailable, as on a page without cross-origin isolation).
   */
  readonly threads?: number;
  /** Where the kernels and the threads take over (tests set them to 0 to run everything there). */
  readonly thresholds?: Partial<Thresholds>;
  /**
   * Use relaxed SIMD's fused multiply-add in matmul where the host has it (default true). Turn
   * it off for float32 products that round exactly as on hosts without it: a fused
   * multiply-add rounds once where a multiply and an add round twice.
   */
  readonly relaxedSimd?: boolean;
}

/** Which engine runs the kernels, on how many threads, and why not more. */
export interface EngineInfo {
  /** "js" (ndarray's own loops) or "wasm". */
  readonly engine: string;
  readonly threads: number;
  /** Whether WebAssembly SIMD kernels are active. */
  readonly simd: boolean;
  /**
   * Whether matmul uses relaxed SIMD's fused multiply-add (Chrome 114+, Node 22+; Node 20 only
   * with `--experimental-wasm-relaxed-simd`).
   */
  readonly relaxedSimd: boolean;
  /** Why threads are fewer than asked, when they are. */
  readonly note?: string;
}

const INITIAL_PAGES = 17;
const MAXIMUM_PAGES = 32768;

let current: LoadedWasm | undefined;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = host.atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Reads an unsigned LEB128 at `at`: [value, next position]. */
function leb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = bytes[at++] as number;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

/**
 * The module with its memory import made plain (not shared), for hosts without shared memory:
 * the limits flag 0x03 (shared, with a maximum) becomes 0x01 in place.
 */
function unshared(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const out = bytes.slice();
  let at = 8; // magic and version
  while (at < out.length) {
    const id = out[at] as number;
    const [size, body] = leb(out, at + 1);
    if (id === 2) {
      let [count, p] = leb(out, body);
      for (; count > 0; count--) {
        for (let name = 0; name < 2; name++) {
          const [length, next] = leb(out, p);
          p = next + length;
        }
        const kind = out[p++] as number;
        if (kind === 2 && out[p] === 0x03) {
          out[p] = 0x01;
          return out;
        }
        if (kind !== 2) break; // the kernels import their memory only
      }
    }
    at = body + size;
  }
  throw new Error("@zerograd/wasm: the kernels import no shared memory");
}

/** A WebAssembly engine that is not active yet, with its workers; `stop` ends them. */
export interface LoadedWasm {
  readonly engine: WasmEngine;
  /** Whether matmul runs the relaxed SIMD kernels. */
  readonly relaxedSimd: boolean;
  /** Why threads are fewer than asked, when they are. */
  readonly note?: string;
  stop(): void;
}

/**
 * The kernels (modules, or their bytes) instantiated over one new memory; a later module's
 * exports replace an earlier one's of the same name.
 */
async function instantiate(
  codes: readonly (WasmModule | Uint8Array<ArrayBuffer>)[],
  shared: boolean,
): Promise<KernelMemory> {
  const memory = new host.WebAssembly.Memory({
    initial: INITIAL_PAGES,
    maximum: MAXIMUM_PAGES,
    ...(shared ? { shared: true } : {}),
  });
  const kernels = {};
  for (const code of codes) {
    const module = code instanceof Uint8Array ? await host.WebAssembly.compile(code) : code;
    const instance = await host.WebAssembly.instantiate(module, { env: { memory } });
    Object.assign(kernels, instance.exports);
  }
  return { memory, kernels: kernels as Kernels };
}

/** Compiles the kernels and starts the workers, without making the engine active. */
export async function loadWasm(options: UseWasmOptions = {}): Promise<LoadedWasm> {
  const asked = options.threads ?? coreCount();
  if (!Number.isInteger(asked) || asked < 1 || asked > 64) {
    throw new RangeError(`useWasm: threads must be an integer in [1, 64], got ${asked}`);
  }
  const unavailable = asked > 1 ? threadsUnavailable() : undefined;
  const threads = unavailable === undefined ? asked : 1;
  const codes = [decode(kernelsBase64)];
  // The relaxed SIMD GEMM goes last, so its exports replace the first module's.
  const relaxed = options.relaxedSimd === false ? undefined : decode(relaxedBase64);
  const relaxedSimd = relaxed !== undefined && host.WebAssembly.validate(relaxed);
  if (relaxedSimd) codes.push(relaxed);
  // This thread's memory is a plain one; with threads, the workers share a second memory.
  const own = await instantiate(codes.map(unshared), false);
  let pooled: (KernelMemory & { pool: Pool }) | undefined;
  if (threads > 1) {
    const modules = await Promise.all(codes.map((code) => host.WebAssembly.compile(code)));
    const { memory, kernels } = await instantiate(modules, true);
    pooled = { memory, kernels, pool: await Pool.start(modules, memory, kernels, threads) };
  }
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const engine = createWasmEngine(own, pooled, thresholds);
  const pool = pooled?.pool;
  return {
    engine,
    relaxedSimd,
    ...(unavailable === undefined ? {} : { note: unavailable }),
    stop: () => pool?.stop(),
  };
}

/**
 * Makes the WebAssembly engine the one every op runs on, with `threads` threads over shared
 * memory. Calling it again replaces the engine (and its workers). Resolves with what became
 * active.
 */
export async function useWasm(options: UseWasmOptions = {}): Promise<EngineInfo> {
  const loaded = await loadWasm(options);
  stopWasm();
  current = loaded;
  setEngine(loaded.engine);
  return engineInfo();
}

/** Goes back to the JavaScript engine and stops the workers. */
export function stopWasm(): void {
  if (current === undefined) return;
  if (engine() === current.engine) setEngine(jsEngine);
  current.stop();
  current = undefined;
}

/** The engine in use now. */
export function engineInfo(): EngineInfo {
  const active = engine();
  if (current !== undefined && active === current.engine) {
    return {
      engine: "wasm",
      threads: current.engine.state.threads,
      simd: true,
      relaxedSimd: current.relaxedSimd,
      ...(current.note ? { note: current.note } : {}),
    };
  }
  return { engine: active.name, threads: 1, simd: false, relaxedSimd: false };
}

/** The active wasm engine, for tests and benchmarks (undefined when `useWasm` has not run). */
export function wasmEngine(): WasmEngine | undefined {
  return current?.engine;
}
