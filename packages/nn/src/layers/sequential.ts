import type { Variable, VariableLike } from "@zerograd/autograd";
import { asVariable } from "@zerograd/autograd";
import { Layer } from "../layer";

/**
 * Layers applied one after the other (PyTorch's `nn.Sequential`). They live in the field
 * `layers`, so their parameters are named `layers.0.weight`, `layers.1.bias`, ...; with no
 * layers it is the identity.
 */
export class Sequential extends Layer {
  /** The layers, in order. */
  readonly layers: Layer[];

  constructor(...layers: Layer[]) {
    super();
    layers.forEach((layer, i) => {
      if (!(layer instanceof Layer)) {
        throw new TypeError(`Sequential: argument ${i} is not a Layer (got ${typeof layer})`);
      }
    });
    this.layers = layers;
  }

  forward(x: VariableLike): Variable {
    let y = asVariable(x);
    for (const layer of this.layers) y = layer.call(y);
    return y;
  }
}
