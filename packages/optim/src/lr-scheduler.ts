import { OptimizerError } from "./errors";
import { describe } from "./optimizer";

/**
 * What a scheduler needs of an optimizer: parameter groups whose `lr` it may set (OneCycleLR also
 * sets a group's `momentum`, or the first of its `betas`).
 */
export interface LRSchedulerTarget {
  readonly paramGroups: readonly { lr: number }[];
}

/**
 * Every optimizer's initial lrs, PyTorch's `group["initial_lr"]` (set by the first scheduler made
 * on the optimizer, kept by later ones): a second scheduler on the same optimizer, as in a
 * SequentialLR, starts from the lr the optimizer was made with, not from the one the first
 * scheduler already set. Kept beside the optimizer so its groups and state dict stay as they are.
 */
const initialLrs = new WeakMap<LRSchedulerTarget, number[]>();

/** A scheduler's `stateDict()`: its epoch counter, the initial lrs and the lrs it last set. */
export interface LRSchedulerStateDict {
  lastEpoch: number;
  baseLrs: number[];
  lastLr: number[];
}

/**
 * Base of the learning-rate schedulers, PyTorch's `LRScheduler`: it remembers every group's
 * initial lr (`baseLrs`), and each `step()` advances `lastEpoch` and writes the new lr into the
 * optimizer's groups. Construction performs the first step (epoch 0), as in PyTorch, so call
 * `scheduler.step()` after `optimizer.step()`, once per epoch.
 */
export abstract class LRScheduler {
  /** The optimizer whose groups' lr this scheduler sets. */
  readonly optimizer: LRSchedulerTarget;
  /** Each group's lr when the scheduler was made. */
  baseLrs: number[];
  /** How many times `step()` ran, minus one (0 after construction). */
  lastEpoch = -1;
  protected lastLr: number[];

  protected constructor(
    /** The class name that error messages start with. */
    protected readonly className: string,
    optimizer: LRSchedulerTarget,
  ) {
    if (
      typeof optimizer !== "object" ||
      optimizer === null ||
      !Array.isArray(optimizer.paramGroups) ||
      !optimizer.paramGroups.every((group) => typeof group?.lr === "number")
    ) {
      throw new OptimizerError(
        `${className}: expected an optimizer (an object with paramGroups that have lr), got ${describe(optimizer)}`,
      );
    }
    this.optimizer = optimizer;
    const known = initialLrs.get(optimizer) ?? [];
    this.baseLrs = optimizer.paramGroups.map((group, i) => known[i] ?? group.lr);
    initialLrs.set(optimizer, [...this.baseLrs]);
    this.lastLr = optimizer.paramGroups.map((group) => group.lr);
  }

  /** Advances one epoch and sets every group's lr to the schedule's value for it. */
  step(): void {
    this.lastEpoch += 1;
    this.setLrs(
      this.optimizer.paramGroups.map((group, i) =>
        this.nextLr(group.lr, this.baseLrs[i] ?? group.lr, i),
      ),
    );
  }

  /** Writes `lrs` into the optimizer's groups and remembers them as the last lrs. */
  protected setLrs(lrs: number[]): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      (group as { lr: number }).lr = lrs[i] as number;
    });
    this.lastLr = lrs;
  }

  /**
   * Jumps to `epoch` and sets the schedule's closed-form lr for it, PyTorch's `step(epoch)`
   * (which SequentialLR uses to restart a scheduler at 0 at its milestone).
   */
  protected static restartAt(scheduler: LRScheduler, epoch: number): void {
    scheduler.lastEpoch = epoch;
    scheduler.setLrs(
      scheduler.optimizer.paramGroups.map((group, i) =>
        scheduler.closedFormLr(scheduler.baseLrs[i] ?? group.lr, i, group.lr),
      ),
    );
  }

  /** The lr of every group as this scheduler last set it (PyTorch's `get_last_lr()`). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** A snapshot: epoch counter, initial lrs and last lrs. */
  stateDict(): LRSchedulerStateDict {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs], lastLr: [...this.lastLr] };
  }

  /**
   * Restores `stateDict()`'s output, so the schedule continues where it was (the optimizer's
   * lrs come from the optimizer's own state dict). Throws OptimizerError, changing nothing, for
   * a malformed dict.
   */
  loadStateDict(dict: LRSchedulerStateDict): void {
    const numbers = (x: unknown) =>
      Array.isArray(x) && x.every((v) => typeof v === "number" && Number.isFinite(v));
    if (
      typeof dict !== "object" ||
      dict === null ||
      !Number.isInteger(dict.lastEpoch) ||
      !numbers(dict.baseLrs) ||
      !numbers(dict.lastLr)
    ) {
      throw new OptimizerError(
        `${this.className}.loadStateDict: expected { lastEpoch: integer, baseLrs: number[], lastLr: number[] }`,
      );
    }
    this.lastEpoch = dict.lastEpoch;
    this.baseLrs = [...dict.baseLrs];
    this.lastLr = [...dict.lastLr];
  }

  /**
   * The lr for epoch `lastEpoch` (already advanced) from the group's current lr and its initial
   * lr: PyTorch's chainable `get_lr`, so schedulers compose with manual lr changes as there.
   */
  protected abstract nextLr(lr: number, baseLr: number, groupIndex: number): number;

  /**
   * The lr at epoch `lastEpoch` from the initial lr alone (PyTorch's `_get_closed_form_lr`); a
   * schedule without one (OneCycleLR, as in PyTorch) falls back to `nextLr`.
   */
  protected closedFormLr(baseLr: number, groupIndex: number, lr: number): number {
    return this.nextLr(lr, baseLr, groupIndex);
  }
}

