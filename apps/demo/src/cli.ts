#!/usr/bin/env node
// zerograd-demo: the CLI entry. Everything else lives in main(), which tests call in-process.
import { main } from "./main";

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
});
