// Every optimizer and option set of the PyTorch 1.13 fixture, replayed for 20 steps in float64:
// the loss before each step and the parameters after it must equal PyTorch's.
import { afterAll, describe, expect, it } from "vitest";
import { fixture, makeOptimizer, maxAbsDiff, objective, run } from "./fixture";

const TOLERANCE = 1e-6;
const worst = new Map<string, number>();

afterAll(() => {
  const lines = [...worst].map(([name, err]) => `${name}: ${err.toExponential(2)}`);
  console.info(`max abs error vs PyTorch ${fixture.torchVersion}: ${lines.join(", ")}`);
});

describe("trajectories match PyTorch", () => {
  it("covers every optimizer, 20 steps each", () => {
    expect(fixture.steps).toBe(20);
    expect(new Set(fixture.optimizers.map((c) => c.optimizer))).toEqual(
      new Set(["SGD", "Adam", "AdamW", "AdaGrad", "RMSprop", "AdaDelta"]),
    );
  });

  it.each(fixture.optimizers.map((c) => [c.name, c] as const))("%s", (_name, testCase) => {
    const { params, loss } = objective(testCase.objective);
    const optimizer = makeOptimizer(testCase, params);
    // The hyperparameters PyTorch resolved (defaults included) are ours too.
    optimizer.paramGroups.forEach((group, g) => {
      const { params: names, ...resolved } = testCase.resolvedParamGroups[g] as {
        params: string[];
      };
      expect(group.params.map((p) => p.name)).toEqual(names);
      expect(group).toMatchObject(resolved);
    });
    const ours = run(optimizer, params, loss, fixture.steps);
    let err = 0;
    ours.losses.forEach((value, i) => {
      err = Math.max(err, Math.abs(value - (testCase.losses[i] as number)));
    });
    for (const name of Object.keys(params)) {
      expect(ours.params[name]).toHaveLength(fixture.steps);
      ours.params[name]?.forEach((value, i) => {
        err = Math.max(err, maxAbsDiff(value, testCase.params[name]?.[i] ?? Number.NaN));
      });
    }
    err = Math.max(err, Math.abs(loss().item() - testCase.finalLoss));
    worst.set(testCase.optimizer, Math.max(worst.get(testCase.optimizer) ?? 0, err));
    expect(err).toBeLessThan(TOLERANCE);
  });
});
