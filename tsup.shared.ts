// The build every library package shares: ESM + CJS + .d.ts from src/index.ts.
import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  // tsup 8 hands `baseUrl` to the .d.ts compiler and TypeScript 6 rejects it (TS5101)
  // unless deprecations are ignored; this affects only the .d.ts build.
  dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
  sourcemap: true,
  clean: true,
  target: "es2022",
});
