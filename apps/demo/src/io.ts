import { accessSync, constants, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

/** Where a command writes: `process.stdout` in the CLI, a string collector in tests. */
export interface Stream {
  write(text: string): unknown;
  /** Whether this is a terminal: progress bars animate only there. */
  isTTY?: boolean;
  /** The terminal's width, when known. */
  columns?: number;
  /**
   * The error that broke the stream, as Node's writable streams report it: set by the write
   * that failed, before the stream's 'error' event, so a broken pipe is seen at once.
   */
  readonly errored?: Error | null;
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

/**
 * Thrown by `Printer` when nobody reads stdout any more (`zerograd-demo mnist | head -1`: the
 * reader exited, the write failed with EPIPE). It stops the run where it is, like the SIGPIPE
 * that ends a C program there; `main` then resolves with status 0, printing nothing.
 */
export class OutputClosedError extends Error {
  override name = "OutputClosedError";
}

/** Whether `error` is a write to a pipe or socket whose reader has gone (EPIPE). */
export function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null | undefined)?.code === "EPIPE";
}

/**
 * Makes a broken pipe on `stream` (a Node stream such as `process.stdout`) harmless: its
 * 'error' event for EPIPE is ignored instead of crashing the process with a stack trace
 * (`Printer` notices the broken pipe itself and stops the run). Other errors are rethrown,
 * as they would be without a listener.
 */
export function ignoreBrokenPipe(stream: NodeJS.EventEmitter): void {
  stream.on("error", (error: unknown) => {
    if (!isBrokenPipe(error)) throw error;
  });
}

/** Prints whole lines to stdout. */
export class Printer {
  private note: string | undefined;

  constructor(readonly io: Io) {}

  /**
   * A line printed after the next one (the command's header), e.g. which engine runs; a
   * command that fails before printing anything prints no note either.
   */
  noteAfterHeader(text: string): void {
    this.note = text;
  }

  /** Writes `text` and a newline. Throws OutputClosedError when stdout's reader has gone. */
  line(text = ""): void {
    this.io.stdout.write(`${text}\n`);
    if (isBrokenPipe(this.io.stdout.errored)) throw new OutputClosedError("stdout closed");
    const note = this.note;
    this.note = undefined;
    if (note !== undefined) this.line(note);
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

/**
 * `value.toFixed(digits)` for the losses and metrics of a run, except where that reads badly
 * for a diverging loss: from a million on `value.toExponential(digits)` (`3.436e+15`, not
 * `3435803648720896.000`), and a value that is not finite reads `nan`, `inf` or `-inf`, as
 * NumPy and PyTorch print them, instead of `NaN` or `Infinity`.
 */
export function formatFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  return Math.abs(value) >= 1e6 ? value.toExponential(digits) : value.toFixed(digits);
}

/** `value.toExponential(digits)`, with `nan`, `inf` and `-inf` as in `formatFixed`. */
export function formatExponential(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toExponential(digits) : nonFinite(value);
}

function nonFinite(value: number): string {
  return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
}

/** `count` and `noun`, the noun in the plural unless count is 1: `1 epoch`, `10 epochs`. */
export function plural(
  count: number,
  noun: string,
  format: (n: number) => string = String,
): string {
  return `${format(count)} ${noun}${count === 1 ? "" : "s"}`;
}

/** `1234567.8` → `"1,234,568"`: counts and rates for people. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}
