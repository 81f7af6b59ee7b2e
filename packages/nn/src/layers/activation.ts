import { tanh, type Variable, type VariableLike } from "@zerograd/autograd";
import { NNError } from "../errors";
import { leakyRelu, relu, sigmoid, softmax } from "../functional/activation";
import { type GeluOptions, gelu, silu } from "../functional/gelu";
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

/** `gelu` as a layer (PyTorch's `nn.GELU`), exact by default or `{ approximate: "tanh" }`. */
export class GELU extends Layer {
  readonly approximate: "none" | "tanh";

  constructor(options: GeluOptions = {}) {
    super();
    const { approximate = "none" } = options;
    if (approximate !== "none" && approximate !== "tanh") {
      throw new NNError(
        `GELU: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`,
      );
    }
    this.approximate = approximate;
  }

  forward(x: VariableLike): Variable {
    return gelu(x, { approximate: this.approximate });
  }
}

/** `silu` as a layer (PyTorch's `nn.SiLU`). */
export class SiLU extends Layer {
  forward(x: VariableLike): Variable {
    return silu(x);
  }
}
