import type { Variable } from "@zerograd/autograd";
import { type NDArray, type TypedArray, zerosLike } from "@zerograd/ndarray";
import {
  checkBetas,
  checkBoolean,
  checkNonNegative,
  Optimizer,
  type ParamGroup,
  type ParamsInput,
} from "./optimizer";

/** Options of `Adam` and `AdamW` (PyTorch's names in camelCase). */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates of the gradient's running mean and of its square's (default [0.9, 0.999]), each in [0, 1). */
  betas: [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay rate (default 0.01). */
  weightDecay: number;
  /** Use the running maximum of the second moment (AMSGrad; default false). */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

/** Adam's per-parameter state: step count, first and second moments (and their max with amsgrad). */
export type AdamState = {
  step: number;
  expAvg: NDArray;
  expAvgSq: NDArray;
  maxExpAvgSq?: NDArray;
};

/** The update both classes share; `decoupled` selects AdamW's weight decay. */
abstract class AdamBase extends Optimizer<AdamOptions, AdamState> {
  protected abstract readonly decoupled: boolean;

  protected checkOptions(options: Partial<AdamOptions>, where: string): void {
    for (const name of ["lr", "eps", "weightDecay"]) {
      checkNonNegative(this.className, options, name, where);
    }
    checkBetas(this.className, options, where);
    checkBoolean(this.className, options, "amsgrad", where);
    checkBoolean(this.className, options, "maximize", where);
  }

  protected initState(param: Variable, group: ParamGroup<AdamOptions>): AdamState {
    const state: AdamState = {
      step: 0,
      expAvg: zerosLike(param.data),
      expAvgSq: zerosLike(param.data),
    };
    if (group.amsgrad) state.maxExpAvgSq = zerosLike(param.data);
    return state;
  }

  // PyTorch 1.13's single-tensor Adam, operation for operation (each line one tensor op there).
  protected update(
    param: Variable,
    values: TypedArray,
    grad: TypedArray,
    state: AdamState,
    group: ParamGroup<AdamOptions>,
  ): void {
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = betas;
    state.step += 1;
    const biasCorrection1 = 1 - beta1 ** state.step;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** state.step);
    const stepSize = lr / biasCorrection1;
    const m = state.expAvg.data;
    const v = state.expAvgSq.data;
    // Options may change between steps (a loaded state dict, a user edit): make what they need.
    if (amsgrad) state.maxExpAvgSq ??= zerosLike(param.data);
    const vMax = amsgrad ? (state.maxExpAvgSq as NDArray).data : v;
    const decay = this.decoupled ? 1 - lr * weightDecay : 1;
    const l2 = this.decoupled ? 0 : weightDecay;
    for (let i = 0; i < values.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (decay !== 1) values[i] *= decay;
      if (l2 !== 0) g += l2 * values[i];
      m[i] = m[i] * beta1 + (1 - beta1) * g;
      v[i] = v[i] * beta2 + (1 - beta2) * g * g;
      if (amsgrad) vMax[i] = Math.max(vMax[i], v[i]);
      const denom = Math.sqrt(vMax[i]) / biasCorrection2Sqrt + eps;
      values[i] += (-stepSize * m[i]) / denom;
    }
  }
}

const ADAM_DEFAULTS: AdamOptions = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  amsgrad: false,
  maximize: false,
};

/**
 * Adam, PyTorch 1.13's `torch.optim.Adam`: running means m of the gradient g (+ weightDecay · p,
 * an L2 penalty) and v of g², bias-corrected, p −= lr / (1 − β1^t) · m / (√v / √(1 − β2^t) + eps);
 * amsgrad uses the running maximum of v. Defaults lr 1e-3, betas [0.9, 0.999], eps 1e-8.
 *
 * Throws OptimizerError for a negative lr, eps or weightDecay, or betas outside [0, 1).
 */
export class Adam extends AdamBase {
  protected readonly decoupled = false;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super("Adam", params, options, ADAM_DEFAULTS);
  }
}

/**
 * AdamW, PyTorch 1.13's `torch.optim.AdamW`: Adam with decoupled weight decay, p *= 1 − lr ·
 * weightDecay before the Adam step (the gradient is not penalised). Default weightDecay 0.01,
 * the rest as Adam. Throws OptimizerError like Adam.
 */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super("AdamW", params, options, { ...ADAM_DEFAULTS, weightDecay: 1e-2 });
  }
}
