// Learning-rate schedulers against PyTorch 1.13's lrs (26 epochs from lr 0.1).
import { Parameter } from "@zerograd/autograd";
import { describe, expect, it } from "vitest";
import {
  AdaGrad,
  Adam,
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  type LRLambda,
  type LRScheduler,
  type LRSchedulerTarget,
  OneCycleLR,
  type Optimizer,
  OptimizerError,
  SequentialLR,
  SGD,
  StepLR,
} from "../src/index";
import { f64, fixture, type SchedulerSpec, type Wave2SchedulerCase } from "./fixture";

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

// The generator's named lambdas (fixtures/generate_torch.py, wave2_scheduler_cases).
const LAMBDAS: Record<string, LRLambda> = {
  pow95: (e) => 0.95 ** e,
  inverse: (e) => 1 / (1 + e),
  stairs: (e) => 0.5 ** Math.floor(e / 4),
};

function build(optimizer: LRSchedulerTarget, spec: SchedulerSpec): LRScheduler {
  switch (spec.scheduler) {
    case "LambdaLR":
      return new LambdaLR(
        optimizer,
        (spec.lambdas ?? []).map((name) => LAMBDAS[name] as LRLambda),
      );
    case "SequentialLR":
      return new SequentialLR(
        optimizer,
        (spec.schedulers ?? []).map((inner) => build(optimizer, inner)),
        spec.milestones ?? [],
      );
    default: {
      const Class = { ...SCHEDULERS, LinearLR, OneCycleLR }[
        spec.scheduler
      ] as (typeof SCHEDULERS)[string];
      return new Class(optimizer, spec.options ?? {});
    }
  }
}

function makeCaseOptimizer(testCase: Wave2SchedulerCase): Optimizer<{ lr: number }> {
  const groups = Array.from({ length: testCase.groups }, (_, i) => ({
    params: [new Parameter(f64([0, 0]))],
    lr: (testCase.optimizerOptions.lr as number) / (i + 1),
  }));
  const Class = testCase.optimizer === "Adam" ? Adam : SGD;
  return new Class(groups.length === 1 ? (groups[0]?.params ?? []) : groups, {
    ...testCase.optimizerOptions,
  } as never) as unknown as Optimizer<{ lr: number }>;
}

function momentumOf(group: object): number | null {
  const g = group as { betas?: number[]; momentum?: number };
  return g.betas ? (g.betas[0] as number) : (g.momentum ?? null);
}

describe("LambdaLR, LinearLR, SequentialLR and OneCycleLR match PyTorch", () => {
  it.each(fixture.wave2Schedulers.map((c) => [c.name, c] as const))("%s", (_, testCase) => {
    const optimizer = makeCaseOptimizer(testCase);
    const scheduler = build(optimizer, testCase.spec);
    const lrs = [optimizer.paramGroups.map((g) => g.lr)];
    const momenta = [optimizer.paramGroups.map(momentumOf)];
    for (let k = 1; k < testCase.lrs.length; k++) {
      optimizer.step();
      scheduler.step();
      lrs.push(optimizer.paramGroups.map((g) => g.lr));
      momenta.push(optimizer.paramGroups.map(momentumOf));
      expect(scheduler.getLastLr()).toEqual(lrs.at(-1));
    }
    const worst = (a: (number | null)[][], b: (number | null)[][]) =>
      Math.max(...a.flatMap((row, k) => row.map((v, g) => Math.abs((v ?? 0) - (b[k]?.[g] ?? 0)))));
    expect(lrs.length).toBe(testCase.lrs.length);
    expect(worst(lrs, testCase.lrs)).toBeLessThan(1e-15);
    expect(worst(momenta, testCase.momenta)).toBeLessThan(1e-15);
  });
});

