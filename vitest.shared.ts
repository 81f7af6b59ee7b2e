import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const nodeMajor = Number(process.versions.node.split(".")[0]);

// Node-environment tests resolve through Vite's SSR resolver: only ssr.resolve.conditions
// applies there (plain resolve.conditions does not). The last three are Vite's defaults,
// which setting the option would otherwise drop.
export default defineConfig({
  ssr: {
    resolve: { conditions: ["@zerograd/source", "module", "node", "development|production"] },
  },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    setupFiles: [fileURLToPath(new URL("./vitest.setup.ts", import.meta.url))],
    // No test asserts on time; the limit only catches hangs. A shared CI machine under load
    // runs some tests (gemm, the demo's training runs) well past vitest's 5 s default.
    testTimeout: 60_000,
    // Relaxed SIMD (the fused multiply-add @zerograd/wasm's matmul uses where the host has it)
    // is on by default in Node 22+ and Chrome 114+; Node 20 needs the flag. With it, the suite
    // runs the kernels those hosts run; the wasm package's own suite also runs them without.
    execArgv: nodeMajor < 22 ? ["--experimental-wasm-relaxed-simd"] : [],
  },
});
