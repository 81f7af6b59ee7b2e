import type { Variable } from "@zerograd/autograd";
import { type NDArray, type TypedArray, zerosLike } from "@zerograd/ndarray";
import { OptimizerError } from "./errors";
import {
  checkBoolean,
  checkNonNegative,
  Optimizer,
  type ParamGroup,
  type ParamsInput,
} from "./optimizer";

/** Options of `SGD` (PyTorch's names in camelCase). */
export interface SGDOptions {
  /** Learning rate; required (no default, as in PyTorch). */
  lr: number;
  /** Momentum factor (default 0: plain gradient descent). */
  momentum: number;
  /** Dampening of the momentum's gradient term (default 0). */
  dampening: number;
  /** Nesterov momentum (default false); needs momentum > 0 and dampening 0. */
  nesterov: boolean;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

/** SGD's per-parameter state: the momentum buffer, created at the first step when momentum > 0. */
export type SGDState = { momentumBuffer?: NDArray };

const SGD_DEFAULTS: Partial<SGDOptions> = {
  lr: undefined,
  momentum: 0,
  dampening: 0,
  nesterov: false,
  weightDecay: 0,
  maximize: false,
};

/**
 * Stochastic gradient descent with optional momentum and Nesterov momentum, PyTorch 1.13's
 * `torch.optim.SGD`. With g the gradient (+ weightDecay · p) and b the momentum buffer:
 * b = g at the first step, then b = momentum · b + (1 − dampening) · g; the step direction is
 * g + momentum · b (nesterov) or b, and p −= lr · direction.
 *
 * Throws OptimizerError when lr is missing or negative, momentum, dampening or weightDecay is
 * negative, or nesterov is asked without momentum or with dampening.
 */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  protected override readonly lazyStateBuffers = ["momentumBuffer"];

  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super("SGD", params, options, SGD_DEFAULTS);
  }

  protected checkOptions(options: Partial<SGDOptions>, where: string): void {
    for (const name of ["lr", "momentum", "dampening", "weightDecay"]) {
      checkNonNegative("SGD", options, name, where);
    }
    checkBoolean("SGD", options, "nesterov", where);
    checkBoolean("SGD", options, "maximize", where);
    const { nesterov, momentum = 0, dampening = 0 } = options;
    if (nesterov === true && (momentum <= 0 || dampening !== 0)) {
      throw new OptimizerError(
        `SGD: nesterov${where} requires momentum > 0 and dampening 0, got momentum ${momentum} and dampening ${dampening}`,
      );
    }
  }

  protected initState(): SGDState {
    return {};
  }

  protected update(
    param: Variable,
    values: TypedArray,
    grad: TypedArray,
    state: SGDState,
    group: ParamGroup<SGDOptions>,
  ): void {
    const { lr, momentum, dampening, nesterov, weightDecay, maximize } = group;
    let buffer: TypedArray | undefined;
    let first = false;
    if (momentum !== 0) {
      if (state.momentumBuffer === undefined) {
        state.momentumBuffer = zerosLike(param.data);
        first = true;
      }
      buffer = state.momentumBuffer.data;
    }
    const gradientWeight = 1 - dampening;
    for (let i = 0; i < values.length; i++) {
      let direction = maximize ? -grad[i] : grad[i];
      if (weightDecay !== 0) direction += weightDecay * values[i];
      if (buffer !== undefined) {
        buffer[i] = first ? direction : buffer[i] * momentum + gradientWeight * direction;
        direction = nesterov ? direction + momentum * buffer[i] : buffer[i];
      }
      values[i] = values[i] - lr * direction;
    }
  }
}
