import fc from "fast-check";

// Property tests explore a new random seed on every local run, which is how they find bugs.
// CI pins the seed so that whether a commit lands never depends on a dice roll; a failure
// anywhere prints its seed, and FC_SEED=<seed> replays it.
const pinned = process.env.FC_SEED ?? (process.env.CI ? "20261124" : undefined);
if (pinned !== undefined) fc.configureGlobal({ seed: Number(pinned) });

// ZEROGRAD_ENGINE=wasm runs a package's tests on the WebAssembly engine (CI runs the whole
// suite once that way): every test that passes on the JavaScript engine must pass there too.
if (process.env.ZEROGRAD_ENGINE === "wasm") {
  const { afterAll } = await import("vitest");
  const { stopWasm, useWasm } = await import("./packages/wasm/src/index.ts");
  // Every float map and product goes through the kernels, however small (the defaults keep
  // small calls in JavaScript, which would leave most of a test suite's arrays there).
  const info = await useWasm({
    threads: Number(process.env.ZEROGRAD_THREADS ?? "2"),
    thresholds: { map: 0, gemm: 0 },
  });
  if (info.engine !== "wasm") throw new Error(`ZEROGRAD_ENGINE=wasm but ${info.engine} is active`);
  afterAll(() => stopWasm());
}
