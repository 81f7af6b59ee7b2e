// The README examples must run as written and print what their comments say.
import { describe, expect, it } from "vitest";
import { runExample } from "../../../test-support/run-example";
import * as ndarray from "../src/index";

describe.each(["../README.md", "../../../README.md"])("example in %s", (path) => {
  it("runs and prints the documented values", () => {
    const [text, sums, shape, argmax] = runExample(new URL(path, import.meta.url), {
      "@zerograd/ndarray": ndarray,
    });
    expect(text).toMatch(/^array\(\[\[/);
    expect(text).toContain("dtype=float32");
    expect(sums).toEqual([21.5, 42.5, 63.5]);
    expect(shape).toEqual([2, 2]);
    expect(argmax).toEqual([2, 2]);
  });
});
