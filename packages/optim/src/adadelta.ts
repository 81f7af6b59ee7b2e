import type { Variable } from "@zerograd/autograd";
import { type NDArray, type TypedArray, zerosLike } from "@zerograd/ndarray";
import {
  checkBoolean,
  checkNonNegative,
  checkUnitInterval,
  Optimizer,
  type ParamGroup,
  type ParamsInput,
} from "./optimizer";

/** Options of `AdaDelta` (PyTorch's names in camelCase). */
export interface AdaDeltaOptions {
  /** Scale of the computed update (default 1.0). */
  lr: number;
  /** Decay rate of the running means (default 0.9), in [0, 1]. */
  rho: number;
  /** Added inside both square roots for stability (default 1e-6). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

/** AdaDelta's per-parameter state: step count, running means of g² and of the squared updates. */
export type AdaDeltaState = { step: number; squareAvg: NDArray; accDelta: NDArray };

const ADADELTA_DEFAULTS: AdaDeltaOptions = {
  lr: 1,
  rho: 0.9,
  eps: 1e-6,
  weightDecay: 0,
  maximize: false,
};

/**
 * AdaDelta, PyTorch 1.13's `torch.optim.Adadelta`: a = rho · a + (1 − rho) · g² (g the gradient
 * + weightDecay · p), Δ = √(u + eps) / √(a + eps) · g, u = rho · u + (1 − rho) · Δ², p −= lr · Δ.
 *
 * Throws OptimizerError for a negative lr, eps or weightDecay, or rho outside [0, 1].
 */
export class AdaDelta extends Optimizer<AdaDeltaOptions, AdaDeltaState> {
  constructor(params: ParamsInput<AdaDeltaOptions>, options: Partial<AdaDeltaOptions> = {}) {
    super("AdaDelta", params, options, ADADELTA_DEFAULTS);
  }

  protected checkOptions(options: Partial<AdaDeltaOptions>, where: string): void {
    for (const name of ["lr", "eps", "weightDecay"]) {
      checkNonNegative("AdaDelta", options, name, where);
    }
    checkUnitInterval("AdaDelta", options, "rho", where);
    checkBoolean("AdaDelta", options, "maximize", where);
  }

  protected initState(param: Variable): AdaDeltaState {
    return { step: 0, squareAvg: zerosLike(param.data), accDelta: zerosLike(param.data) };
  }

  // PyTorch 1.13's single-tensor Adadelta, operation for operation.
  protected update(
    _param: Variable,
    values: TypedArray,
    grad: TypedArray,
    state: AdaDeltaState,
    group: ParamGroup<AdaDeltaOptions>,
  ): void {
    const { lr, rho, eps, weightDecay, maximize } = group;
    state.step += 1;
    const squareAvg = state.squareAvg.data;
    const accDelta = state.accDelta.data;
    for (let i = 0; i < values.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (weightDecay !== 0) g += weightDecay * values[i];
      squareAvg[i] = squareAvg[i] * rho + (1 - rho) * g * g;
      const rmsGradient = Math.sqrt(squareAvg[i] + eps);
      const delta = (Math.sqrt(accDelta[i] + eps) / rmsGradient) * g;
      accDelta[i] = accDelta[i] * rho + (1 - rho) * delta * delta;
      values[i] += -lr * delta;
    }
  }
}
