// Learning-rate schedulers against PyTorch 1.13's lrs (26 epochs from lr 0.1).
import { Parameter } from "@zerograd/autograd";
import { describe, expect, it } from "vitest";
import {
  Adam,
  CosineAnnealingLR,
  ExponentialLR,
  type LRScheduler,
  type LRSchedulerTarget,
  OptimizerError,
  SGD,
  StepLR,
} from "../src/index";
import { f64, fixture } from "./fixture";

const SCHEDULERS = { StepLR, ExponentialLR, CosineAnnealingLR } as unknown as Record<
  string,
  new (
    optimizer: LRSchedulerTarget,
    options: object,
  ) => LRScheduler
>;

describe("schedulers match PyTorch", () => {
  it.each(fixture.schedulers.map((c) => [c.name, c] as const))("%s", (_, testCase) => {
    const optimizer = new SGD([new Parameter(f64([0, 0]))], testCase.optimizerOptions);
    const Scheduler = SCHEDULERS[testCase.scheduler] as (typeof SCHEDULERS)[string];
    const scheduler = new Scheduler(optimizer, testCase.options);
    const lrs = [optimizer.paramGroups[0]?.lr];
    expect(scheduler.getLastLr()).toEqual([0.1]);
    for (let epoch = 1; epoch < testCase.lrs.length; epoch++) {
      optimizer.step(); // no grads: nothing to update
      scheduler.step();
      lrs.push(optimizer.paramGroups[0]?.lr);
      expect(scheduler.getLastLr()).toEqual([lrs.at(-1)]);
      expect(scheduler.lastEpoch).toBe(epoch);
    }
    lrs.forEach((lr, i) => {
      expect(Math.abs((lr as number) - (testCase.lrs[i] as number))).toBeLessThan(1e-15);
    });
  });

  it("CosineAnnealingLR follows the closed form within TMax and comes back up after it", () => {
    const optimizer = new SGD([new Parameter(f64([0]))], { lr: 1 });
    const scheduler = new CosineAnnealingLR(optimizer, { TMax: 4 });
    const lrs = [scheduler.getLastLr()[0]];
    for (let e = 1; e <= 8; e++) {
      scheduler.step();
      lrs.push(scheduler.getLastLr()[0]);
    }
    for (let e = 0; e <= 4; e++) {
      expect(lrs[e]).toBeCloseTo((1 + Math.cos((Math.PI * e) / 4)) / 2, 14);
    }
    expect(lrs[4]).toBeCloseTo(0, 14);
    expect(lrs[8]).toBeCloseTo(1, 14);
  });
});

describe("schedulers", () => {
  it("scale every group from its own initial lr", () => {
    const optimizer = new Adam([
      { params: [new Parameter(f64([0]))], lr: 0.1 },
      { params: [new Parameter(f64([0]))], lr: 0.01 },
    ]);
    const scheduler = new StepLR(optimizer, { stepSize: 2 });
    expect(scheduler.baseLrs).toEqual([0.1, 0.01]);
    scheduler.step();
    scheduler.step();
    expect(scheduler.getLastLr()).toEqual([0.1 * 0.1, 0.01 * 0.1]);
    expect(optimizer.paramGroups.map((g) => g.lr)).toEqual([0.1 * 0.1, 0.01 * 0.1]);
  });

  it("resume from a state dict", () => {
    const make = () => {
      const optimizer = new SGD([new Parameter(f64([0]))], { lr: 0.1 });
      return { optimizer, scheduler: new CosineAnnealingLR(optimizer, { TMax: 5, etaMin: 0.01 }) };
    };
    const reference = make();
    for (let i = 0; i < 12; i++) reference.scheduler.step();
    const first = make();
    for (let i = 0; i < 7; i++) first.scheduler.step();
    const second = make();
    second.optimizer.loadStateDict(first.optimizer.stateDict());
    second.scheduler.loadStateDict(JSON.parse(JSON.stringify(first.scheduler.stateDict())));
    for (let i = 0; i < 5; i++) second.scheduler.step();
    expect(second.scheduler.getLastLr()).toEqual(reference.scheduler.getLastLr());
    expect(second.scheduler.lastEpoch).toBe(12);
    expect(() =>
      second.scheduler.loadStateDict({ lastEpoch: 1.5, baseLrs: [], lastLr: [] }),
    ).toThrow(/CosineAnnealingLR.loadStateDict: expected/);
  });

  const optimizer = () => new SGD([new Parameter(f64([0]))], { lr: 0.1 });
  it.each([
    [
      "StepLR stepSize 0",
      () => new StepLR(optimizer(), { stepSize: 0 }),
      /StepLR: stepSize must be a positive integer, got 0/,
    ],
    [
      "StepLR stepSize 1.5",
      () => new StepLR(optimizer(), { stepSize: 1.5 }),
      /stepSize must be a positive integer, got 1.5/,
    ],
    [
      "ExponentialLR without gamma",
      () => new ExponentialLR(optimizer(), {} as { gamma: number }),
      /ExponentialLR: gamma must be a finite number, got undefined/,
    ],
    [
      "CosineAnnealingLR TMax 0",
      () => new CosineAnnealingLR(optimizer(), { TMax: 0 }),
      /CosineAnnealingLR: TMax must be a number > 0, got 0/,
    ],
    [
      "not an optimizer",
      () => new StepLR({} as LRSchedulerTarget, { stepSize: 1 }),
      /StepLR: expected an optimizer/,
    ],
  ] as const)("%s is an OptimizerError", (_, make, message) => {
    expect(make).toThrow(OptimizerError);
    expect(make).toThrow(message);
  });
});
