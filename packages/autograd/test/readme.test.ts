// The README example must run as written and print what its comments say.
import * as ndarray from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import { runExample } from "../../../test-support/run-example";
import * as autograd from "../src/index";

describe("README example", () => {
  it("runs and prints the first and second derivatives it promises", () => {
    const printed = runExample(new URL("../README.md", import.meta.url), {
      "@zerograd/ndarray": ndarray,
      "@zerograd/autograd": autograd,
    });
    expect(printed).toEqual([24, 44]);
  });
});
