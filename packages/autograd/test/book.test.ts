// The checks "Deep Learning from Scratch 3" runs on DeZero, as tests, in float64.

import type { NDArray } from "@zerograd/ndarray";
import { allclose, array } from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import {
  add,
  exp,
  Function,
  grad,
  mul,
  numericalGrad,
  pow,
  square,
  sub,
  tanh,
  Variable,
} from "../src/index";

const scalar = (value: number) => new Variable(array(value, "float64"));

class Square extends Function {
  forward(x: NDArray): NDArray {
    return x.square();
  }

  backward(gy: Variable): Variable {
    return mul(mul(this.inputs[0] as Variable, 2), gy);
  }
}

class Exp extends Function {
  forward(x: NDArray): NDArray {
    return x.exp();
  }

  backward(gy: Variable): Variable {
    return mul(this.outputs[0] as Variable, gy);
  }
}

describe("the book's first steps", () => {
  it("y = square(exp(square(x))) at 0.5 agrees with numerical differentiation (steps 4–9)", () => {
    const f = (x: Variable) => new Square().apply(new Exp().apply(new Square().apply(x)));
    const x = scalar(0.5);
    const y = f(x);
    y.backward();
    // y = e^(2x²), dy/dx = 4x·e^(2x²) = 2e^0.5 at 0.5
    expect(y.item()).toBeCloseTo(Math.exp(0.5), 14);
    expect(x.grad?.item()).toBeCloseTo(2 * Math.exp(0.5), 14);
    expect(x.grad?.item()).toBeCloseTo(numericalGrad(f, x.data).item(), 8);
    // the library's own Functions agree with the user-defined ones
    const z = square(exp(square(scalar(0.5))));
    expect(z.item()).toBe(y.item());
  });

  it("step 16: a = x², y = a² + a² at 2 gives 32 and dy/dx = 64", () => {
    const x = scalar(2);
    const a = square(x);
    const y = add(square(a), square(a));
    y.backward();
    expect(y.item()).toBe(32);
    expect(x.grad?.item()).toBe(64);
  });

  it("reused variables accumulate: y = x + x gives 2, and a second backward adds to it", () => {
    const x = scalar(3);
    const y = add(x, x);
    y.backward();
    expect(x.grad?.item()).toBe(2);
    add(add(x, x), x).backward();
    expect(x.grad?.item()).toBe(5);
    x.clearGrad();
    add(add(x, x), x).backward();
    expect(x.grad?.item()).toBe(3);
  });
});

describe("test functions of optimisation (step 24)", () => {
  it("sphere: z = x² + y² at (1, 1) has gradient (2, 2)", () => {
    const x = scalar(1);
    const y = scalar(1);
    add(pow(x, 2), pow(y, 2)).backward();
    expect([x.grad?.item(), y.grad?.item()]).toEqual([2, 2]);
  });

  it("matyas: 0.26(x² + y²) − 0.48xy at (1, 1) has gradient (0.04, 0.04)", () => {
    const x = scalar(1);
    const y = scalar(1);
    sub(mul(0.26, add(pow(x, 2), pow(y, 2))), mul(0.48, mul(x, y))).backward();
    expect(x.grad?.item()).toBeCloseTo(0.04, 14);
    expect(y.grad?.item()).toBeCloseTo(0.04, 14);
  });

  it("goldstein-price at (1, 1) is 1876 with gradient (−5376, 8064)", () => {
    const x = scalar(1);
    const y = scalar(1);
    const z = goldstein(x, y);
    z.backward();
    expect(z.item()).toBe(1876);
    expect(x.grad?.item()).toBe(-5376);
    expect(y.grad?.item()).toBe(8064);
  });

  it("the same formulas through the chaining methods give the same values", () => {
    const x = scalar(1);
    const y = scalar(1);
    const z = x.pow(2).add(y.pow(2)).mul(0.26).sub(x.mul(y).mul(0.48));
    z.backward();
    expect(x.grad?.item()).toBeCloseTo(0.04, 14);
  });
});

