// `pnpm test:wasm`: every package's tests once more, on the WebAssembly engine
// (ZEROGRAD_ENGINE=wasm, see vitest.setup.ts). Each package's vitest report is then renamed
// .vitest-results-wasm.json, so that the JavaScript engine's run does not overwrite it and
// .ci/run counts both.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, renameSync } from "node:fs";
import { join } from "node:path";

const run = spawnSync("pnpm", ["exec", "turbo", "run", "test", "--output-logs=new-only"], {
  stdio: "inherit",
  env: { ...process.env, ZEROGRAD_ENGINE: "wasm" },
});
const dirs = ["scripts", "docs"];
for (const parent of ["packages", "apps"]) {
  if (existsSync(parent)) for (const name of readdirSync(parent)) dirs.push(join(parent, name));
}
for (const dir of dirs) {
  const file = join(dir, ".vitest-results.json");
  if (existsSync(file)) renameSync(file, join(dir, ".vitest-results-wasm.json"));
}
process.exit(run.status ?? 1);
