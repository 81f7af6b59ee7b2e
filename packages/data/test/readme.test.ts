// The README example must run as written and print what its comments say.
import * as ndarray from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import { runExample } from "../../../test-support/run-example";
import * as data from "../src/index";

describe("README example", () => {
  it("runs and prints the batch count and the first batch's shapes", () => {
    const printed = runExample(new URL("../README.md", import.meta.url), {
      "@zerograd/ndarray": ndarray,
      "@zerograd/data": data,
    });
    expect(printed).toEqual([10, [[32, 2], [32]]]);
  });
});