/** Throws OptimizerError `owner: name must be rule, got value` unless `value` is a number and `ok`. */
export function checkNumber(
  owner: string,
  name: string,
  value: unknown,
  rule: string,
  ok: boolean,
): void {
  if (typeof value !== "number" || !ok) {
    throw new OptimizerError(`${owner}: ${name} must be ${rule}, got ${describe(value)}`);
  }
}

/** Options of `StepLR`. */
export interface StepLROptions {
  /** Decay every `stepSize` epochs (a positive integer). */
  stepSize: number;
  /** Multiplicative factor (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies every group's lr by `gamma` every `stepSize` epochs, PyTorch's `StepLR`: at epoch
 * e the lr is baseLr · gamma^⌊e / stepSize⌋. Throws OptimizerError for a stepSize that is not a
 * positive integer or a non-finite gamma.
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: LRSchedulerTarget, options: StepLROptions) {
    super("StepLR", optimizer);
    const { stepSize, gamma = 0.1 } = options ?? {};
    checkNumber(
      "StepLR",
      "stepSize",
      stepSize,
      "a positive integer",
      Number.isInteger(stepSize) && stepSize > 0,
    );
    checkNumber("StepLR", "gamma", gamma, "a finite number", Number.isFinite(gamma));
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.step();
  }

  protected nextLr(lr: number): number {
    return this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0 ? lr : lr * this.gamma;
  }

  protected override closedFormLr(baseLr: number): number {
    return baseLr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize);
  }
}

/** Options of `ExponentialLR`. */
export interface ExponentialLROptions {
  /** Multiplicative factor per epoch. */
  gamma: number;
}

/**
 * Multiplies every group's lr by `gamma` every epoch, PyTorch's `ExponentialLR`: baseLr · gamma^e.
 * Throws OptimizerError for a non-finite gamma.
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: LRSchedulerTarget, options: ExponentialLROptions) {
    super("ExponentialLR", optimizer);
    const gamma = options?.gamma;
    checkNumber("ExponentialLR", "gamma", gamma, "a finite number", Number.isFinite(gamma));
    this.gamma = gamma;
    this.step();
  }

  protected nextLr(lr: number): number {
    return this.lastEpoch === 0 ? lr : lr * this.gamma;
  }

  protected override closedFormLr(baseLr: number): number {
    return baseLr * this.gamma ** this.lastEpoch;
  }
}

/** Options of `CosineAnnealingLR`. */
export interface CosineAnnealingLROptions {
  /** Epochs from the initial lr down to `etaMin` (half a cosine period), > 0. */
  TMax: number;
  /** The smallest lr (default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing, PyTorch's `CosineAnnealingLR`: over `TMax` epochs the lr falls from baseLr to
 * etaMin as etaMin + (baseLr − etaMin) · (1 + cos(π e / TMax)) / 2, then rises again (the cosine
 * continues). Like PyTorch it updates recursively from the current lr, which equals the closed
 * form up to rounding when nothing else changes the lr. Throws OptimizerError for TMax <= 0 or a
 * non-finite etaMin.
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly TMax: number;
  readonly etaMin: number;

  constructor(optimizer: LRSchedulerTarget, options: CosineAnnealingLROptions) {
    super("CosineAnnealingLR", optimizer);
    const { TMax, etaMin = 0 } = options ?? {};
    checkNumber(
      "CosineAnnealingLR",
      "TMax",
      TMax,
      "a number > 0",
      TMax > 0 && Number.isFinite(TMax),
    );
    checkNumber("CosineAnnealingLR", "etaMin", etaMin, "a finite number", Number.isFinite(etaMin));
    this.TMax = TMax;
    this.etaMin = etaMin;
    this.step();
  }

  protected nextLr(lr: number, baseLr: number): number {
    const { lastEpoch: epoch, TMax, etaMin } = this;
    if (epoch === 0) return lr;
    const period = 2 * TMax;
    // Python's modulo (never negative): the epochs where the cosine turns back up.
    if ((((epoch - 1 - TMax) % period) + period) % period === 0) {
      return lr + ((baseLr - etaMin) * (1 - Math.cos(Math.PI / TMax))) / 2;
    }
    return (
      ((1 + Math.cos((Math.PI * epoch) / TMax)) / (1 + Math.cos((Math.PI * (epoch - 1)) / TMax))) *
        (lr - etaMin) +
      etaMin
    );
  }

  protected override closedFormLr(baseLr: number): number {
    const { lastEpoch: epoch, TMax, etaMin } = this;
    return etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * epoch) / TMax))) / 2;
  }
}

/** An lr multiplier as a function of the epoch, for `LambdaLR`. */
export type LRLambda = (epoch: number) => number;

/**
 * Sets every group's lr to its initial lr times `lrLambda(epoch)`, PyTorch's `LambdaLR`. Give one
 * function for every group or an array with one per group. The functions are not part of
 * `stateDict()` (as in PyTorch, which saves only callable objects): pass the same ones again
 * when resuming. Throws OptimizerError when `lrLambda` is not a function or an array of one
 * function per group.
 */
export class LambdaLR extends LRScheduler {
  /** One multiplier function per param group. */
  readonly lrLambdas: readonly LRLambda[];

