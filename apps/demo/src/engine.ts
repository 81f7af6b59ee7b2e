import { jsEngine, setEngine } from "@zerograd/ndarray";
import { engineInfo, useWasm } from "@zerograd/wasm";

/** The engines `--engine` offers. */
export const ENGINES = ["js", "wasm"] as const;
export type EngineName = (typeof ENGINES)[number];

/** wasm: the demo depends on @zerograd/wasm, and it runs everywhere Node 20 does. */
export function defaultEngine(): EngineName {
  return "wasm";
}

/**
 * Makes `name` the active engine and describes it. The wasm engine is started once per
 * process (its workers then serve every later run) and kept when already active.
 */
export async function selectEngine(name: EngineName): Promise<string> {
  if (name === "js") {
    setEngine(jsEngine);
    return "js (ndarray's JavaScript kernels)";
  }
  let info = engineInfo();
  if (info.engine !== "wasm") info = await useWasm();
  const threads = `${info.threads} thread${info.threads === 1 ? "" : "s"}`;
  const simd = info.relaxedSimd ? "SIMD + relaxed SIMD" : "SIMD";
  return `wasm (@zerograd/wasm, ${simd}, ${threads}${info.note ? `: ${info.note}` : ""})`;
}
