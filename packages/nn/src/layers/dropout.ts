import type { Variable, VariableLike } from "@zerograd/autograd";
import type { Random } from "@zerograd/ndarray";
import { NNError } from "../errors";
import { dropout } from "../functional/dropout";
import { Layer } from "../layer";
import { freshRandom } from "../random";

/** Options of `Dropout`. */
export interface DropoutLayerOptions {
  /** Where the masks come from (default: a fresh generator, see `freshRandom`). */
  rng?: Random;
}

/**
 * `dropout` as a layer (PyTorch's `nn.Dropout`): in training mode each element is zeroed
 * with probability `p` (default 0.5) and the rest scaled by 1/(1 − p); in eval mode it is the
 * identity. Throws NNError when p is outside [0, 1].
 */
export class Dropout extends Layer {
  readonly p: number;
  /** The generator of the masks. */
  readonly rng: Random;

  constructor(p = 0.5, options: DropoutLayerOptions = {}) {
    super();
    if (!(p >= 0 && p <= 1)) {
      throw new NNError(`Dropout: the probability p must be in [0, 1], got ${p}`);
    }
    this.p = p;
    this.rng = options.rng ?? freshRandom();
  }

  forward(x: VariableLike): Variable {
    return dropout(x, this.p, { training: this.training, rng: this.rng });
  }
}
