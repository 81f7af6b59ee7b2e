import { mean, sum, type Variable } from "@zerograd/autograd";
import { NNError } from "../errors";

/** How a loss combines the per-element losses: their mean (default), their sum, or none (as they are). */
export type Reduction = "mean" | "sum" | "none";

/** Options of every loss. */
export interface LossOptions {
  /** `'mean'` (default), `'sum'` or `'none'`, as in PyTorch. */
  reduction?: Reduction;
}

/** The reduction an options object asks for; NNError for anything else than the three names. */
export function reductionOf(op: string, options: LossOptions): Reduction {
  const reduction = options.reduction ?? "mean";
  if (reduction !== "mean" && reduction !== "sum" && reduction !== "none") {
    throw new NNError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${String(reduction)}`);
  }
  return reduction;
}

/** Per-element losses reduced as asked: a 0-d mean or sum, or the losses themselves. */
export function reduce(losses: Variable, reduction: Reduction): Variable {
  if (reduction === "mean") return mean(losses);
  if (reduction === "sum") return sum(losses);
  return losses;
}
