import { OptimizerError } from "./errors";
import { describe } from "./optimizer";

/** What a scheduler needs of an optimizer: parameter groups whose `lr` it may set. */
export interface LRSchedulerTarget {
  readonly paramGroups: readonly { lr: number }[];
}

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
  private lastLr: number[];

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
    this.baseLrs = optimizer.paramGroups.map((group) => group.lr);
    this.lastLr = [...this.baseLrs];
  }

  /** Advances one epoch and sets every group's lr to the schedule's value for it. */
  step(): void {
    this.lastEpoch += 1;
    const lrs = this.optimizer.paramGroups.map((group, i) =>
      this.nextLr(group.lr, this.baseLrs[i] ?? group.lr),
    );
    this.optimizer.paramGroups.forEach((group, i) => {
      (group as { lr: number }).lr = lrs[i] as number;
    });
    this.lastLr = lrs;
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
  protected abstract nextLr(lr: number, baseLr: number): number;
}

function checkNumber(owner: string, name: string, value: unknown, rule: string, ok: boolean): void {
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
}
