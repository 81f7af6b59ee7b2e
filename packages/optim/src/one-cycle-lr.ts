import { OptimizerError } from "./errors";
import { checkNumber, LRScheduler, type LRSchedulerTarget } from "./lr-scheduler";
import { describe } from "./optimizer";

/** Options of `OneCycleLR` (PyTorch's names in camelCase). */
export interface OneCycleLROptions {
  /** The peak lr: one number, or one per param group. */
  maxLr: number | readonly number[];
  /** Steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  /** With `stepsPerEpoch`: totalSteps = epochs · stepsPerEpoch. */
  epochs?: number;
  /** With `epochs`. */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent raising the lr, in [0, 1] (default 0.3). */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'` annealing between the phase ends. */
  annealStrategy?: "cos" | "linear";
  /** Cycle the momentum (SGD's, RMSprop's `momentum`, Adam's first beta) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** The momentum at the lr's peak (default 0.85): one number or one per group. */
  baseMomentum?: number | readonly number[];
  /** The momentum at the cycle's ends (default 0.95): one number or one per group. */
  maxMomentum?: number | readonly number[];
  /** The initial lr is maxLr / divFactor (default 25). */
  divFactor?: number;
  /** The final lr is the initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, back down to the initial lr, then down to the final lr) instead of two (default false). */
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  startLr: "initialLr" | "maxLr";
  endLr: "initialLr" | "maxLr" | "minLr";
  startMomentum: "maxMomentum" | "baseMomentum";
  endMomentum: "maxMomentum" | "baseMomentum";
}

interface GroupSchedule {
  initialLr: number;
  maxLr: number;
  minLr: number;
  maxMomentum: number;
  baseMomentum: number;
}

type MomentumGroup = { lr: number; momentum?: unknown; betas?: unknown };

