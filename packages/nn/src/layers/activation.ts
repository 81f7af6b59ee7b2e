import { tanh, type Variable, type VariableLike } from "@zerograd/autograd";
import { leakyRelu, relu, sigmoid, softmax } from "../functional/activation";
import { Layer } from "../layer";

/** `relu` as a layer (PyTorch's `nn.ReLU`). */
export class ReLU extends Layer {
  forward(x: VariableLike): Variable {
    return relu(x);
  }
}

/** `sigmoid` as a layer (PyTorch's `nn.Sigmoid`). */
export class Sigmoid extends Layer {
  forward(x: VariableLike): Variable {
    return sigmoid(x);
  }
}

/** tanh as a layer (PyTorch's `nn.Tanh`). */
export class Tanh extends Layer {
  forward(x: VariableLike): Variable {
    return tanh(x);
  }
}

/** `leakyRelu` with a fixed `slope` (default 0.01) as a layer (PyTorch's `nn.LeakyReLU`). */
export class LeakyReLU extends Layer {
  constructor(readonly slope = 0.01) {
    super();
  }

  forward(x: VariableLike): Variable {
    return leakyRelu(x, this.slope);
  }
}

/** `softmax` along `axis` (default the last) as a layer (PyTorch's `nn.Softmax`). */
export class Softmax extends Layer {
  constructor(readonly axis = -1) {
    super();
  }

  forward(x: VariableLike): Variable {
    return softmax(x, this.axis);
  }
}
