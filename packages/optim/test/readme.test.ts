// The README example must run as written and print what its comments say.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as autograd from "@zerograd/autograd";
import { describe, expect, it } from "vitest";
import { runExample } from "../../../test-support/run-example";
import * as optim from "../src/index";

describe("example in README.md", () => {
  it("minimises Rosenbrock's function with Adam", () => {
    const [point, loss] = runExample(new URL("../README.md", import.meta.url), {
      "@zerograd/autograd": autograd,
      "@zerograd/optim": optim,
    });
    const [x, y] = point as number[];
    expect(Math.abs((x as number) - 1)).toBeLessThan(1e-2);
    expect(Math.abs((y as number) - 1)).toBeLessThan(1e-2);
    expect(loss).toBeLessThan(1e-5);
  });
});

describe("warm-up + cosine example in README.md", () => {
  it("warms up linearly to the lr, then anneals towards etaMin", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Warm-up then cosine"));
    const file = join(mkdtempSync(join(tmpdir(), "optim-readme-")), "example.md");
    writeFileSync(file, section);
    const [first, last] = runExample(pathToFileURL(file), {
      "@zerograd/autograd": autograd,
      "@zerograd/optim": optim,
    });
    expect(first).toEqual([0.01, 0.028, 0.046, 0.064, 0.082, 0.1]);
    const closed = 1e-4 + ((0.1 - 1e-4) * (1 + Math.cos((Math.PI * 44) / 45))) / 2;
    expect(last).toBe(+closed.toFixed(6));
  });
});