function goldstein(x: Variable, y: Variable): Variable {
  const a = add(
    1,
    mul(
      pow(add(add(x, y), 1), 2),
      add(
        sub(add(sub(sub(19, mul(14, x)), 0), mul(3, pow(x, 2))), mul(14, y)),
        add(mul(6, mul(x, y)), mul(3, pow(y, 2))),
      ),
    ),
  );
  const b = add(
    30,
    mul(
      pow(sub(mul(2, x), mul(3, y)), 2),
      add(
        sub(add(sub(18, mul(32, x)), mul(12, pow(x, 2))), mul(0, y)),
        sub(add(mul(48, y), 0), add(mul(36, mul(x, y)), mul(-27, pow(y, 2)))),
      ),
    ),
  );
  return mul(a, b);
}

describe("higher-order derivatives (stage 3)", () => {
  it("Newton's method on x⁴ − 2x² from 2 uses the second derivative and converges to 1", () => {
    const f = (x: Variable) => sub(pow(x, 4), mul(2, pow(x, 2)));
    const x = scalar(2);
    const iterates: number[] = [];
    for (let i = 0; i < 10; i++) {
      iterates.push(x.item());
      const y = f(x);
      x.clearGrad();
      y.backward({ createGraph: true });
      const gx = x.grad as Variable;
      x.clearGrad();
      gx.backward();
      const gx2 = x.grad as unknown as Variable;
      x.data = x.data.sub(gx.data.div(gx2.data));
    }
    const expected = [
      2, 1.4545454545454546, 1.1510467893775467, 1.0253259289766978, 1.0009084519430513,
    ];
    for (const [i, v] of expected.entries()) expect(iterates[i]).toBeCloseTo(v, 12);
    expect(iterates[9]).toBe(1);
  });

  it("derivatives of tanh at 1 of orders 2, 3 and 4", () => {
    const x = scalar(1);
    let g = tanh(x);
    const orders: number[] = [];
    for (let order = 1; order <= 4; order++) {
      x.clearGrad();
      g.backward({ createGraph: true });
      g = x.grad as Variable;
      orders.push(g.item());
    }
    // closed forms with t = tanh 1, s = 1 − t²: −2ts, −2s² + 4t²s, 16ts² − 8t³s
    const t = Math.tanh(1);
    expect(orders[0]).toBeCloseTo(1 - t * t, 14);
    expect(orders[1]).toBeCloseTo(-0.6397000084492246, 12);
    expect(orders[2]).toBeCloseTo(0.6216266807712961, 12);
    expect(orders[3]).toBeCloseTo(0.6650910447505023, 12);
  });

  it("double backprop: y = x², z = (dy/dx)³ + y at 2 gives dz/dx = 100", () => {
    const x = scalar(2);
    const y = pow(x, 2);
    y.backward({ createGraph: true });
    const gx = x.grad as Variable;
    x.clearGrad();
    const z = add(pow(gx, 3), y);
    z.backward();
    expect(x.grad?.item()).toBe(100);
  });

  it("grad() gives the same derivatives without touching .grad", () => {
    const x = scalar(2);
    const y = sub(pow(x, 4), mul(2, pow(x, 2)));
    const [g1] = grad(y, [x], { createGraph: true });
    const [g2] = grad(g1 as Variable, [x]);
    expect(g1?.item()).toBe(24); // 4x³ − 4x
    expect(g2?.item()).toBe(44); // 12x² − 4
    expect(x.grad).toBeNull();
  });

  it("numerical and analytical gradients agree on arrays (step 10)", () => {
    const x = new Variable(array([[0.3, -1.2, 2.0]], "float64"));
    const f = (v: Variable) => square(exp(mul(v, 0.5)));
    f(x).backward();
    expect(
      allclose((x.grad as Variable).data, numericalGrad(f, x), { rtol: 1e-8, atol: 1e-8 }),
    ).toBe(true);
  });
});
