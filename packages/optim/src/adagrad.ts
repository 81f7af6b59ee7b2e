import type { Variable } from "@zerograd/autograd";
import { fullLike, type NDArray, type TypedArray } from "@zerograd/ndarray";
import {
  checkBoolean,
  checkNonNegative,
  Optimizer,
  type ParamGroup,
  type ParamsInput,
} from "./optimizer";

/** Options of `AdaGrad` (PyTorch's names in camelCase). */
export interface AdaGradOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** The learning rate at step t is lr / (1 + (t − 1) · lrDecay) (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator for stability (default 1e-10). */
  eps: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

/** AdaGrad's per-parameter state: step count and the sum of squared gradients. */
export type AdaGradState = { step: number; sum: NDArray };

const ADAGRAD_DEFAULTS: AdaGradOptions = {
  lr: 1e-2,
  lrDecay: 0,
  weightDecay: 0,
  initialAccumulatorValue: 0,
  eps: 1e-10,
  maximize: false,
};

/**
 * AdaGrad, PyTorch 1.13's `torch.optim.Adagrad`: s += g² (g the gradient + weightDecay · p),
 * p −= lr / (1 + (t − 1) · lrDecay) · g / (√s + eps). Like PyTorch, the state of every parameter
 * is created by the constructor (s filled with initialAccumulatorValue). Unlike PyTorch 1.13,
 * which fills every group's s with the constructor's value and ignores a group's own
 * `initialAccumulatorValue`, each group here starts from its own value.
 *
 * Throws OptimizerError for a negative lr, lrDecay, weightDecay, initialAccumulatorValue or eps.
 */
export class AdaGrad extends Optimizer<AdaGradOptions, AdaGradState> {
  constructor(params: ParamsInput<AdaGradOptions>, options: Partial<AdaGradOptions> = {}) {
    super("AdaGrad", params, options, ADAGRAD_DEFAULTS);
    for (const group of this.paramGroups) {
      for (const param of group.params) this.state.set(param, this.initState(param, group));
    }
  }

  protected checkOptions(options: Partial<AdaGradOptions>, where: string): void {
    for (const name of ["lr", "lrDecay", "weightDecay", "initialAccumulatorValue", "eps"]) {
      checkNonNegative("AdaGrad", options, name, where);
    }
    checkBoolean("AdaGrad", options, "maximize", where);
  }

  protected initState(param: Variable, group: ParamGroup<AdaGradOptions>): AdaGradState {
    return { step: 0, sum: fullLike(param.data, group.initialAccumulatorValue) };
  }

  protected update(
    _param: Variable,
    values: TypedArray,
    grad: TypedArray,
    state: AdaGradState,
    group: ParamGroup<AdaGradOptions>,
  ): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    state.step += 1;
    const decayedLr = lr / (1 + (state.step - 1) * lrDecay);
    const sum = state.sum.data;
    for (let i = 0; i < values.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (weightDecay !== 0) g += weightDecay * values[i];
      sum[i] += g * g;
      const denominator = Math.sqrt(sum[i]) + eps;
      values[i] += (-decayedLr * g) / denominator;
    }
  }
}
