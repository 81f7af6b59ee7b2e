// The README's example must run as written and print what its comments say.
import * as ndarray from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import { runExample } from "../../../test-support/run-example";
import * as nn from "../src/index";

describe("the README example", () => {
  it("runs and prints the documented values", () => {
    const [loss, names, gradShape, savedNames] = runExample(
      new URL("../README.md", import.meta.url),
      {
        "@zerograd/ndarray": ndarray,
        "@zerograd/nn": nn,
      },
    );
    expect(loss).toBeCloseTo(1.2035, 4);
    const expectedNames = ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"];
    expect(names).toEqual(expectedNames);
    expect(gradShape).toEqual([16, 2]);
    expect(savedNames).toEqual([...expectedNames].sort());
  });
});
