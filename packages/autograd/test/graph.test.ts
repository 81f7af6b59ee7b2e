// Variable, Function, backward, grad mode, grad(), detach/unchain and toDot.

import type { NDArray } from "@zerograd/ndarray";
import * as nd from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import {
  AutogradError,
  add,
  enableGrad,
  exp,
  Function,
  grad,
  isGradEnabled,
  matmul,
  mul,
  noGrad,
  Parameter,
  split,
  square,
  sum,
  toDot,
  Variable,
} from "../src/index";

const f64 = (values: nd.NestedArray) => new Variable(nd.array(values, "float64"));

describe("Variable", () => {
  it("wraps an NDArray without copying and takes numbers and nested arrays", () => {
    const data = nd.array([1, 2, 3]);
    const x = new Variable(data, { name: "x" });
    expect(x.data).toBe(data);
    expect([x.shape, x.ndim, x.size, x.dtype, x.name]).toEqual([[3], 1, 3, "float32", "x"]);
    expect(new Variable(2).dtype).toBe("float32");
    expect(new Variable([[1, 2]]).shape).toEqual([1, 2]);
    expect(x.grad).toBeNull();
    expect(x.creator).toBeNull();
    expect(x.generation).toBe(0);
  });

  it("float Variables require grad by default; int and bool never do", () => {
    expect(new Variable(nd.array([1.5], "float64")).requiresGrad).toBe(true);
    expect(new Variable(nd.array([1], "int32")).requiresGrad).toBe(false);
    expect(new Variable(nd.array([true])).requiresGrad).toBe(false);
    expect(new Variable(nd.array([1]), { requiresGrad: false }).requiresGrad).toBe(false);
    expect(() => new Variable(nd.array([1], "int32"), { requiresGrad: true })).toThrow(
      nd.DTypeError,
    );
    expect(() => new Parameter(nd.array([1], "int32"))).toThrow(
      /only float Variables.*int32 \[1\]/,
    );
    expect(new Parameter(nd.zeros([2])).requiresGrad).toBe(true);
    expect(new Parameter(nd.zeros([2]))).toBeInstanceOf(Variable);
  });

  it("prints as ndarray does, as variable(...) with its creator and name", () => {
    const x = f64([
      [1, 2],
      [3, 4],
    ]);
    expect(x.toString()).toBe(
      "variable([[1., 2.],\n          [3., 4.]], shape=[2,2], dtype=float64)",
    );
    const y = add(x, 1);
    y.name = "y";
    expect(y.toString()).toBe(
      "variable([[2., 3.],\n          [4., 5.]], shape=[2,2], dtype=float64, creator=Add, name=y)",
    );
  });

  it("records creator and generation for results", () => {
    const x = f64([1]);
    const a = square(x);
    const b = exp(a);
    const y = add(a, b);
    expect(a.creator?.name).toBe("Square");
    expect([a.generation, b.generation, y.generation]).toEqual([1, 2, 3]);
    expect(y.creator?.inputs).toEqual([a, b]);
    expect(y.creator?.outputs).toEqual([y]);
  });
});

describe("grad mode", () => {
  it("noGrad records nothing, returns fn's result and restores the mode even on throw", () => {
    const x = f64([1, 2]);
    const y = noGrad(() => mul(x, 2));
    expect(y.creator).toBeNull();
    expect(y.requiresGrad).toBe(false);
    expect(isGradEnabled()).toBe(true);
    expect(() =>
      noGrad(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(isGradEnabled()).toBe(true);
    noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      const z = enableGrad(() => mul(x, 2));
      expect(z.creator?.name).toBe("Mul");
      expect(isGradEnabled()).toBe(false);
    });
  });

  it("records nothing when no input requires grad", () => {
    const c = new Variable(nd.array([1, 2]), { requiresGrad: false });
    const y = add(c, nd.array([3, 4]));
    expect(y.creator).toBeNull();
    expect(y.requiresGrad).toBe(false);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/does not require grad/);
  });

  it("int results of float inputs do not require grad", () => {
    const x = f64([1.5, 2.5]);
    const i = x.astype("int32");
    expect(i.requiresGrad).toBe(false);
  });
});

