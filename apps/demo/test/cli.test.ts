import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../src/main";
import { run, tempFolder } from "./run";

/** Bad input: status 2, nothing on stdout, one error line, then the usage, no stack trace. */
async function expectBadInput(args: string[], message: RegExp, usage: string) {
  const result = await run(...args);
  expect(result.status).toBe(2);
  expect(result.stdout).toBe("");
  const [first, ...rest] = result.stderr.split("\n");
  expect(first).toMatch(/^error: /);
  expect(first).toMatch(message);
  expect(rest.join("\n")).toContain(`Usage: ${usage}`);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe("bad input exits with status 2, a one-line error and the usage", () => {
  it("an unknown command", async () => {
    await expectBadInput(["train"], /unknown command 'train'/, "zerograd-demo [options] [command]");
  });

  it("an unknown flag, for the default command and for a named one", async () => {
    await expectBadInput(["--bogus"], /unknown option '--bogus'/, "zerograd-demo mnist");
    await expectBadInput(
      ["spiral", "--epoch", "3"],
      /unknown option '--epoch'/,
      "zerograd-demo spiral",
    );
  });

  it("non-numeric, fractional, zero and negative values", async () => {
    await expectBadInput(
      ["--epochs", "abc"],
      /'--epochs <n>' argument 'abc' is invalid/,
      "zerograd-demo mnist",
    );
    await expectBadInput(
      ["mnist", "--batch-size", "2.5"],
      /expected an integer >= 1/,
      "zerograd-demo mnist",
    );
    await expectBadInput(["sin", "--hidden", "0"], /expected an integer >= 1/, "zerograd-demo sin");
    await expectBadInput(["spiral", "--lr", "-1"], /expected a number > 0/, "zerograd-demo spiral");
    await expectBadInput(["xor", "--lr", "fast"], /expected a number > 0/, "zerograd-demo xor");
    await expectBadInput(["xor", "--seed", "-3"], /expected an integer >= 0/, "zerograd-demo xor");
    await expectBadInput(
      ["rosenbrock", "--every", ""],
      /expected an integer >= 1/,
      "zerograd-demo rosenbrock",
    );
  });

  it("an unknown optimizer, a missing flag value, a stray argument", async () => {
    await expectBadInput(
      ["--optimizer", "nadam"],
      /Allowed choices are sgd, momentum, adam/,
      "zerograd-demo mnist",
    );
    await expectBadInput(["mnist", "--epochs"], /argument missing/, "zerograd-demo mnist");
    await expectBadInput(["xor", "now"], /too many arguments for 'xor'/, "zerograd-demo xor");
  });

  it("predict without --weights", async () => {
    await expectBadInput(
      ["predict"],
      /required option '--weights <file>' not specified/,
      "zerograd-demo predict",
    );
  });

  it("an --out folder that cannot be written", async () => {
    const file = join(tempFolder(), "a-file");
    writeFileSync(file, "");
    await expectBadInput(
      ["autograd", "--out", file],
      /^error: cannot write to the folder --out .*a-file: EEXIST$/,
      "zerograd-demo autograd",
    );
  });
});

describe("help", () => {
  it("lists every command, exit status 0", async () => {
    for (const args of [["--help"], ["-h"], ["--", "--help"], ["help"]]) {
      const result = await run(...args);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("Usage: zerograd-demo [options] [command]");
      for (const command of COMMANDS) expect(result.stdout).toContain(`\n  ${command} `);
    }
  });

  it("every command has --help with its flags and defaults", async () => {
    const flags: Record<string, string[]> = {
      mnist: [
        "--epochs",
        "--batch-size",
        "--lr",
        "--hidden",
        "--optimizer",
        "--seed",
        "--out",
        "--json",
      ],
      cnn: [
        "--epochs",
        "--batch-size",
        "--lr",
        "--channels",
        "--shift",
        "--optimizer",
        "--seed",
        "--out",
        "--json",
      ],
      predict: ["--weights", "--seed", "--json"],
      spiral: [
        "--epochs",
        "--batch-size",
        "--lr",
        "--hidden",
        "--optimizer",
        "--seed",
        "--out",
        "--json",
      ],
      sin: ["--iterations", "--lr", "--hidden", "--optimizer", "--seed", "--out", "--json"],
      lstm: [
        "--epochs",
        "--batch-size",
        "--hidden",
        "--bptt-length",
        "--lr",
        "--optimizer",
        "--seed",
        "--out",
        "--json",
      ],
      names: [
        "--epochs",
        "--batch-size",
        "--lr",
        "--embed",
        "--heads",
        "--layers",
        "--samples",
        "--temperature",
        "--seed",
        "--out",
        "--json",
      ],
      autograd: ["--newton-steps", "--order", "--out", "--json"],
      rosenbrock: ["--iterations", "--lr", "--optimizer", "--every", "--json"],
      xor: ["--iterations", "--lr", "--optimizer", "--seed", "--json"],
    };
    expect(Object.keys(flags)).toEqual(COMMANDS);
    for (const command of COMMANDS) {
      const result = await run(command, "--help");
      expect(result.status).toBe(0);
      expect(result.stderr).toBe("");
      expect(result.stdout).toContain(`Usage: zerograd-demo ${command} [options]`);
      for (const flag of flags[command] ?? []) expect(result.stdout).toContain(`${flag} `);
    }
    expect((await run("mnist", "--help")).stdout).toContain("(default: 10)");
  });

  it("a leading -- (as pnpm passes it) is ignored", async () => {
    const result = await run("--", "xor", "--iterations", "2");
    expect(result.status).toBe(0);
    expect(result.last).toMatch(/^loss: \d\.\d{6}$/);
  });
});

describe("--version", () => {
  it("prints the version of package.json, exit status 0", async () => {
    const { version } = JSON.parse(
      readFileSync(new URL("../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    for (const args of [["--version"], ["-V"], ["--", "--version"], ["mnist", "--version"]]) {
      const result = await run(...args);
      expect(result.status).toBe(0);
      expect(result.stderr).toBe("");
      expect(result.stdout).toBe(`${version}\n`);
    }
  });
});

describe("counts of one are singular", () => {
  it("1 epoch, 1 step, 1 iteration, the first derivative", async () => {
    const out = tempFolder();
    const mnist = await run("mnist", "--epochs", "1", "--batch-size", "8000", "--out", out);
    expect(mnist.lines[0]).toContain("batch 8000, 1 epoch, seed 0");
    expect(mnist.stdout).toContain("training loss (1 step, 1 epoch)");
    const spiral = await run("spiral", "--epochs", "1", "--out", out);
    expect(spiral.lines[0]).toContain("batch 30, 1 epoch, seed 0");
    const sin = await run("sin", "--iterations", "1", "--out", out);
    expect(sin.lines[0]).toContain("1 full-batch iteration, seed 0");
    const lstm = await run(
      "lstm",
      ...["--epochs", "1", "--bptt-length", "1", "--batch-size", "999", "--hidden", "4"],
      ...["--out", out],
    );
    expect(lstm.lines[0]).toContain("truncated BPTT every 1 step, 1 epoch, seed 0");
    expect(lstm.lines).toContainEqual(
      expect.stringContaining("999 streams 1 step apart, 1 batch per epoch"),
    );
    const rosenbrock = await run("rosenbrock", "--iterations", "1");
    expect(rosenbrock.lines[0]).toMatch(/, 1 iteration$/);
    const autograd = await run("autograd", "--order", "1", "--out", out);
    expect(autograd.stdout).toContain("3. the first derivative of tanh at x = 1");
    for (const result of [mnist, spiral, sin, lstm, rosenbrock, autograd]) {
      expect(result.status).toBe(0);
      expect(result.stdout).not.toMatch(/\b1 (epoch|step|iteration|derivative|node)s\b/);
    }
    // and more than one stays plural
    const two = await run("spiral", "--epochs", "2", "--out", out);
    expect(two.lines[0]).toContain("batch 30, 2 epochs, seed 0");
  });
});