/**
 * The 1cycle policy, PyTorch 1.13's `OneCycleLR`: the lr rises from maxLr / divFactor to maxLr
 * over the first pctStart of `totalSteps`, then falls to initialLr / finalDivFactor, while the
 * momentum moves the other way between maxMomentum and baseMomentum. Step it once per batch; a
 * step past totalSteps throws OptimizerError (nothing changes). Throws OptimizerError for a
 * missing or non-positive step count, pctStart outside [0, 1], an unknown annealStrategy, a list
 * of the wrong length, or cycleMomentum on an optimizer without momentum or betas.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly annealStrategy: "cos" | "linear";
  readonly cycleMomentum: boolean;
  private readonly phases: Phase[];
  private readonly groups: GroupSchedule[];
  private readonly useBeta1: boolean;

  constructor(optimizer: LRSchedulerTarget, options: OneCycleLROptions) {
    super("OneCycleLR", optimizer);
    const {
      maxLr,
      totalSteps,
      epochs,
      stepsPerEpoch,
      pctStart = 0.3,
      annealStrategy = "cos",
      cycleMomentum = true,
      baseMomentum = 0.85,
      maxMomentum = 0.95,
      divFactor = 25,
      finalDivFactor = 1e4,
      threePhase = false,
    } = options ?? ({} as OneCycleLROptions);
    const positiveInteger = (name: string, value: unknown) =>
      checkNumber(
        "OneCycleLR",
        name,
        value,
        "a positive integer",
        Number.isInteger(value) && (value as number) > 0,
      );
    if (totalSteps !== undefined) {
      positiveInteger("totalSteps", totalSteps);
      this.totalSteps = totalSteps;
    } else if (epochs !== undefined || stepsPerEpoch !== undefined) {
      positiveInteger("epochs", epochs);
      positiveInteger("stepsPerEpoch", stepsPerEpoch);
      this.totalSteps = (epochs as number) * (stepsPerEpoch as number);
    } else {
      throw new OptimizerError("OneCycleLR: give either totalSteps or epochs and stepsPerEpoch");
    }
    checkNumber("OneCycleLR", "pctStart", pctStart, "in [0, 1]", pctStart >= 0 && pctStart <= 1);
    if (annealStrategy !== "cos" && annealStrategy !== "linear") {
      throw new OptimizerError(
        `OneCycleLR: annealStrategy must be 'cos' or 'linear', got ${describe(annealStrategy)}`,
      );
    }
    for (const [name, value] of [
      ["divFactor", divFactor],
      ["finalDivFactor", finalDivFactor],
    ] as const) {
      checkNumber("OneCycleLR", name, value, "a number > 0", value > 0 && Number.isFinite(value));
    }
    const groupCount = this.optimizer.paramGroups.length;
    const perGroup = (name: string, value: number | readonly number[]): number[] => {
      const values = typeof value === "number" ? Array(groupCount).fill(value) : value;
      if (
        !Array.isArray(values) ||
        values.length !== groupCount ||
        !values.every((v) => typeof v === "number" && Number.isFinite(v))
      ) {
        throw new OptimizerError(
          `OneCycleLR: ${name} must be a finite number or ${groupCount} of them (one per param group), got ${describe(value)}`,
        );
      }
      return [...values];
    };
    const maxLrs = perGroup("maxLr", maxLr);
    const maxMomentums = perGroup("maxMomentum", maxMomentum);
    const baseMomentums = perGroup("baseMomentum", baseMomentum);
    const groups = this.optimizer.paramGroups as readonly MomentumGroup[];
    this.useBeta1 = groups.every((g) => Array.isArray(g.betas));
    if (cycleMomentum && !this.useBeta1 && !groups.every((g) => typeof g.momentum === "number")) {
      throw new OptimizerError(
        "OneCycleLR: cycleMomentum needs an optimizer with momentum or betas (pass cycleMomentum: false)",
      );
    }
    const up = pctStart * this.totalSteps - 1;
    this.phases = threePhase
      ? [
          {
            endStep: up,
            startLr: "initialLr",
            endLr: "maxLr",
            startMomentum: "maxMomentum",
            endMomentum: "baseMomentum",
          },
          {
            endStep: 2 * pctStart * this.totalSteps - 2,
            startLr: "maxLr",
            endLr: "initialLr",
            startMomentum: "baseMomentum",
            endMomentum: "maxMomentum",
          },
          {
            endStep: this.totalSteps - 1,
            startLr: "initialLr",
            endLr: "minLr",
            startMomentum: "maxMomentum",
            endMomentum: "maxMomentum",
          },
        ]
      : [
          {
            endStep: up,
            startLr: "initialLr",
            endLr: "maxLr",
            startMomentum: "maxMomentum",
            endMomentum: "baseMomentum",
          },
          {
            endStep: this.totalSteps - 1,
            startLr: "maxLr",
            endLr: "minLr",
            startMomentum: "baseMomentum",
            endMomentum: "maxMomentum",
          },
        ];
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.groups = maxLrs.map((peak, i) => {
      const initialLr = peak / divFactor;
      return {
        initialLr,
        maxLr: peak,
        minLr: initialLr / finalDivFactor,
        maxMomentum: maxMomentums[i] as number,
        baseMomentum: baseMomentums[i] as number,
      };
    });
    this.baseLrs = this.groups.map((g) => g.initialLr);
    if (cycleMomentum) {
      maxMomentums.forEach((momentum, i) => {
        this.setMomentum(i, momentum);
      });
    }
    this.step();
  }

  /** Advances one step; throws OptimizerError, changing nothing, past `totalSteps`. */
  override step(): void {
    if (this.lastEpoch + 1 > this.totalSteps) {
      throw new OptimizerError(
        `OneCycleLR: tried to step ${this.lastEpoch + 2} times; totalSteps is ${this.totalSteps}`,
      );
    }
    super.step();
  }

  private anneal(start: number, end: number, pct: number): number {
    return this.annealStrategy === "cos"
      ? end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1)
      : (end - start) * pct + start;
  }

  private setMomentum(groupIndex: number, momentum: number): void {
    const group = this.optimizer.paramGroups[groupIndex] as MomentumGroup;
    if (this.useBeta1) {
      const [, ...rest] = group.betas as number[];
      group.betas = [momentum, ...rest];
    } else {
      group.momentum = momentum;
    }
  }

  protected nextLr(_lr: number, _baseLr: number, groupIndex: number): number {
    const schedule = this.groups[groupIndex] as GroupSchedule;
    const step = this.lastEpoch;
    let startStep = 0;
    for (const [i, phase] of this.phases.entries()) {
      if (step <= phase.endStep || i === this.phases.length - 1) {
        const pct = (step - startStep) / (phase.endStep - startStep);
        if (this.cycleMomentum) {
          this.setMomentum(
            groupIndex,
            this.anneal(schedule[phase.startMomentum], schedule[phase.endMomentum], pct),
          );
        }
        return this.anneal(schedule[phase.startLr], schedule[phase.endLr], pct);
      }
      startStep = phase.endStep;
    }
    throw new Error("unreachable: the last phase always matches");
  }
}
