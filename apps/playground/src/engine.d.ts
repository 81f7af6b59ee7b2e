/** Filled in by vite.config.ts: @zerograd/wasm's entry points when it is in the workspace, else null. */
declare module "virtual:zerograd-engine" {
  export const useWasm: ((options?: { threads?: number }) => Promise<unknown>) | null;
  export const engineInfo: (() => unknown) | null;
}