  constructor(optimizer: LRSchedulerTarget, lrLambda: LRLambda | readonly LRLambda[]) {
    super("LambdaLR", optimizer);
    const groups = this.optimizer.paramGroups.length;
    const lambdas = typeof lrLambda === "function" ? Array(groups).fill(lrLambda) : lrLambda;
    if (
      !Array.isArray(lambdas) ||
      lambdas.length !== groups ||
      !lambdas.every((f) => typeof f === "function")
    ) {
      throw new OptimizerError(
        `LambdaLR: lrLambda must be a function or an array of ${groups} functions (one per param group), got ${describe(lrLambda)}`,
      );
    }
    this.lrLambdas = [...lambdas];
    this.step();
  }

  protected nextLr(_lr: number, baseLr: number, groupIndex: number): number {
    return baseLr * (this.lrLambdas[groupIndex] as LRLambda)(this.lastEpoch);
  }
}

/** Options of `LinearLR`. */
export interface LinearLROptions {
  /** The multiplier at epoch 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** The multiplier from epoch `totalIters` on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Epochs over which the multiplier moves from startFactor to endFactor (default 5). */
  totalIters?: number;
}

/**
 * Scales the lr by a factor that moves linearly from `startFactor` to `endFactor` over
 * `totalIters` epochs and then stays, PyTorch's `LinearLR` (the usual warm-up): at epoch e the lr
 * is baseLr · (startFactor + (endFactor − startFactor) · min(e, totalIters) / totalIters). Like
 * PyTorch it updates recursively from the current lr. Throws OptimizerError for a startFactor
 * outside (0, 1], an endFactor outside [0, 1] or a totalIters that is not a positive integer.
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: LRSchedulerTarget, options: LinearLROptions = {}) {
    super("LinearLR", optimizer);
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = options ?? {};
    checkNumber(
      "LinearLR",
      "startFactor",
      startFactor,
      "in (0, 1]",
      startFactor > 0 && startFactor <= 1,
    );
    checkNumber("LinearLR", "endFactor", endFactor, "in [0, 1]", endFactor >= 0 && endFactor <= 1);
    checkNumber(
      "LinearLR",
      "totalIters",
      totalIters,
      "a positive integer",
      Number.isInteger(totalIters) && totalIters > 0,
    );
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.step();
  }

  protected nextLr(lr: number): number {
    const { lastEpoch: epoch, startFactor, endFactor, totalIters } = this;
    if (epoch === 0) return lr * startFactor;
    if (epoch > totalIters) return lr;
    const slope = endFactor - startFactor;
    return lr * (1 + slope / (totalIters * startFactor + (epoch - 1) * slope));
  }

  protected override closedFormLr(baseLr: number): number {
    const { lastEpoch: epoch, startFactor, endFactor, totalIters } = this;
    return (
      baseLr *
      (startFactor + ((endFactor - startFactor) * Math.min(totalIters, epoch)) / totalIters)
    );
  }
}

/** `SequentialLR.stateDict()`: its own counters and every wrapped scheduler's state dict. */
export interface SequentialLRStateDict extends LRSchedulerStateDict {
  schedulers: LRSchedulerStateDict[];
}

/**
 * Runs `schedulers` one after another, PyTorch's `SequentialLR`: scheduler i drives the lr from
 * epoch `milestones[i - 1]` on, restarted there at its own epoch 0 (from the optimizer's
 * initial lr). Construction resets the lr to the initial lr and undoes the first step the wrapped
 * schedulers took when they were made, so build them just before it. Warm-up then cosine:
 * `new SequentialLR(opt, [new LinearLR(opt, {startFactor: 0.1, totalIters: 5}), new
 * CosineAnnealingLR(opt, {TMax: 95})], [5])`. Throws OptimizerError when a scheduler belongs to
 * another optimizer, or when milestones are not `schedulers.length − 1` increasing positive
 * integers.
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: readonly LRScheduler[];
  readonly milestones: readonly number[];

  constructor(
    optimizer: LRSchedulerTarget,
    schedulers: readonly LRScheduler[],
    milestones: readonly number[],
  ) {
    super("SequentialLR", optimizer);
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      throw new OptimizerError(
        `SequentialLR: schedulers must be a non-empty array of schedulers, got ${describe(schedulers)}`,
      );
    }
    schedulers.forEach((scheduler, i) => {
      if (!(scheduler instanceof LRScheduler) || scheduler.optimizer !== optimizer) {
        throw new OptimizerError(
          `SequentialLR: every scheduler must belong to the optimizer passed in, but the one at index ${i} does not`,
        );
      }
    });
    if (
      !Array.isArray(milestones) ||
      milestones.length !== schedulers.length - 1 ||
      !milestones.every(
        (m, i) => Number.isInteger(m) && m > 0 && (i === 0 || m > (milestones[i - 1] as number)),
      )
    ) {
      throw new OptimizerError(
        `SequentialLR: milestones must be ${schedulers.length - 1} increasing positive integers (one fewer than the ${schedulers.length} schedulers), got ${describe(milestones)}`,
      );
    }
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = 0;
    this.optimizer.paramGroups.forEach((group, i) => {
      (group as { lr: number }).lr = this.baseLrs[i] as number;
    });
    for (const scheduler of this.schedulers) scheduler.lastEpoch -= 1;
    const first = this.schedulers[0] as LRScheduler;
    first.step();
    this.lastLr = first.getLastLr();
  }

  /** Advances one epoch, stepping (or, at a milestone, restarting) the scheduler in charge. */
  override step(): void {
    this.lastEpoch += 1;
    const index = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this.schedulers[index] as LRScheduler;
    if (index > 0 && this.milestones[index - 1] === this.lastEpoch) {
      LRScheduler.restartAt(scheduler, 0);
    } else {
      scheduler.step();
    }
    this.lastLr = scheduler.getLastLr();
  }

