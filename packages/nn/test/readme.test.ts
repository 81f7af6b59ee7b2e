// The README's examples must run as written and print what their comments say.
import { readFileSync } from "node:fs";
import * as ndarray from "@zerograd/ndarray";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { runExample } from "../../../test-support/run-example";
import * as nn from "../src/index";

const readme = new URL("../README.md", import.meta.url);

/**
 * Runs the first ts block under `heading` in the README: its named imports come from
 * `modules`, `globals` are in scope, TypeScript is stripped by the compiler. Returns what it
 * passed to `console.log`.
 */
function runSection(
  heading: string,
  modules: Record<string, Record<string, unknown>>,
  globals: Record<string, unknown>,
): unknown[] {
  const text = readFileSync(readme, "utf8");
  const section = text.slice(text.indexOf(`\n${heading}\n`));
  let body = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!body || !section.startsWith(`\n${heading}`)) throw new Error(`no ts block under ${heading}`);
  const names: string[] = [];
  const values: unknown[] = [];
  for (const [statement, list, from] of body.matchAll(/import \{([^}]*)\} from "([^"]+)";\n/g)) {
    const module = modules[from as string];
    if (!module) throw new Error(`the block imports ${from}, which the test does not provide`);
    for (const name of (list as string).split(",").map((s) => s.trim())) {
      if (name === "" || name.startsWith("type ")) continue;
      names.push(name);
      values.push(module[name]);
    }
    body = body.replace(statement, "");
  }
  const javascript = ts.transpileModule(body, {
    compilerOptions: { target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const printed: unknown[] = [];
  const console = { log: (value: unknown) => printed.push(value) };
  new Function("console", ...Object.keys(globals), ...names, javascript)(
    console,
    ...Object.values(globals),
    ...values,
  );
  return printed;
}

describe("the README example", () => {
  it("runs and prints the documented values", () => {
    const [loss, names, gradShape, savedNames] = runExample(readme, {
      "@zerograd/ndarray": ndarray,
      "@zerograd/nn": nn,
    });
    expect(loss).toBeCloseTo(1.2035, 4);
    const expectedNames = ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"];
    expect(names).toEqual(expectedNames);
    expect(gradShape).toEqual([16, 2]);
    expect(savedNames).toEqual([...expectedNames].sort());
  });

  it("moves an nn.Sequential state dict into Sequential and MLP and back, as shown", () => {
    // What PyTorch writes for nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 3)).
    const rng = new ndarray.Random(3);
    const torchDict: nn.StateDict = {
      "0.weight": rng.normal(0, 1, [4, 2]),
      "0.bias": rng.normal(0, 1, [4]),
      "2.weight": rng.normal(0, 1, [3, 4]),
      "2.bias": rng.normal(0, 1, [3]),
    };
    const bytes = nn.toSafetensors(torchDict);
    const [seqKeys, mlpKeys] = runSection(
      "## Moving weights to and from PyTorch",
      { "@zerograd/nn": nn },
      { bytes },
    );
    expect(seqKeys).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
    expect(mlpKeys).toEqual(seqKeys);
  });
});
