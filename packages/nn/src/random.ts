import { Random } from "@zerograd/ndarray";

/**
 * The generator a layer or init function uses when the caller passes none: a fresh `Random`
 * seeded from `Math.random()`, so unseeded models differ from run to run (as PyTorch's do
 * without `manual_seed`). Pass `rng` for reproducible results.
 */
export function freshRandom(): Random {
  return new Random(Math.floor(Math.random() * 2 ** 52));
}
