// The runner the guide's test relies on: if it silently skipped a block or an import, the
// guide's test would prove nothing.
import { describe, expect, it } from "vitest";
import { codeBlocks, runMarkdown } from "../../test-support/run-blocks";

const fence = "```";
const modules = { lib: { double: (x: number) => 2 * x, Box: class Box {} }, other: { x: 1 } };
const run = (markdown: string) => runMarkdown(markdown, modules, "test.md");

describe("codeBlocks", () => {
  it("finds only ts blocks, with the line their code starts on", () => {
    const markdown = `# title\n${fence}sh\nls\n${fence}\n\n${fence}ts\nconst a = 1;\n${fence}\n${fence}ts\nconst b = 2;\n${fence}\n`;
    expect(codeBlocks(markdown)).toEqual([
      { code: "const a = 1;\n", line: 7 },
      { code: "const b = 2;\n", line: 10 },
    ]);
  });
});

describe("runMarkdown", () => {
  it("runs every block in order in one scope and returns what each printed", () => {
    const markdown = [
      `${fence}ts`,
      'import { double } from "lib";',
      "const a = double(2);",
      "console.log(a);",
      fence,
      "text",
      `${fence}ts`,
      "console.log(a + 1, double(a));",
      "console.log('done');",
      fence,
    ].join("\n");
    expect(run(markdown)).toEqual([[4], [[5, 8], "done"]]);
  });

  it("strips TypeScript syntax and resolves renamed, namespace and type-only imports", () => {
    const markdown = [
      `${fence}ts`,
      'import type { Box } from "lib";',
      'import { double as twice, type Box as B } from "lib";',
      'import * as other from "other";',
      "class Counter { private count: number = 0; add(n: number): this { this.count += n; return this; } get value(): number { return this.count; } }",
      "const box = null as Box | null;",
      "console.log(new Counter().add(twice(other.x)!).value, box);",
      fence,
    ].join("\n");
    expect(run(markdown)).toEqual([[[2, null]]]);
  });

  it("names the block, the line and the error when a block throws", () => {
    const markdown = `${fence}ts\nconsole.log(1);\n${fence}\n\n${fence}ts\nthrow new RangeError("boom");\n${fence}\n`;
    expect(() => run(markdown)).toThrow("test.md:6 (block 2) threw RangeError: boom");
  });

  it("rejects imports it cannot resolve, and two different values under one name", () => {
    expect(() => run(`${fence}ts\nimport { x } from "missing";\n${fence}\n`)).toThrow(
      "test.md:2 (block 1) imports missing, which the test does not provide",
    );
    expect(() => run(`${fence}ts\nimport { nope } from "lib";\n${fence}\n`)).toThrow(
      "lib has no export nope",
    );
    const clash = `${fence}ts\nimport { x } from "other";\n${fence}\n${fence}ts\nimport { double as x } from "lib";\n${fence}\n`;
    expect(() => run(clash)).toThrow("(block 2) imports a different x than an earlier block");
  });

  it("rejects a file without ts blocks and code that does not parse", () => {
    expect(() => run("# nothing\n")).toThrow("no ts block in test.md");
    expect(() => run(`${fence}ts\nconst = 1;\n${fence}\n`)).toThrow("test.md:2 (block 1):");
  });
});