describe("LambdaLR, LinearLR, SequentialLR and OneCycleLR", () => {
  it("a warm-up + cosine SequentialLR resumes from its state dict", () => {
    const make = () => {
      const optimizer = new SGD([new Parameter(f64([0]))], { lr: 0.1 });
      const scheduler = new SequentialLR(
        optimizer,
        [
          new LinearLR(optimizer, { startFactor: 0.1, totalIters: 4 }),
          new CosineAnnealingLR(optimizer, { TMax: 10 }),
        ],
        [4],
      );
      return { optimizer, scheduler };
    };
    const reference = make();
    for (let i = 0; i < 12; i++) reference.scheduler.step();
    const first = make();
    for (let i = 0; i < 3; i++) first.scheduler.step();
    const second = make();
    second.optimizer.loadStateDict(first.optimizer.stateDict());
    second.scheduler.loadStateDict(JSON.parse(JSON.stringify(first.scheduler.stateDict())));
    for (let i = 0; i < 9; i++) second.scheduler.step();
    expect(second.scheduler.getLastLr()).toEqual(reference.scheduler.getLastLr());
    const before = JSON.stringify(second.scheduler.stateDict());
    expect(() =>
      second.scheduler.loadStateDict({ ...first.scheduler.stateDict(), schedulers: [] }),
    ).toThrow(/SequentialLR.loadStateDict: expected the state dicts of 2 schedulers/);
    expect(JSON.stringify(second.scheduler.stateDict())).toBe(before);
  });

  it("OneCycleLR refuses a step past totalSteps and changes nothing", () => {
    const optimizer = new SGD([new Parameter(f64([0]))], { lr: 0.1, momentum: 0.9 });
    const scheduler = new OneCycleLR(optimizer, { maxLr: 1, totalSteps: 3 });
    for (let i = 0; i < 3; i++) scheduler.step();
    const lr = optimizer.paramGroups[0]?.lr;
    expect(() => scheduler.step()).toThrow(OptimizerError);
    expect(() => scheduler.step()).toThrow(/OneCycleLR: tried to step 5 times; totalSteps is 3/);
    expect(optimizer.paramGroups[0]?.lr).toBe(lr);
    expect(scheduler.lastEpoch).toBe(3);
  });

  const sgd = () => new SGD([new Parameter(f64([0]))], { lr: 0.1 });
  const otherSgd = sgd();
  it.each([
    [
      "LambdaLR with a number",
      () => new LambdaLR(sgd(), 0.5 as never),
      /LambdaLR: lrLambda must be a function or an array of 1 functions/,
    ],
    [
      "LambdaLR with two lambdas for one group",
      () => new LambdaLR(sgd(), [() => 1, () => 1]),
      /array of 1 functions \(one per param group\)/,
    ],
    [
      "LinearLR startFactor 0",
      () => new LinearLR(sgd(), { startFactor: 0 }),
      /LinearLR: startFactor must be in \(0, 1\], got 0/,
    ],
    [
      "LinearLR endFactor 2",
      () => new LinearLR(sgd(), { endFactor: 2 }),
      /LinearLR: endFactor must be in \[0, 1\], got 2/,
    ],
    [
      "LinearLR totalIters 0",
      () => new LinearLR(sgd(), { totalIters: 0 }),
      /totalIters must be a positive integer, got 0/,
    ],
    [
      "SequentialLR with another optimizer's scheduler",
      () => {
        const optimizer = sgd();
        return new SequentialLR(
          optimizer,
          [new StepLR(optimizer, { stepSize: 1 }), new StepLR(otherSgd, { stepSize: 1 })],
          [2],
        );
      },
      /SequentialLR: every scheduler must belong to the optimizer passed in, but the one at index 1 does not/,
    ],
    [
      "SequentialLR with too many milestones",
      () => {
        const optimizer = sgd();
        return new SequentialLR(optimizer, [new StepLR(optimizer, { stepSize: 1 })], [2]);
      },
      /SequentialLR: milestones must be 0 increasing positive integers/,
    ],
    [
      "OneCycleLR without a step count",
      () => new OneCycleLR(sgd(), { maxLr: 1 }),
      /OneCycleLR: give either totalSteps or epochs and stepsPerEpoch/,
    ],
    [
      "OneCycleLR totalSteps 2.5",
      () => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 2.5 }),
      /OneCycleLR: totalSteps must be a positive integer, got 2.5/,
    ],
    [
      "OneCycleLR pctStart 1.5",
      () => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 5, pctStart: 1.5 }),
      /pctStart must be in \[0, 1\], got 1.5/,
    ],
    [
      "OneCycleLR annealStrategy 'exp'",
      () => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 5, annealStrategy: "exp" as never }),
      /annealStrategy must be 'cos' or 'linear', got/,
    ],
    [
      "OneCycleLR two maxLrs for one group",
      () => new OneCycleLR(sgd(), { maxLr: [1, 2], totalSteps: 5 }),
      /OneCycleLR: maxLr must be a finite number or 1 of them/,
    ],
    [
      "OneCycleLR cycling momentum of AdaGrad",
      () => new OneCycleLR(new AdaGrad([new Parameter(f64([0]))]), { maxLr: 1, totalSteps: 5 }),
      /OneCycleLR: cycleMomentum needs an optimizer with momentum or betas/,
    ],
  ] as const)("%s is an OptimizerError", (_, make, message) => {
    expect(make).toThrow(OptimizerError);
    expect(make).toThrow(message);
  });
});
