import { add, mul, Parameter, pow, sub, type Variable } from "@zerograd/autograd";
import { array } from "@zerograd/ndarray";
import { type Divergence, divergenceNote } from "../divergence";
import { describeOptimizer, makeOptimizer, type OptimizerName } from "../flags";
import { formatExponential, formatFixed, type Printer, plural } from "../io";

/** Flags of `rosenbrock`. */
export interface RosenbrockOptions {
  iterations: number;
  lr: number;
  optimizer: OptimizerName;
  /** Print the position every this many iterations. */
  every: number;
}

/** The book's settings (step 28): plain gradient descent, lr 0.001, from (0, 2). */
export const ROSENBROCK_DEFAULTS: RosenbrockOptions = {
  iterations: 50_000,
  lr: 0.001,
  optimizer: "sgd",
  every: 5_000,
};

/** One printed point of the path. */
export interface PathPoint {
  iteration: number;
  x0: number;
  x1: number;
  value: number;
}

/** What `rosenbrock` returns (and prints with `--json`). */
export interface RosenbrockResult {
  path: PathPoint[];
  x0: number;
  x1: number;
  value: number;
  /** The iteration where f first was NaN or infinite; null when descent did not diverge. */
  divergedAt: number | null;
}

/** Rosenbrock's banana f(x₀, x₁) = 100(x₁ − x₀²)² + (1 − x₀)², whose minimum is f(1, 1) = 0. */
export function rosenbrockFunction(x0: Variable, x1: Variable): Variable {
  return add(mul(100, pow(sub(x1, pow(x0, 2)), 2)), pow(sub(1, x0), 2));
}

/**
 * Minimises Rosenbrock's function from (0, 2) with autograd and an optimizer, no layers: two
 * float64 Parameters, backward, step. Prints the path every `every` iterations and ends with
 * the final point.
 */
export function rosenbrock(options: RosenbrockOptions, printer: Printer): RosenbrockResult {
  const { iterations, lr, optimizer: optimizerName, every } = options;
  const x0 = new Parameter(array(0, { dtype: "float64" }), { name: "x0" });
  const x1 = new Parameter(array(2, { dtype: "float64" }), { name: "x1" });
  const optimizer = makeOptimizer(optimizerName, [x0, x1], lr);
  printer.line(
    `rosenbrock: f(x0, x1) = 100(x1 - x0²)² + (1 - x0)², minimum 0 at (1, 1); from (0, 2), ${describeOptimizer(optimizerName, lr)}, ${plural(iterations, "iteration")}`,
  );
  const width = String(iterations).length;
  const path: PathPoint[] = [];
  let divergence: Divergence | null = null;
  for (let iteration = 0; ; iteration++) {
    const value = rosenbrockFunction(x0, x1);
    const f = value.item();
    if (divergence === null && !Number.isFinite(f)) divergence = { step: iteration, loss: f };
    if (iteration % every === 0 || iteration === iterations) {
      const point = { iteration, x0: x0.item(), x1: x1.item(), value: f };
      path.push(point);
      printer.line(
        `iteration ${String(iteration).padStart(width)}  (x0, x1) = (${formatFixed(point.x0, 6)}, ${formatFixed(point.x1, 6)})  f = ${formatExponential(point.value, 3)}`,
      );
    }
    if (iteration === iterations) break;
    optimizer.zeroGrad();
    value.backward();
    optimizer.step();
  }
  const last = path.at(-1) as PathPoint;
  if (divergence) {
    printer.line(divergenceNote(divergence, `iteration ${divergence.step}`, "value of f"));
  }
  printer.line(
    `final point: (${formatFixed(last.x0, 6)}, ${formatFixed(last.x1, 6)}), f = ${formatExponential(last.value, 3)}`,
  );
  return {
    path,
    x0: last.x0,
    x1: last.x1,
    value: last.value,
    divergedAt: divergence?.step ?? null,
  };
}
