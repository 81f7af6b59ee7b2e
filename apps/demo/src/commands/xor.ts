import { array, Random } from "@zerograd/ndarray";
import { Linear, mseLoss, Sequential } from "@zerograd/nn";
import { divergenceNote, findDivergence } from "../divergence";
import { describeOptimizer, makeOptimizer, type OptimizerName } from "../flags";
import { formatFixed, type Printer } from "../io";

/** Flags of `xor`. */
export interface XorOptions {
  iterations: number;
  lr: number;
  optimizer: OptimizerName;
  seed: number;
}

/** Ten steps of SGD(0.05). */
export const XOR_DEFAULTS: XorOptions = { iterations: 10, lr: 0.05, optimizer: "sgd", seed: 0 };

/** What `xor` returns (and prints with `--json`). */
export interface XorResult {
  /** The mean squared error before each step. */
  losses: number[];
  /** The loss after the last step. */
  loss: number;
  /** The step whose loss first was NaN or infinite; null when training did not diverge. */
  divergedAt: number | null;
}

/**
 * The 4-sample regression [[0,0],[0,1],[1,0],[1,1]] → [0,1,0,1] with
 * `new Sequential(new Linear(2, 3), new Linear(3, 1))` and mean squared error: prints the loss
 * of each step and ends with the loss after the last one.
 */
export function xor(options: XorOptions, printer: Printer): XorResult {
  const { iterations, lr, optimizer: optimizerName, seed } = options;
  const rng = new Random(seed);
  const x = array([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  const y = array([[0], [1], [0], [1]]);
  const model = new Sequential(new Linear(2, 3, { rng }), new Linear(3, 1, { rng }));
  const optimizer = makeOptimizer(optimizerName, model.parameters(), lr);
  printer.line(
    `xor: [[0,0],[0,1],[1,0],[1,1]] -> [0,1,0,1], Sequential(Linear(2, 3), Linear(3, 1)), MSE, ${describeOptimizer(optimizerName, lr)}, seed ${seed}`,
  );
  const losses: number[] = [];
  const width = String(iterations).length;
  for (let step = 1; step <= iterations; step++) {
    const loss = mseLoss(model.call(x), y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
    printer.line(`step ${String(step).padStart(width)}  loss ${formatFixed(loss.item(), 6)}`);
  }
  const loss = mseLoss(model.call(x), y).item();
  const divergence = findDivergence(losses);
  if (divergence) printer.line(divergenceNote(divergence, `step ${divergence.step}`));
  printer.line(`loss: ${formatFixed(loss, 6)}`);
  return { losses, loss, divergedAt: divergence?.step ?? null };
}
