import { spawn } from "node:child_process";
import { EventEmitter, once } from "node:events";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ignoreBrokenPipe } from "../src/io";
import { main } from "../src/main";
import { tempFolder } from "./run";

const epipe = () => Object.assign(new Error("write EPIPE"), { code: "EPIPE" });

/**
 * Runs the CLI with a stdout whose reader goes away after `lines` writes (as `| head -1`
 * does), the way Node reports it: the failing write sets `errored` at once.
 */
async function runIntoClosedPipe(lines: number, ...args: string[]) {
  let writes = 0;
  let afterBreak = 0;
  let stderr = "";
  let errored: Error | null = null;
  const stdout = {
    write: (_text: string) => {
      writes++;
      if (errored) afterBreak++;
      else if (writes > lines) errored = epipe();
      return true;
    },
    get errored() {
      return errored;
    },
  };
  const status = await main(args, { stdout, stderr: { write: (text) => (stderr += text) } });
  return { status, stderr, afterBreak, broke: errored !== null };
}

describe("a closed stdout (zerograd-demo ... | head -1) ends the run quietly", () => {
  it("xor: status 0, no error, no write after the failing one", async () => {
    const result = await runIntoClosedPipe(1, "xor");
    expect(result).toEqual({ status: 0, stderr: "", afterBreak: 0, broke: true });
  });

  it("mnist stops training at the first line nobody reads, writing no files", async () => {
    const out = tempFolder();
    const result = await runIntoClosedPipe(2, "mnist", "--epochs", "3", "--out", out);
    expect(result).toEqual({ status: 0, stderr: "", afterBreak: 0, broke: true });
    expect(existsSync(join(out, "mnist-mlp.safetensors"))).toBe(false);
  });
});

describe("ignoreBrokenPipe", () => {
  it("swallows an EPIPE 'error' event and rethrows any other error", () => {
    const stream = new EventEmitter();
    ignoreBrokenPipe(stream);
    expect(() => stream.emit("error", epipe())).not.toThrow();
    expect(() => stream.emit("error", new Error("disk on fire"))).toThrow("disk on fire");
  });

  it("a real pipe whose reader is gone: errored at once, its error event swallowed", async () => {
    // a child that closes its end of the pipe and stays alive (so Node keeps our end open)
    const child = spawn(
      process.execPath,
      ["-e", "require('fs').closeSync(0); console.log('closed'); setTimeout(() => {}, 30000)"],
      { stdio: ["pipe", "pipe", "ignore"] },
    );
    try {
      await once(child.stdout, "data");
      const stream = child.stdin;
      ignoreBrokenPipe(stream);
      stream.write("nobody reads this\n");
      // seen at once, before the 'error' event: what Printer checks after each line
      expect((stream.errored as NodeJS.ErrnoException | null)?.code).toBe("EPIPE");
      // the 'error' event comes on a next tick; unhandled, vitest would report it and fail
      await new Promise((resolve) => setImmediate(resolve));
      expect(stream.listenerCount("error")).toBe(1);
    } finally {
      child.kill();
    }
  });
});
