import type { Variable, VariableLike } from "@zerograd/autograd";
import { asVariable } from "@zerograd/autograd";
import type { DType, Random } from "@zerograd/ndarray";
import { NNError } from "../errors";
import { relu } from "../functional/activation";
import { Layer } from "../layer";
import { freshRandom } from "../random";
import { Linear } from "./linear";

/** Options of `MLP`. */
export interface MLPOptions {
  /** Applied between the Linear layers, not after the last (default `relu`). */
  activation?: (x: Variable) => Variable;
  /** The parameters' dtype (default float32). */
  dtype?: DType;
  /** Where the initial values come from, shared by the layers in order (default: fresh). */
  rng?: Random;
}

/**
 * A multi-layer perceptron (DeZero's `MLP`): `sizes` = [inputs, hidden..., outputs] gives
 * Linear(sizes[0], sizes[1]), Linear(sizes[1], sizes[2]), ... in the field `layers` (names
 * `layers.0.weight`, ...), with `activation` between them and none after the last, so the
 * output is raw scores (logits). Throws NNError for fewer than two sizes.
 */
export class MLP extends Layer {
  /** The Linear layers, in order. */
  readonly layers: Linear[];
  /** The activation between layers. */
  readonly activation: (x: Variable) => Variable;

  constructor(sizes: readonly number[], options: MLPOptions = {}) {
    super();
    if (sizes.length < 2) {
      throw new NNError(
        `MLP: sizes must list at least the input and output sizes, got [${sizes.join(", ")}]`,
      );
    }
    const { dtype, rng = freshRandom() } = options;
    this.layers = sizes
      .slice(1)
      .map((size, i) => new Linear(sizes[i] as number, size, { dtype, rng }));
    this.activation = options.activation ?? relu;
  }

  forward(x: VariableLike): Variable {
    let y = asVariable(x);
    this.layers.forEach((layer, i) => {
      y = layer.call(y);
      if (i < this.layers.length - 1) y = this.activation(y);
    });
    return y;
  }
}