describe("backward", () => {
  it("seeds a non-scalar output with ones (DeZero)", () => {
    const x = f64([1, 2, 3]);
    mul(x, 2).backward();
    expect(x.grad?.toArray()).toEqual([2, 2, 2]);
  });

  it("drops intermediate gradients unless retainGrad", () => {
    const x = f64(2);
    const a = square(x);
    const y = mul(a, 3);
    y.backward();
    expect([a.grad, y.grad]).toEqual([null, null]);
    expect(x.grad?.item()).toBe(12);
    x.clearGrad();
    y.backward({ retainGrad: true });
    expect(a.grad?.item()).toBe(3);
    expect(y.grad?.item()).toBe(1);
    expect(x.grad?.item()).toBe(12);
  });

  it("Variable.retainGrad keeps one intermediate gradient", () => {
    const x = f64(2);
    const a = square(x);
    const b = square(a);
    a.retainGrad();
    b.backward();
    expect(a.grad?.item()).toBe(8);
    expect(b.grad).toBeNull();
  });

  it("without createGraph, gradients are plain leaves; with it they are recorded", () => {
    const x = f64(3);
    square(x).backward();
    expect(x.grad?.creator).toBeNull();
    expect(x.grad?.requiresGrad).toBe(false);
    x.clearGrad();
    square(x).backward({ createGraph: true });
    expect(x.grad?.creator).not.toBeNull();
    expect(x.grad?.requiresGrad).toBe(true);
  });

  it("gives every leaf its own gradient buffer, so in-place updates do not leak", () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    add(a, b).backward();
    const ga = a.grad as Variable;
    const gb = b.grad as Variable;
    expect(ga.data.data).not.toBe(gb.data.data);
    nd.mul(ga.data, 10, { out: ga.data });
    expect(gb.toArray()).toEqual([1, 1]);
  });

  it("runs a chain of 100,000 ops without recursion", () => {
    const x = f64(0);
    let y = x;
    for (let i = 0; i < 100_000; i++) y = add(y, 1);
    expect(y.generation).toBe(100_000);
    y.backward();
    expect(y.item()).toBe(100_000);
    expect(x.grad?.item()).toBe(1);
  }, 60_000); // about 1 s alone; a loaded machine can take several

  it("walks a diamond in generation order, so shared branches are summed first", () => {
    // y = (x²)² + (x²)²·… : the book's step 16 graph, one branch longer than the other
    const x = f64(1.5);
    const a = square(x);
    const b = exp(square(a));
    const y = add(add(a, b), mul(a, a));
    y.backward();
    const expected = 2 * 1.5 + 4 * 1.5 ** 3 * Math.exp(1.5 ** 4) + 4 * 1.5 ** 3;
    expect(x.grad?.item()).toBeCloseTo(expected, 10);
  });

  it("casts a gradient to its input's dtype", () => {
    const x = new Variable(nd.array([1, 2], "float32"));
    const y = mul(x, nd.array([0.5, 0.25], "float64"));
    expect(y.dtype).toBe("float64");
    y.backward();
    expect(x.grad?.dtype).toBe("float32");
    expect(x.grad?.toArray()).toEqual([0.5, 0.25]);
  });

  it("a backward of a leaf accumulates ones into it", () => {
    const x = f64([1, 2]);
    x.backward();
    x.backward();
    expect(x.grad?.toArray()).toEqual([2, 2]);
  });
});

