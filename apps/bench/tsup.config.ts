import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/bench.ts"],
  format: ["esm"],
  platform: "node",
  target: "node20",
  // Resolved at run time: @zerograd/ndarray to its built dist (what users get), tfjs from
  // node_modules so the wasm backend finds its .wasm files next to its own dist.
  external: ["@zerograd/ndarray", /^@tensorflow\//],
  sourcemap: true,
  clean: true,
});
