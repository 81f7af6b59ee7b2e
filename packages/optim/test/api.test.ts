import { describe, expect, it } from "vitest";
import * as optim from "../src/index";

describe("the public API", () => {
  it("exports every name DESIGN.md lists for @zerograd/optim, and the wave 2 schedulers", () => {
    const classes = [
      "Optimizer",
      "SGD",
      "Adam",
      "AdamW",
      "AdaGrad",
      "RMSprop",
      "AdaDelta",
      "OptimizerError",
      "LRScheduler",
      "StepLR",
      "ExponentialLR",
      "CosineAnnealingLR",
      "LambdaLR",
      "LinearLR",
      "SequentialLR",
      "OneCycleLR",
    ];
    const functions = ["clipGradNorm", "clipGradValue"];
    const exported = optim as Record<string, unknown>;
    for (const name of [...classes, ...functions]) {
      expect(typeof exported[name], name).toBe("function");
    }
    expect(Object.keys(optim).sort()).toEqual([...classes, ...functions].sort());
  });
});
