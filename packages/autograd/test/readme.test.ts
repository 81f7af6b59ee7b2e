// The README example must run as written and print what its comments say.
import { readFileSync } from "node:fs";
import * as ndarray from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import * as autograd from "../src/index";

const modules: Record<string, Record<string, unknown>> = {
  "@zerograd/ndarray": ndarray,
  "@zerograd/autograd": autograd,
};

/** Runs the first ts block of a markdown file, resolving its imports, and returns what it logs. */
function runExample(path: string): unknown[] {
  const text = readFileSync(new URL(path, import.meta.url), "utf8");
  let body = /```ts\n([\s\S]*?)```/.exec(text)?.[1];
  if (!body) throw new Error(`no ts example in ${path}`);
  const names: string[] = [];
  const values: unknown[] = [];
  for (const [statement, list, from] of body.matchAll(/import \{([^}]*)\} from "([^"]+)";\n/g)) {
    const module = modules[from as string];
    if (!module) throw new Error(`the example imports ${from}, which this test does not provide`);
    for (const name of (list as string).split(",").map((s) => s.trim())) {
      names.push(name);
      values.push(module[name]);
    }
    body = body.replace(statement, "");
  }
  // Type annotations are the only TypeScript in the example: `as Variable`.
  const javascript = body.replace(/ as \w+/g, "");
  const printed: unknown[] = [];
  const console = { log: (value: unknown) => printed.push(value) };
  new Function("console", ...names, javascript)(console, ...values);
  return printed;
}

describe("README example", () => {
  it("runs and prints the first and second derivatives it promises", () => {
    expect(runExample("../README.md")).toEqual([24, 44]);
  });
});
