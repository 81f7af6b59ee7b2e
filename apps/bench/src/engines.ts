import { type Engine, engine, setEngine } from "@zerograd/ndarray";
import { type LoadedWasm, loadWasm } from "@zerograd/wasm";
import type { Impl, Library } from "./impl";

/** The zerograd rows and the engine each runs on. */
export const ENGINE_LIBS = ["zerograd", "wasm", "wasm-1t"] as const satisfies readonly Library[];
export type EngineLib = (typeof ENGINE_LIBS)[number];

const loaded = new Map<EngineLib, LoadedWasm>();

/** Starts the wasm engines (two threads and one); describes them for the report. */
export async function startEngines(): Promise<string> {
  loaded.set("wasm", await loadWasm({ threads: 2 }));
  loaded.set("wasm-1t", await loadWasm({ threads: 1 }));
  const two = loaded.get("wasm") as LoadedWasm;
  const fma = two.relaxedSimd ? ", relaxed SIMD (fused multiply-add) in matmul" : "";
  return `@zerograd/wasm threads=${two.engine.state.threads}${two.note ? ` (${two.note})` : ""} and threads=1${fma}`;
}

export function stopEngines(): void {
  for (const l of loaded.values()) l.stop();
  loaded.clear();
}

/** The engine of a zerograd row (the JavaScript one for `zerograd`). */
export function engineOf(lib: EngineLib): Engine {
  if (lib === "zerograd") return engine();
  const l = loaded.get(lib);
  if (l === undefined) throw new Error(`${lib}: the wasm engines are not started`);
  return l.engine;
}

/** Runs `f` with `lib`'s engine active. */
export function onEngine<T>(lib: EngineLib, f: () => T): T {
  if (lib === "zerograd") return f();
  const previous = setEngine(engineOf(lib));
  try {
    return f();
  } finally {
    setEngine(previous);
  }
}

/** An implementation whose every call (building included) runs on `lib`'s engine. */
export function onEngineImpl(lib: EngineLib, build: () => Impl): Impl {
  const impl = onEngine(lib, build);
  return {
    call: () => onEngine(lib, () => impl.call()),
    callAndRead: () => onEngine(lib, () => impl.callAndRead()),
    dispose: () => impl.dispose(),
  };
}
