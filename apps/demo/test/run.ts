// Runs the CLI in-process (main() with string collectors for stdout and stderr) and makes
// throw-away output folders, so every command is tested end to end without a build.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { afterAll } from "vitest";
import { main } from "../src/main";

/** What one run printed and returned. */
export interface Run {
  status: number;
  stdout: string;
  stderr: string;
  /** stdout split into lines, without the final empty one. */
  lines: string[];
  /** The last line of stdout. */
  last: string;
}

/** Runs `zerograd-demo ...args` in this process. */
export async function run(...args: string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const status = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  const lines = stdout.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return { status, stdout, stderr, lines, last: lines.at(-1) ?? "" };
}

/** The JSON object `--json` printed as the last line. */
export function lastJson(result: Run): Record<string, unknown> {
  return JSON.parse(result.last) as Record<string, unknown>;
}

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test file. */
export function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "zerograd-demo-"));
  folders.push(folder);
  return folder;
}

/** Asserts that the file is well-formed SVG (XML with an <svg> root) and returns its text. */
export function readSvg(path: string): string {
  const text = readFileSync(path, "utf8");
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`${path} is not well-formed XML: ${valid.err.msg}`);
  if (!/^<svg[\s>]/.test(text)) throw new Error(`${path} does not start with <svg`);
  return text;
}
