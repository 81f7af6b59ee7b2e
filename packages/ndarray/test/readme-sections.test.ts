// The README's later examples (after the opening one, which readme.test.ts runs) must also run
// as written and print what their comments say.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { runExample } from "../../../test-support/run-example";
import * as ndarray from "../src/index";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** Runs the first ts block under the heading `title`. */
function runSection(title: string): unknown[] {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README has a "## ${title}" section`).toBeGreaterThan(0);
  const end = readme.indexOf("\n## ", start + 1);
  const file = join(mkdtempSync(join(tmpdir(), "readme-")), "section.md");
  writeFileSync(file, readme.slice(start, end === -1 ? undefined : end));
  return runExample(pathToFileURL(file), { "@zerograd/ndarray": ndarray });
}

describe("README sections", () => {
  it("Sampling categories and coins", () => {
    expect(runSection("Sampling categories and coins")).toEqual([0, [2, 4], true]);
  });

  it("Indexing", () => {
    expect(runSection("Indexing")).toEqual([
      [3, 4],
      [2, 3, 4, 1],
      [
        [9, 1],
        [21, 13],
      ],
      [2, 3],
      [21, 22, 23],
    ]);
  });

  it("Sorting, cumulative sums, triangles", () => {
    expect(runSection("Sorting, cumulative sums, triangles")).toEqual([
      [
        [1, 3, 3, Number.NaN],
        [-1, 0, 2, 2],
      ],
      [
        [1, 0, 3, 2],
        [1, 2, 0, 3],
      ],
      [2, 2],
      [1, 2],
      [0, 2, 4, 3],
      [
        [3, Number.NaN, 0, 0],
        [0, 2, 2, 0],
      ],
    ]);
  });
});
