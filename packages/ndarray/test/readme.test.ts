// The README examples must run as written and print what their comments say.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ndarray from "../src/index";

function runExample(path: string): unknown[] {
  const text = readFileSync(new URL(path, import.meta.url), "utf8");
  const block = /```ts\n([\s\S]*?)```/.exec(text)?.[1];
  if (!block) throw new Error(`no ts example in ${path}`);
  const imported = /import \{([^}]*)\} from "@zerograd\/ndarray";\n/.exec(block);
  if (!imported) throw new Error(`the example in ${path} does not import @zerograd/ndarray`);
  const names = (imported[1] as string).split(",").map((s) => s.trim());
  const body = block.replace(imported[0], "");
  const printed: unknown[] = [];
  const console = { log: (value: unknown) => printed.push(value) };
  const values = names.map((n) => (ndarray as Record<string, unknown>)[n]);
  new Function("console", ...names, body)(console, ...values);
  return printed;
}

describe.each(["../README.md", "../../../README.md"])("example in %s", (path) => {
  it("runs and prints the documented values", () => {
    const [text, sums, shape, argmax] = runExample(path);
    expect(text).toMatch(/^array\(\[\[/);
    expect(text).toContain("dtype=float32");
    expect(sums).toEqual([21.5, 42.5, 63.5]);
    expect(shape).toEqual([2, 2]);
    expect(argmax).toEqual([2, 2]);
  });
});
