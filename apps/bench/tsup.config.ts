import { defineConfig } from "tsup";

export default defineConfig({
  // tfjs-gradients.js is loaded at run time by the tfjs children that take gradients.
  entry: ["src/bench.ts", "src/tfjs-gradients.ts"],
  format: ["esm"],
  platform: "node",
  target: "node20",
  // Resolved at run time: @zerograd/* to their built dist (what users get), tfjs from
  // node_modules so the wasm backend finds its .wasm files next to its own dist. The one
  // exception is tfjs-core's gradient registrations, bundled into tfjs-gradients.js (see there).
  external: [
    "@zerograd/ndarray",
    "@zerograd/autograd",
    /^@tensorflow\/(?!tfjs-core\/dist\/register_all_gradients$)/,
  ],
  sourcemap: true,
  clean: true,
});
