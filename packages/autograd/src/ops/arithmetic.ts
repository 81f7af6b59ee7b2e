import type { NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { Function, log, unbroadcast, type Variable, type VariableLike, where } from "../internal";

// Binary ops broadcast like ndarray's; each gradient is summed back to its input's shape.
// A gradient is computed only for inputs that require grad.

class Add extends Function {
  forward(a: NDArray, b: NDArray): NDArray {
    return nd.add(a, b);
  }

  backward(gy: Variable): (Variable | null)[] {
    const [a, b] = this.inputs as [Variable, Variable];
    return [
      this.needsInputGrad(0) ? unbroadcast(gy, a.shape) : null,
      this.needsInputGrad(1) ? unbroadcast(gy, b.shape) : null,
    ];
  }
}

class Sub extends Function {
  forward(a: NDArray, b: NDArray): NDArray {
    return nd.sub(a, b);
  }

  backward(gy: Variable): (Variable | null)[] {
    const [a, b] = this.inputs as [Variable, Variable];
    return [
      this.needsInputGrad(0) ? unbroadcast(gy, a.shape) : null,
      this.needsInputGrad(1) ? unbroadcast(neg(gy), b.shape) : null,
    ];
  }
}

class Mul extends Function {
  forward(a: NDArray, b: NDArray): NDArray {
    return nd.mul(a, b);
  }

  backward(gy: Variable): (Variable | null)[] {
    const [a, b] = this.inputs as [Variable, Variable];
    return [
      this.needsInputGrad(0) ? unbroadcast(mul(gy, b), a.shape) : null,
      this.needsInputGrad(1) ? unbroadcast(mul(gy, a), b.shape) : null,
    ];
  }
}

class Div extends Function {
  forward(a: NDArray, b: NDArray): NDArray {
    return nd.div(a, b);
  }

  backward(gy: Variable): (Variable | null)[] {
    const [a, b] = this.inputs as [Variable, Variable];
    // d(a/b)/da = 1/b, d(a/b)/db = -a/b²
    return [
      this.needsInputGrad(0) ? unbroadcast(div(gy, b), a.shape) : null,
      this.needsInputGrad(1) ? unbroadcast(neg(div(mul(gy, a), mul(b, b))), b.shape) : null,
    ];
  }
}

class Neg extends Function {
  forward(x: NDArray): NDArray {
    return nd.neg(x);
  }

  backward(gy: Variable): Variable {
    return neg(gy);
  }
}

class Pow extends Function {
  forward(x: NDArray, c: NDArray): NDArray {
    return nd.pow(x, c);
  }

  backward(gy: Variable): (Variable | null)[] {
    const [x, c] = this.inputs as [Variable, Variable];
    const y = this.outputs[0] as Variable;
    // d(x^c)/dx = c·x^(c−1) and d(x^c)/dc = x^c·log x, with PyTorch's values at a zero base:
    // 0 where c = 0 (not 0·0^−1) and, for the exponent, 0 where x = 0 and c ≥ 0 (not 0·log 0).
    // The undefined factor is replaced by a harmless one rather than masked afterwards, so
    // no NaN reaches a second derivative either.
    const grads: (Variable | null)[] = [null, null];
    if (this.needsInputGrad(0)) {
      const exponent = where(nd.equal(c.data, 0), 1, c); // c·x^(c'−1) is 0 where c = 0
      grads[0] = unbroadcast(mul(gy, mul(c, pow(x, sub(exponent, 1)))), x.shape);
    }
    if (this.needsInputGrad(1)) {
      const zeroBase = nd.mul(nd.equal(x.data, 0), nd.greaterEqual(c.data, 0)); // x^c is 0 or 1 there
      grads[1] = unbroadcast(mul(gy, mul(y, log(where(zeroBase, 1, x)))), c.shape);
    }
    return grads;
  }
}

/**
 * Maximum and minimum pass the gradient to the input that was picked; on a tie each input
 * gets half (PyTorch's rule), so the two halves still sum to the output's gradient.
 */
abstract class ElementwiseExtremum extends Function {
  /** Where `a` is picked over `b` (bool). */
  protected abstract wins(a: NDArray, b: NDArray): NDArray;

  backward(gy: Variable): (Variable | null)[] {
    const [a, b] = this.inputs as [Variable, Variable];
    const shareOfA = nd.add(this.wins(a.data, b.data), nd.mul(nd.equal(a.data, b.data), 0.5));
    return [
      this.needsInputGrad(0) ? unbroadcast(mul(gy, shareOfA), a.shape) : null,
      this.needsInputGrad(1) ? unbroadcast(mul(gy, nd.sub(1, shareOfA)), b.shape) : null,
    ];
  }
}

class Maximum extends ElementwiseExtremum {
  forward(a: NDArray, b: NDArray): NDArray {
    return nd.maximum(a, b);
  }

  protected wins(a: NDArray, b: NDArray): NDArray {
    return nd.greater(a, b);
  }
}

class Minimum extends ElementwiseExtremum {
  forward(a: NDArray, b: NDArray): NDArray {
    return nd.minimum(a, b);
  }

  protected wins(a: NDArray, b: NDArray): NDArray {
    return nd.less(a, b);
  }
}

/** a + b, broadcasting; its gradient is summed back to each input's shape. */
export function add(a: VariableLike, b: VariableLike): Variable {
  return new Add().apply(a, b);
}

/** a − b, broadcasting. */
export function sub(a: VariableLike, b: VariableLike): Variable {
  return new Sub().apply(a, b);
}

/** a · b elementwise, broadcasting. */
export function mul(a: VariableLike, b: VariableLike): Variable {
  return new Mul().apply(a, b);
}

/** a / b elementwise, broadcasting (int inputs give float32, as in ndarray). */
export function div(a: VariableLike, b: VariableLike): Variable {
  return new Div().apply(a, b);
}

/** −x. */
export function neg(x: VariableLike): Variable {
  return new Neg().apply(x);
}

/**
 * x raised to `exponent` (a number or a Variable), broadcasting. The gradient with respect
 * to a Variable exponent is x^c·log x, which is NaN where x < 0.
 */
export function pow(x: VariableLike, exponent: VariableLike): Variable {
  return new Pow().apply(x, exponent);
}

/** The elementwise larger of a and b (NaN propagates); a tie splits the gradient evenly. */
export function maximum(a: VariableLike, b: VariableLike): Variable {
  return new Maximum().apply(a, b);
}

/** The elementwise smaller of a and b (NaN propagates); a tie splits the gradient evenly. */
export function minimum(a: VariableLike, b: VariableLike): Variable {
  return new Minimum().apply(a, b);
}
