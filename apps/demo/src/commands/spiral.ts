import { noGrad } from "@zerograd/autograd";
import { DataLoader, spiral as spiralData } from "@zerograd/data";
import { argmax, NDArray, Random } from "@zerograd/ndarray";
import { accuracy, crossEntropy, MLP, sigmoid } from "@zerograd/nn";
import type { TopLevelSpec } from "vega-lite";
import { renderSvg, terminalChart } from "../charts";
import { divergenceNote, findDivergence } from "../divergence";
import { describeOptimizer, makeOptimizer, type OptimizerName } from "../flags";
import { formatFixed, type Printer, plural, prepareOutput, writeOutput } from "../io";

/** Flags of `spiral`. */
export interface SpiralOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  hidden: number;
  optimizer: OptimizerName;
  seed: number;
  out: string;
}

/** The book's settings (step 48): hidden 10, sigmoid, SGD lr 1, 300 epochs of batch 30. */
export const SPIRAL_DEFAULTS: SpiralOptions = {
  epochs: 300,
  batchSize: 30,
  lr: 1,
  hidden: 10,
  optimizer: "sgd",
  seed: 0,
  out: "out",
};

/** What `spiral` returns (and prints with `--json`). */
export interface SpiralResult {
  trainAccuracy: number;
  /** Mean loss of the last epoch. */
  loss: number;
  /** The step (batch) whose loss first was NaN or infinite; null when training did not diverge. */
  divergedAt: number | null;
  files: { boundary: string };
}

const CLASSES = 3;
/** Cells per side of the decision-boundary grid. */
const GRID = 100;
/** The grid covers [-EXTENT, EXTENT]²; the spiral lies within radius 1. */
const EXTENT = 1.1;

/**
 * Classifies the book's 3-arm spiral (300 points) with a 2-layer sigmoid MLP, draws the
 * decision boundary and the points as an SVG and ends with `train accuracy: 0.XXXX`.
 */
export async function spiral(options: SpiralOptions, printer: Printer): Promise<SpiralResult> {
  const { epochs, batchSize, lr, hidden, optimizer: optimizerName, seed, out } = options;
  prepareOutput(out);
  const rng = new Random(seed);
  const data = spiralData({ numClasses: CLASSES, pointsPerClass: 100, rng });
  const model = new MLP([2, hidden, CLASSES], { activation: sigmoid, rng: rng.fork() });
  const optimizer = makeOptimizer(optimizerName, model.parameters(), lr);
  const loader = new DataLoader(data, { batchSize, shuffle: true, rng: rng.fork() });
  printer.line(
    `spiral: ${data.length} points in ${CLASSES} arms; MLP 2-${hidden}-${CLASSES} (sigmoid), ${describeOptimizer(optimizerName, lr)}, batch ${batchSize}, ${plural(epochs, "epoch")}, seed ${seed}`,
  );

  const losses: number[] = [];
  const stepLosses: number[] = [];
  const every = Math.max(1, Math.round(epochs / 10));
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let lossSum = 0;
    for (const [x, t] of loader) {
      const loss = crossEntropy(model.call(x), t);
      model.zeroGrad();
      loss.backward();
      optimizer.step();
      stepLosses.push(loss.item());
      lossSum += loss.item() * t.shape[0];
    }
    losses.push(lossSum / data.length);
    if (epoch % every === 0 || epoch === epochs) {
      printer.line(
        `epoch ${String(epoch).padStart(String(epochs).length)}  loss ${formatFixed(losses.at(-1) as number, 4)}`,
      );
    }
  }
  const trainAccuracy = noGrad(() => accuracy(model.call(data.x), data.y));

  const divergence = findDivergence(stepLosses);
  if (divergence) {
    const epoch = Math.ceil(divergence.step / loader.length);
    printer.line(divergenceNote(divergence, `step ${divergence.step} (epoch ${epoch})`));
  }

  printer.line();
  printer.block(terminalChart("loss per epoch", losses, { decimals: 3 }), 2);
  const grid = decisionGrid(model);
  const boundary = writeOutput(
    out,
    "spiral.svg",
    await renderSvg(boundarySpec(grid, data.x, data.y)),
  );
  printer.line();
  printer.line(`saved the decision boundary as ${boundary}`);
  printer.line(`train accuracy: ${trainAccuracy.toFixed(4)}`);
  return {
    trainAccuracy,
    loss: losses.at(-1) as number,
    divergedAt: divergence?.step ?? null,
    files: { boundary },
  };
}

/** The predicted class at the centre of every grid cell, row by row from the bottom. */
function decisionGrid(model: MLP): Int32Array {
  const points = new Float32Array(GRID * GRID * 2);
  for (let row = 0; row < GRID; row++) {
    for (let column = 0; column < GRID; column++) {
      const k = row * GRID + column;
      points[2 * k] = cellCentre(column);
      points[2 * k + 1] = cellCentre(row);
    }
  }
  return noGrad(
    () =>
      argmax(
        model.call(new NDArray(points, [GRID * GRID, 2])).data,
        1,
      ).toTypedArray() as Int32Array,
  );
}

function cellCentre(index: number): number {
  return -EXTENT + ((index + 0.5) * 2 * EXTENT) / GRID;
}

/**
 * Predicted classes as pale rectangles (each row's runs of one class merged into one, which
 * keeps the SVG small) under the training points in the class colours.
 */
function boundarySpec(grid: Int32Array, x: NDArray, y: NDArray): TopLevelSpec {
  const cell = (2 * EXTENT) / GRID;
  const cells: { x: number; x2: number; y: number; y2: number; class: string }[] = [];
  for (let row = 0; row < GRID; row++) {
    const bottom = -EXTENT + row * cell;
    for (let start = 0; start < GRID; ) {
      const predicted = grid[row * GRID + start];
      let stop = start + 1;
      while (stop < GRID && grid[row * GRID + stop] === predicted) stop++;
      const left = -EXTENT + start * cell;
      const right = -EXTENT + stop * cell;
      cells.push({ x: left, x2: right, y: bottom, y2: bottom + cell, class: String(predicted) });
      start = stop;
    }
  }
  const xs = x.toTypedArray();
  const labels = y.toTypedArray();
  const points = Array.from(labels, (label, i) => ({
    x: xs[2 * i],
    y: xs[2 * i + 1],
    class: String(label),
  }));
  const axis = {
    type: "quantitative" as const,
    scale: { domain: [-EXTENT, EXTENT], nice: false },
  };
  const color = { field: "class", type: "nominal", title: "class" } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "zerograd: spiral decision boundary",
    width: 400,
    height: 400,
    layer: [
      {
        data: { values: cells },
        mark: { type: "rect", opacity: 0.3, strokeWidth: 0 },
        encoding: {
          x: { field: "x", ...axis, title: "x₀" },
          x2: { field: "x2" },
          y: { field: "y", ...axis, title: "x₁" },
          y2: { field: "y2" },
          color,
        },
      },
      {
        data: { values: points },
        mark: { type: "point", filled: true, size: 30 },
        encoding: {
          x: { field: "x", ...axis },
          y: { field: "y", ...axis },
          color,
        },
      },
    ],
  };
}
