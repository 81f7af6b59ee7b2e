#!/usr/bin/env node
// zerograd-demo: the CLI entry. Everything else lives in main(), which tests call in-process.
import { ignoreBrokenPipe } from "./io";
import { main } from "./main";

// `zerograd-demo mnist | head -1`: once head exits, writes fail with EPIPE. Without a listener
// that 'error' event would crash the process with a stack trace; main() stops the run quietly.
ignoreBrokenPipe(process.stdout);
ignoreBrokenPipe(process.stderr);

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
});
