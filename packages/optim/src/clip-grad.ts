import { Variable } from "@zerograd/autograd";
import { clip, contiguous, mul, type NDArray } from "@zerograd/ndarray";
import { OptimizerError } from "./errors";
import { describe, isIterableObject, parametersHint } from "./optimizer";

/** The parameters' gradients that exist (a null grad is skipped). */
function gradients(params: Variable | Iterable<Variable>, fn: string): Variable[] {
  if (!(params instanceof Variable) && !isIterableObject(params)) {
    throw new OptimizerError(
      `${fn}: params must be a Variable or an array of Variables, got ${describe(params)}${parametersHint(params)}`,
    );
  }
  const list = params instanceof Variable ? [params] : [...params];
  const grads: Variable[] = [];
  list.forEach((param, i) => {
    if (!(param instanceof Variable)) {
      throw new OptimizerError(`${fn}: parameter ${i} is ${describe(param)}, not a Variable`);
    }
    if (param.grad !== null) grads.push(param.grad);
  });
  return grads;
}

/** Writes `result(grad.data)` into the gradient: in place when its data is contiguous, else as new data. */
function rewrite(grad: Variable, result: (x: NDArray, out?: NDArray) => NDArray): void {
  const data = grad.data;
  if (data.isContiguous) result(data, data);
  else grad.data = result(contiguous(data));
}

/**
 * Rescales the gradients of `params` together so that their joint norm is at most `maxNorm`,
 * PyTorch's `clip_grad_norm_`: the total norm is the `normType`-norm (default 2; `Infinity` for
 * the largest magnitude) of all gradient elements, and when it exceeds `maxNorm` every gradient
 * is multiplied in place by maxNorm / (total + 1e-6). Parameters whose grad is null are skipped.
 * Returns the total norm before clipping (0 when there is no gradient). Throws OptimizerError
 * for a negative or non-numeric maxNorm, or a normType that is not a positive number.
 */
export function clipGradNorm(
  params: Variable | Iterable<Variable>,
  maxNorm: number,
  normType = 2,
): number {
  if (typeof maxNorm !== "number" || !(maxNorm >= 0)) {
    throw new OptimizerError(
      `clipGradNorm: maxNorm must be a number >= 0, got ${describe(maxNorm)}`,
    );
  }
  if (typeof normType !== "number" || !(normType > 0)) {
    throw new OptimizerError(
      `clipGradNorm: normType must be a positive number or Infinity, got ${describe(normType)}`,
    );
  }
  const grads = gradients(params, "clipGradNorm");
  if (grads.length === 0) return 0;
  // As PyTorch: the norm of the per-gradient norms.
  const norms = grads.map((grad) => vectorNorm(contiguous(grad.data), normType));
  const total =
    normType === Infinity
      ? Math.max(...norms)
      : normType === 2
        ? Math.sqrt(norms.reduce((acc, norm) => acc + norm * norm, 0))
        : norms.reduce((acc, norm) => acc + norm ** normType, 0) ** (1 / normType);
  const coefficient = maxNorm / (total + 1e-6);
  // `!(>= 1)` also scales when the total is NaN, spreading it to the grads as PyTorch does.
  if (!(coefficient >= 1)) {
    for (const grad of grads) rewrite(grad, (x, out) => mul(x, coefficient, { out }));
  }
  return total;
}

function vectorNorm(x: NDArray, normType: number): number {
  const values = x.data.subarray(x.offset, x.offset + x.size);
  if (normType === Infinity) {
    let largest = 0;
    for (let i = 0; i < values.length; i++) {
      const a = Math.abs(values[i]);
      if (a > largest || Number.isNaN(a)) largest = a;
    }
    return largest;
  }
  let acc = 0;
  if (normType === 2) {
    for (let i = 0; i < values.length; i++) acc += values[i] * values[i];
    return Math.sqrt(acc);
  }
  for (let i = 0; i < values.length; i++) acc += Math.abs(values[i]) ** normType;
  return acc ** (1 / normType);
}

/**
 * Clamps every gradient of `params` into [−clipValue, clipValue] in place, PyTorch's
 * `clip_grad_value_`. Parameters whose grad is null are skipped. Throws OptimizerError for a
 * negative or non-numeric clipValue.
 */
export function clipGradValue(params: Variable | Iterable<Variable>, clipValue: number): void {
  if (typeof clipValue !== "number" || !(clipValue >= 0)) {
    throw new OptimizerError(
      `clipGradValue: clipValue must be a number >= 0, got ${describe(clipValue)}`,
    );
  }
  for (const grad of gradients(params, "clipGradValue")) {
    rewrite(grad, (x, out) => clip(x, -clipValue, clipValue, { out }));
  }
}
