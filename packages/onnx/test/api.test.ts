import { describe, expect, it } from "vitest";
import * as onnx from "../src/index";

describe("the public API", () => {
  it("exports toOnnx, decodeOnnx and OnnxExportError", () => {
    expect(Object.keys(onnx).sort()).toEqual(["OnnxExportError", "decodeOnnx", "toOnnx"]);
    for (const name of Object.keys(onnx)) {
      expect(typeof (onnx as Record<string, unknown>)[name], name).toBe("function");
    }
  });
});
