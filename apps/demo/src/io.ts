import { accessSync, constants, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

/** Where a command writes: `process.stdout` in the CLI, a string collector in tests. */
export interface Stream {
  write(text: string): unknown;
  /** Whether this is a terminal: progress bars animate only there. */
  isTTY?: boolean;
  /** The terminal's width, when known. */
  columns?: number;
}

/** The streams of one run. */
export interface Io {
  stdout: Stream;
  stderr: Stream;
}

/**
 * A problem with what the user asked for (a bad flag value, a missing or corrupt weights
 * file): the CLI prints its message on one line with the usage and exits with status 2.
 */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Prints whole lines to stdout. */
export class Printer {
  constructor(readonly io: Io) {}

  /** Writes `text` and a newline. */
  line(text = ""): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** Writes each line of a multi-line block, indented by `indent` spaces. */
  block(text: string, indent = 0): void {
    const pad = " ".repeat(indent);
    for (const line of text.split("\n")) this.line(line === "" ? "" : pad + line);
  }
}

/**
 * Creates the output folder `out` when missing, so a command fails at the start, not after
 * training, when it cannot be written. Throws UsageError.
 */
export function prepareOutput(out: string): void {
  try {
    mkdirSync(out, { recursive: true });
    accessSync(out, constants.W_OK);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new UsageError(`cannot write to the folder --out ${out}: ${code ?? message}`);
  }
}

/**
 * Writes `contents` to `name` inside the folder `out` (created when missing) and returns the
 * path as the user should read it: relative to the working directory when inside it. Throws
 * UsageError when the folder or the file cannot be written.
 */
export function writeOutput(out: string, name: string, contents: string | Uint8Array): string {
  const path = join(out, name);
  try {
    mkdirSync(out, { recursive: true });
    writeFileSync(path, contents);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new UsageError(`cannot write ${path} (--out ${out}): ${code ?? message}`);
  }
  const shown = relative(process.cwd(), path);
  return shown.startsWith("..") ? path : shown;
}

/** `1234567.8` → `"1,234,568"`: counts and rates for people. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}
