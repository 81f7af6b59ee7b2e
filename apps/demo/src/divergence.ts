import { formatFixed } from "./io";

/** Where a training run's loss first stopped being a finite number. */
export interface Divergence {
  /** The 1-based step (iteration, batch) of that loss. */
  step: number;
  /** The loss there: NaN, Infinity or -Infinity. */
  loss: number;
}

/**
 * The first of `losses` (one per step, the first of step 1) that is NaN or infinite, with its
 * step; null when all are finite. A run whose loss overflows (too high a learning rate) goes
 * on with NaN weights: it still ends and writes its files, and says where it diverged.
 */
export function findDivergence(losses: readonly number[]): Divergence | null {
  const index = losses.findIndex((loss) => !Number.isFinite(loss));
  return index === -1 ? null : { step: index + 1, loss: losses[index] as number };
}

/**
 * The one line a run prints when it diverged: `note: training diverged: the loss became nan
 * at step 5 (epoch 1); try a lower --lr`. `where` names the step (`step 5 (epoch 1)`), and
 * `quantity` what diverged.
 */
export function divergenceNote(divergence: Divergence, where: string, quantity = "loss"): string {
  return `note: training diverged: the ${quantity} became ${formatFixed(divergence.loss, 0)} at ${where}; try a lower --lr`;
}