describe("a user-defined Function", () => {
  class Cube extends Function {
    forward(x: NDArray): NDArray {
      return nd.pow(x, 3);
    }

    backward(gy: Variable): Variable {
      const x = this.inputs[0] as Variable;
      return mul(gy, mul(square(x), 3));
    }
  }

  class WrongShape extends Function {
    forward(x: NDArray): NDArray {
      return nd.sum(x, 1);
    }

    backward(gy: Variable): Variable {
      return gy; // forgot to broadcast back to [2, 3]
    }
  }

  class TwoGradients extends Function {
    forward(x: NDArray): NDArray {
      return x;
    }

    backward(gy: Variable): Variable[] {
      return [gy, gy];
    }
  }

  it("works end to end, including second derivatives", () => {
    const x = f64(2);
    const y = new Cube().apply(x);
    expect(y.item()).toBe(8);
    y.backward({ createGraph: true });
    const gx = x.grad as Variable;
    expect(gx.item()).toBe(12);
    x.clearGrad();
    gx.backward();
    expect(x.grad?.item()).toBe(12); // 6x
  });

  it("takes NDArrays and numbers as constants", () => {
    const y = new Cube().apply(nd.array([2], "float64"));
    expect(y.requiresGrad).toBe(false);
    expect(new Cube().apply(3).item()).toBe(27);
  });

  it("a wrong-shaped gradient fails naming the Function and both shapes", () => {
    const x = f64([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const y = new WrongShape().apply(x);
    expect(() => y.backward()).toThrow(nd.ShapeError);
    expect(() => y.backward()).toThrow(
      "backward: WrongShape returned a gradient of shape [2] for its input 0 of shape [2,3]",
    );
    expect(x.grad).toBeNull();
  });

  it("a wrong number of gradients fails naming the Function", () => {
    const y = new TwoGradients().apply(f64([1]));
    expect(() => y.backward()).toThrow(
      "backward: TwoGradients returned 2 gradient(s) for its 1 input(s)",
    );
  });

  it("a Function with several outputs gets zeros for the ones not used", () => {
    const x = f64([1, 2, 3, 4]);
    const [a, b] = split(x, 2) as [Variable, Variable];
    expect(b.shape).toEqual([2]);
    mul(a, 5).backward();
    expect(x.grad?.toArray()).toEqual([5, 5, 0, 0]);
  });
});

describe("grad()", () => {
  it("returns gradients in input order without touching .grad", () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const unused = f64(7);
    const y = sum(mul(a, b));
    const [ga, gb, gu] = grad(y, [a, b, unused]);
    expect(ga?.toArray()).toEqual([3, 4]);
    expect(gb?.toArray()).toEqual([1, 2]);
    expect(gu?.item()).toBe(0);
    expect([a.grad, b.grad]).toEqual([null, null]);
  });

  it("differentiates with respect to an intermediate Variable", () => {
    const x = f64(2);
    const a = square(x);
    const y = mul(a, a);
    expect(grad(y, a)[0]?.item()).toBe(8);
  });

  it("sums over several outputs", () => {
    const x = f64(3);
    const [g] = grad([square(x), mul(x, 4)], [x]);
    expect(g?.item()).toBe(10);
  });
});

describe("detach and unchain", () => {
  it("detach shares data and cuts the graph", () => {
    const x = f64([1, 2]);
    const y = square(x);
    const d = y.detach();
    expect(d.data).toBe(y.data);
    expect(d.creator).toBeNull();
    expect(d.requiresGrad).toBe(false);
  });

  it("unchainBackward cuts everything upstream (truncated backprop)", () => {
    const x = f64(2);
    const h = square(x);
    const y = exp(h);
    const loss = mul(y, 2);
    loss.unchainBackward();
    expect(loss.creator).not.toBeNull();
    expect([y.creator, h.creator]).toEqual([null, null]);
    loss.backward();
    expect(y.grad?.item()).toBe(2); // y is now a leaf
    expect(x.grad).toBeNull();
  });
});

describe("toDot", () => {
  it("writes variables, functions and edges as Graphviz DOT", () => {
    const x = new Variable(nd.array([1, 2], "float64"), { name: "x" });
    const y = square(x);
    y.name = "y";
    expect(toDot(y)).toBe(
      [
        "digraph g {",
        '  1 [label="y", color=orange, style=filled]',
        '  2 [label="Square", color=lightblue, style=filled, shape=box]',
        '  3 [label="x", color=orange, style=filled]',
        "  3 -> 2",
        "  2 -> 1",
        "}",
        "",
      ].join("\n"),
    );
    expect(toDot(y, { verbose: true })).toContain('label="x: [2] float64"');
  });

  it("lists each node once in a graph with shared parts", () => {
    const a = f64([[1, 2]]);
    const b = f64([[3], [4]]);
    const y = add(matmul(a, b), matmul(a, b));
    const dot = toDot(y, { verbose: true });
    expect(dot.match(/label="MatMul"/g)).toHaveLength(2);
    expect(dot.match(/label="Add"/g)).toHaveLength(1);
    expect(dot.match(/\[1,2\] float64/g)).toHaveLength(1);
  });
});

describe("bad input", () => {
  it("an operand that is not a Variable, NDArray or number is a DTypeError naming the op", () => {
    expect(() => add(f64([1]), "2" as unknown as number)).toThrow(nd.DTypeError);
    expect(() => add(f64([1]), [1, 2] as unknown as number)).toThrow(
      "Add: expected a Variable, an NDArray or a number, got a JS array",
    );
  });

  it("shape errors come from ndarray, name the op and both shapes, and record nothing", () => {
    const a = f64([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = f64([1, 2]);
    expect(() => add(a, b)).toThrow("add: cannot broadcast [2,3] with [2]");
    expect(() => matmul(a, a)).toThrow(nd.ShapeError);
    expect(a.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect([a.grad, b.grad]).toEqual([null, null]);
  });
});
