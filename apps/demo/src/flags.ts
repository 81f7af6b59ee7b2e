import type { Parameter } from "@zerograd/autograd";
import { AdaDelta, AdaGrad, Adam, AdamW, type Optimizer, RMSprop, SGD } from "@zerograd/optim";
import { InvalidArgumentError } from "commander";

/** A flag value that must be an integer ≥ 1 (epochs, batch size, hidden units, iterations). */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError("expected an integer >= 1.");
  }
  return n;
}

/** A flag value that must be two integers ≥ 1 separated by a comma (`--channels 16,32`). */
export function integerPair(value: string): [number, number] {
  const parts = value.split(",");
  const numbers = parts.map((part) => Number(part));
  if (
    parts.length !== 2 ||
    parts.some((part) => part.trim() === "") ||
    !numbers.every((n) => Number.isInteger(n) && n >= 1)
  ) {
    throw new InvalidArgumentError("expected two integers >= 1 separated by a comma, like 16,32.");
  }
  return numbers as [number, number];
}

/** A flag value that must be an integer ≥ 0 (seeds). */
export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(n) || n < 0) {
    throw new InvalidArgumentError("expected an integer >= 0.");
  }
  return n;
}

/** A flag value that must be a finite number > 0 (learning rates). */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError("expected a number > 0.");
  }
  return n;
}

/** The names `--optimizer` accepts; `momentum` is SGD with momentum 0.9. */
export const OPTIMIZERS = [
  "sgd",
  "momentum",
  "adam",
  "adamw",
  "adagrad",
  "rmsprop",
  "adadelta",
] as const;

/** One of `OPTIMIZERS`. */
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** The optimizer called `name` over `params` with learning rate `lr` (other options default). */
export function makeOptimizer(
  name: OptimizerName,
  params: Parameter[],
  lr: number,
): Optimizer<{ lr: number }> {
  switch (name) {
    case "sgd":
      return new SGD(params, { lr });
    case "momentum":
      return new SGD(params, { lr, momentum: 0.9 });
    case "adam":
      return new Adam(params, { lr });
    case "adamw":
      return new AdamW(params, { lr });
    case "adagrad":
      return new AdaGrad(params, { lr });
    case "rmsprop":
      return new RMSprop(params, { lr });
    case "adadelta":
      return new AdaDelta(params, { lr });
  }
}

/** How a run describes its optimizer: `Adam (lr 0.003)`. */
export function describeOptimizer(name: OptimizerName, lr: number): string {
  const label: Record<OptimizerName, string> = {
    sgd: "SGD",
    momentum: "SGD with momentum 0.9",
    adam: "Adam",
    adamw: "AdamW",
    adagrad: "AdaGrad",
    rmsprop: "RMSprop",
    adadelta: "AdaDelta",
  };
  return `${label[name]} (lr ${lr})`;
}
