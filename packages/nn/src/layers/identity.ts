import { asVariable, type Variable, type VariableLike } from "@zerograd/autograd";
import { Layer } from "../layer";

/**
 * Returns its input unchanged (PyTorch's `nn.Identity`): a placeholder where a model slot
 * takes a layer but should do nothing, such as a removed classifier head.
 */
export class Identity extends Layer {
  forward(x: VariableLike): Variable {
    return asVariable(x);
  }
}
