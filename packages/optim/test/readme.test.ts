// The README example must run as written and print what its comments say.
import * as autograd from "@zerograd/autograd";
import { describe, expect, it } from "vitest";
import { runExample } from "../../../test-support/run-example";
import * as optim from "../src/index";

describe("example in README.md", () => {
  it("minimises Rosenbrock's function with Adam", () => {
    const [point, loss] = runExample(new URL("../README.md", import.meta.url), {
      "@zerograd/autograd": autograd,
      "@zerograd/optim": optim,
    });
    const [x, y] = point as number[];
    expect(Math.abs((x as number) - 1)).toBeLessThan(1e-2);
    expect(Math.abs((y as number) - 1)).toBeLessThan(1e-2);
    expect(loss).toBeLessThan(1e-5);
  });
});