  /** Its epoch counter and lrs plus every wrapped scheduler's `stateDict()`. */
  override stateDict(): SequentialLRStateDict {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /**
   * Restores `stateDict()`'s output into this scheduler and the wrapped ones. Throws
   * OptimizerError, changing nothing, for a malformed dict or one with a different number of
   * schedulers.
   */
  override loadStateDict(dict: SequentialLRStateDict): void {
    if (
      typeof dict !== "object" ||
      dict === null ||
      !Array.isArray(dict.schedulers) ||
      dict.schedulers.length !== this.schedulers.length
    ) {
      throw new OptimizerError(
        `SequentialLR.loadStateDict: expected the state dicts of ${this.schedulers.length} schedulers in schedulers`,
      );
    }
    const before = [super.stateDict(), ...this.schedulers.map((s) => s.stateDict())];
    try {
      super.loadStateDict(dict);
      dict.schedulers.forEach((state, i) => {
        this.schedulers[i]?.loadStateDict(state);
      });
    } catch (error) {
      super.loadStateDict(before[0] as LRSchedulerStateDict);
      this.schedulers.forEach((s, i) => {
        s.loadStateDict(before[i + 1] as LRSchedulerStateDict);
      });
      throw error;
    }
  }

  protected nextLr(lr: number): number {
    return lr; // never called: step() delegates to the scheduler in charge
  }
}
