import type { Variable } from "@zerograd/autograd";
import { type NDArray, type TypedArray, zerosLike } from "@zerograd/ndarray";
import {
  checkBoolean,
  checkNonNegative,
  Optimizer,
  type ParamGroup,
  type ParamsInput,
} from "./optimizer";

/** Options of `RMSprop` (PyTorch's names in camelCase). */
export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Decay rate of the running mean of g² (default 0.99). */
  alpha: number;
  /** Added to the denominator for stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Divide by an estimate of the gradient's variance instead of its raw second moment (default false). */
  centered: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

/**
 * RMSprop's per-parameter state: step count, running mean of g², and with `momentum > 0` the
 * momentum buffer, with `centered` the running mean of g.
 */
export type RMSpropState = {
  step: number;
  squareAvg: NDArray;
  momentumBuffer?: NDArray;
  gradAvg?: NDArray;
};

const RMSPROP_DEFAULTS: RMSpropOptions = {
  lr: 1e-2,
  alpha: 0.99,
  eps: 1e-8,
  weightDecay: 0,
  momentum: 0,
  centered: false,
  maximize: false,
};

/**
 * RMSprop, PyTorch 1.13's `torch.optim.RMSprop`: a = alpha · a + (1 − alpha) · g² (g the gradient
 * + weightDecay · p); the denominator is √a + eps, or with `centered` √(a − ḡ²) + eps where ḡ is
 * the running mean of g; p −= lr · g / denominator, or with momentum b = momentum · b + g /
 * denominator and p −= lr · b.
 *
 * Throws OptimizerError for a negative lr, alpha, eps, weightDecay or momentum.
 */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropState> {
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super("RMSprop", params, options, RMSPROP_DEFAULTS);
  }

  protected checkOptions(options: Partial<RMSpropOptions>, where: string): void {
    for (const name of ["lr", "alpha", "eps", "weightDecay", "momentum"]) {
      checkNonNegative("RMSprop", options, name, where);
    }
    checkBoolean("RMSprop", options, "centered", where);
    checkBoolean("RMSprop", options, "maximize", where);
  }

  protected initState(param: Variable, group: ParamGroup<RMSpropOptions>): RMSpropState {
    const state: RMSpropState = { step: 0, squareAvg: zerosLike(param.data) };
    if (group.momentum > 0) state.momentumBuffer = zerosLike(param.data);
    if (group.centered) state.gradAvg = zerosLike(param.data);
    return state;
  }

  // PyTorch 1.13's single-tensor RMSprop, operation for operation.
  protected update(
    param: Variable,
    values: TypedArray,
    grad: TypedArray,
    state: RMSpropState,
    group: ParamGroup<RMSpropOptions>,
  ): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    state.step += 1;
    // Options may change between steps (a loaded state dict, a user edit): make what they need.
    if (momentum > 0) state.momentumBuffer ??= zerosLike(param.data);
    if (centered) state.gradAvg ??= zerosLike(param.data);
    const squareAvg = state.squareAvg.data;
    const buffer = momentum > 0 ? (state.momentumBuffer as NDArray).data : undefined;
    const gradAvg = centered ? (state.gradAvg as NDArray).data : undefined;
    for (let i = 0; i < values.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (weightDecay !== 0) g += weightDecay * values[i];
      squareAvg[i] = squareAvg[i] * alpha + (1 - alpha) * g * g;
      let denominator: number;
      if (gradAvg !== undefined) {
        gradAvg[i] = gradAvg[i] * alpha + (1 - alpha) * g;
        denominator = Math.sqrt(squareAvg[i] - gradAvg[i] * gradAvg[i]);
      } else {
        denominator = Math.sqrt(squareAvg[i]);
      }
      denominator += eps;
      if (buffer !== undefined) {
        buffer[i] = buffer[i] * momentum + g / denominator;
        values[i] += -lr * buffer[i];
      } else {
        values[i] += (-lr * g) / denominator;
      }
    }
  }
}
