import type { NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { div, Function, mul, neg, sub, type Variable, type VariableLike } from "../internal";

// Unary math. Where the derivative is easiest in terms of the output y, backward uses
// `this.outputs[0]`, a recorded Variable, so higher derivatives stay exact.

class Exp extends Function {
  forward(x: NDArray): NDArray {
    return nd.exp(x);
  }

  backward(gy: Variable): Variable {
    return mul(gy, this.outputs[0] as Variable); // (eˣ)' = eˣ
  }
}

class Log extends Function {
  forward(x: NDArray): NDArray {
    return nd.log(x);
  }

  backward(gy: Variable): Variable {
    return div(gy, this.inputs[0] as Variable); // (log x)' = 1/x
  }
}

class Sqrt extends Function {
  forward(x: NDArray): NDArray {
    return nd.sqrt(x);
  }

  backward(gy: Variable): Variable {
    return div(gy, mul(this.outputs[0] as Variable, 2)); // (√x)' = 1/(2√x)
  }
}

class Square extends Function {
  forward(x: NDArray): NDArray {
    return nd.square(x);
  }

  backward(gy: Variable): Variable {
    return mul(gy, mul(this.inputs[0] as Variable, 2)); // (x²)' = 2x
  }
}

class Tanh extends Function {
  forward(x: NDArray): NDArray {
    return nd.tanh(x);
  }

  backward(gy: Variable): Variable {
    const y = this.outputs[0] as Variable;
    return mul(gy, sub(1, mul(y, y))); // (tanh x)' = 1 − tanh²x
  }
}

class Sin extends Function {
  forward(x: NDArray): NDArray {
    return nd.sin(x);
  }

  backward(gy: Variable): Variable {
    return mul(gy, cos(this.inputs[0] as Variable));
  }
}

class Cos extends Function {
  forward(x: NDArray): NDArray {
    return nd.cos(x);
  }

  backward(gy: Variable): Variable {
    return mul(gy, neg(sin(this.inputs[0] as Variable)));
  }
}

class Sigmoid extends Function {
  forward(x: NDArray): NDArray {
    return nd.sigmoid(x);
  }

  backward(gy: Variable): Variable {
    const y = this.outputs[0] as Variable;
    return mul(gy, mul(y, sub(1, y))); // σ' = σ(1 − σ)
  }
}

class Relu extends Function {
  forward(x: NDArray): NDArray {
    return nd.relu(x);
  }

  backward(gy: Variable): Variable {
    return mul(gy, nd.greater((this.inputs[0] as Variable).data, 0)); // 1 where x > 0, else 0
  }
}

class Abs extends Function {
  forward(x: NDArray): NDArray {
    return nd.abs(x);
  }

  backward(gy: Variable): Variable {
    return mul(gy, nd.sign((this.inputs[0] as Variable).data)); // 0 at x = 0, as PyTorch
  }
}

class Sign extends Function {
  forward(x: NDArray): NDArray {
    return nd.sign(x);
  }

  backward(gy: Variable): Variable {
    return mul(gy, 0); // flat almost everywhere; PyTorch's gradient is zero too
  }
}

/** eˣ. */
export function exp(x: VariableLike): Variable {
  return new Exp().apply(x);
}

/** Natural logarithm (−inf at 0, NaN below). */
export function log(x: VariableLike): Variable {
  return new Log().apply(x);
}

/** √x (its gradient is inf at 0). */
export function sqrt(x: VariableLike): Variable {
  return new Sqrt().apply(x);
}

/** x². */
export function square(x: VariableLike): Variable {
  return new Square().apply(x);
}

/** tanh x. */
export function tanh(x: VariableLike): Variable {
  return new Tanh().apply(x);
}

/** sin x. */
export function sin(x: VariableLike): Variable {
  return new Sin().apply(x);
}

/** cos x. */
export function cos(x: VariableLike): Variable {
  return new Cos().apply(x);
}

/** The logistic function 1/(1 + e⁻ˣ), computed without overflow. */
export function sigmoid(x: VariableLike): Variable {
  return new Sigmoid().apply(x);
}

/** max(x, 0); the gradient is 1 where x > 0 and 0 elsewhere (0 at x = 0, as PyTorch). */
export function relu(x: VariableLike): Variable {
  return new Relu().apply(x);
}

/** |x|; the gradient is sign(x) (0 at x = 0, as PyTorch). */
export function abs(x: VariableLike): Variable {
  return new Abs().apply(x);
}

/** −1, 0 or 1 by the sign of x; its gradient is zero. */
export function sign(x: VariableLike): Variable {
  return new Sign().apply(x);
}
