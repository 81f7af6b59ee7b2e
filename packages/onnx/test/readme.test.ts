// The README's two examples must run as written (the second is async: onnxruntime).
import { readFileSync } from "node:fs";
import * as ndarray from "@zerograd/ndarray";
import * as nn from "@zerograd/nn";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import * as onnx from "../src/index";

const MODULES: Record<string, Record<string, unknown>> = {
  "@zerograd/ndarray": ndarray,
  "@zerograd/nn": nn,
  "@zerograd/onnx": onnx,
  "onnxruntime-node": ort,
};

/** Runs the README's ts blocks in one async scope; returns what they printed. */
async function runReadme(): Promise<unknown[]> {
  const text = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  let body = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).join("\n");
  const names: string[] = [];
  const values: unknown[] = [];
  for (const [statement, list, from] of body.matchAll(/import \{([^}]*)\} from "([^"]+)";\n/g)) {
    for (const name of (list as string).split(",").map((s) => s.trim())) {
      names.push(name);
      values.push(MODULES[from as string]?.[name]);
    }
    body = body.replace(statement, "");
  }
  for (const [statement, alias, from] of body.matchAll(/import \* as (\w+) from "([^"]+)";\n/g)) {
    names.push(alias as string);
    values.push(MODULES[from as string]);
    body = body.replace(statement, "");
  }
  const printed: unknown[] = [];
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
  await new AsyncFunction("console", ...names, body)(
    { log: (v: unknown) => printed.push(v) },
    ...values,
  );
  return printed;
}

describe("README.md", () => {
  it("exports the mnist MLP and runs it in onnxruntime on another batch size", async () => {
    const [ops, initializers, dims, outputDims] = await runReadme();
    expect(ops).toEqual(["Gemm", "Relu", "Gemm", "Identity"]);
    expect(initializers).toEqual([
      "layers.0.weight",
      "layers.0.bias",
      "layers.1.weight",
      "layers.1.bias",
    ]);
    expect(dims).toEqual([{ dimParam: "batch" }, { dimValue: 784 }]);
    expect(outputDims).toEqual([5, 10]);
  });
});
