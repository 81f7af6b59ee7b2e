import type { NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import {
  add,
  div,
  exp,
  Function,
  mul,
  square,
  type Variable,
  type VariableLike,
} from "../internal";

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

class Erf extends Function {
  forward(x: NDArray): NDArray {
    return nd.erf(x);
  }

  backward(gy: Variable): Variable {
    // erf'(x) = 2/√π · e^(−x²), in Variables so higher derivatives stay exact.
    const x = this.inputs[0] as Variable;
    return mul(gy, mul(exp(mul(square(x), -1)), TWO_OVER_SQRT_PI));
  }
}

class Log1p extends Function {
  forward(x: NDArray): NDArray {
    return nd.log1p(x);
  }

  backward(gy: Variable): Variable {
    return div(gy, add(this.inputs[0] as Variable, 1)); // (log(1 + x))' = 1/(1 + x)
  }
}

/** The error function erf x = 2/√π ∫₀ˣ e^(−t²) dt; its gradient is 2/√π · e^(−x²). */
export function erf(x: VariableLike): Variable {
  return new Erf().apply(x);
}

/** log(1 + x), accurate for tiny x; its gradient is 1/(1 + x). */
export function log1p(x: VariableLike): Variable {
  return new Log1p().apply(x);
}
