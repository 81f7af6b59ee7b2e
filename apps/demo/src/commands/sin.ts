import { noGrad } from "@zerograd/autograd";
import { add, linspace, mul, Random, reshape, sin as sine } from "@zerograd/ndarray";
import { MLP, mseLoss, sigmoid } from "@zerograd/nn";
import type { TopLevelSpec } from "vega-lite";
import { finiteOrNull, renderSvg, terminalChart } from "../charts";
import { divergenceNote, findDivergence } from "../divergence";
import { describeOptimizer, makeOptimizer, type OptimizerName } from "../flags";
import { formatFixed, type Printer, plural, prepareOutput, writeOutput } from "../io";

/** Flags of `sin`. */
export interface SinOptions {
  /** Full-batch gradient steps. */
  iterations: number;
  lr: number;
  hidden: number;
  optimizer: OptimizerName;
  seed: number;
  out: string;
}

/** The book's settings (step 43): 1-10-1 sigmoid, SGD lr 0.2, 10,000 iterations. */
export const SIN_DEFAULTS: SinOptions = {
  iterations: 10_000,
  lr: 0.2,
  hidden: 10,
  optimizer: "sgd",
  seed: 0,
  out: "out",
};

/** What `sin` returns (and prints with `--json`). */
export interface SinResult {
  /** Mean squared error after the last step (NaN, null in JSON, when training diverged). */
  loss: number;
  /** The loss every iterations/10 steps, first and last included. */
  losses: { iteration: number; loss: number }[];
  /** The iteration whose loss first was NaN or infinite; null when training did not diverge. */
  divergedAt: number | null;
  files: { fit: string };
}

const SAMPLES = 100;

/**
 * Fits y = sin(2πx) + U(0, 1) noise at 100 points x ~ U(0, 1) (the book's data) with an MLP
 * by full-batch gradient descent on the mean squared error; draws the data and the fitted
 * curve as an SVG and ends with `loss: X.XXXXXX`.
 */
export async function sin(options: SinOptions, printer: Printer): Promise<SinResult> {
  const { iterations, lr, hidden, optimizer: optimizerName, seed, out } = options;
  prepareOutput(out);
  const rng = new Random(seed);
  const x = rng.uniform(0, 1, [SAMPLES, 1]);
  const y = add(sine(mul(x, 2 * Math.PI)), rng.uniform(0, 1, [SAMPLES, 1]));
  const model = new MLP([1, hidden, 1], { activation: sigmoid, rng: rng.fork() });
  const optimizer = makeOptimizer(optimizerName, model.parameters(), lr);
  printer.line(
    `sin: ${SAMPLES} points of sin(2πx) + U(0, 1) noise; MLP 1-${hidden}-1 (sigmoid), ${describeOptimizer(optimizerName, lr)}, ${plural(iterations, "full-batch iteration")}, seed ${seed}`,
  );

  const losses: { iteration: number; loss: number }[] = [];
  const curve: number[] = [];
  const every = Math.max(1, Math.round(iterations / 10));
  let loss = Number.NaN;
  for (let iteration = 1; iteration <= iterations; iteration++) {
    const error = mseLoss(model.call(x), y);
    model.zeroGrad();
    error.backward();
    optimizer.step();
    loss = error.item();
    curve.push(loss);
    if (iteration === 1 || iteration % every === 0 || iteration === iterations) {
      losses.push({ iteration, loss });
      printer.line(
        `iteration ${String(iteration).padStart(String(iterations).length)}  loss ${formatFixed(loss, 6)}`,
      );
    }
  }
  // The loss after the last step, on the parameters that are saved in the plot.
  loss = noGrad(() => mseLoss(model.call(x), y).item());

  const divergence = findDivergence(curve);
  if (divergence) printer.line(divergenceNote(divergence, `iteration ${divergence.step}`));

  printer.line();
  printer.block(terminalChart("loss per iteration", curve, { decimals: 3 }), 2);
  const grid = linspace(0, 1, 200);
  const fitted = noGrad(() => model.call(reshape(grid, [200, 1])).data.toTypedArray());
  const gridValues = grid.toTypedArray();
  const fit = writeOutput(
    out,
    "sin.svg",
    await renderSvg(
      fitSpec(
        Array.from(x.toTypedArray(), (value, i) => ({
          x: value,
          y: y.toTypedArray()[i] as number,
        })),
        Array.from(gridValues, (value, i) => ({ x: value, y: finiteOrNull(fitted[i] as number) })),
      ),
    ),
  );
  printer.line();
  printer.line(`saved the fit as ${fit}`);
  printer.line(`loss: ${formatFixed(loss, 6)}`);
  return { loss, losses, divergedAt: divergence?.step ?? null, files: { fit } };
}

function fitSpec(
  points: { x: number; y: number }[],
  curve: { x: number; y: number | null }[],
): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "zerograd: MLP fit of sin(2πx) + noise",
    width: 420,
    height: 280,
    layer: [
      {
        data: { values: points },
        mark: { type: "point", filled: true, size: 24, opacity: 0.7 },
        encoding: {
          x: { field: "x", type: "quantitative", title: "x" },
          y: { field: "y", type: "quantitative", title: "y" },
        },
      },
      {
        data: { values: curve },
        mark: { type: "line", color: "firebrick", strokeWidth: 2 },
        encoding: {
          x: { field: "x", type: "quantitative" },
          y: { field: "y", type: "quantitative" },
        },
      },
    ],
  };
}
