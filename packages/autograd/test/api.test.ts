// The public contract of DESIGN.md's autograd section: tests outside this package call these
// names exactly so.
import * as nd from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import * as ag from "../src/index";

// Every differentiable ndarray op has a Function here under the same name.
const OPS = [
  "add sub mul div neg pow maximum minimum",
  "exp log sqrt square tanh sin cos sigmoid relu abs sign clip where erf log1p",
  "sum mean max min prod variance var std logsumexp",
  "matmul reshape transpose broadcastTo sumTo squeeze expandDims flatten astype copy",
  "concat stack split pad index slice take scatterAdd im2col col2im",
  "cumsum tril triu sort argsort topk",
]
  .join(" ")
  .split(" ");

const METHODS = [
  "add sub mul div neg pow matmul reshape transpose sum mean max min exp log",
  "square sqrt tanh sin cos sigmoid relu abs maximum minimum clip broadcastTo sumTo",
  "squeeze expandDims flatten index slice take cumsum tril triu sort argsort topk pad logsumexp prod variance var std astype",
  "backward clearGrad detach unchainBackward retainGrad item toArray toString",
]
  .join(" ")
  .split(" ");

describe("the autograd contract", () => {
  it("exports the classes, grad mode, grad, gradCheck and toDot", () => {
    for (const name of ["Variable", "Parameter", "Function", "GradCheckError", "AutogradError"]) {
      expect(typeof (ag as Record<string, unknown>)[name], name).toBe("function");
    }
    for (const name of [
      "noGrad",
      "enableGrad",
      "isGradEnabled",
      "grad",
      "numericalGrad",
      "gradCheck",
      "toDot",
    ]) {
      expect(typeof (ag as Record<string, unknown>)[name], name).toBe("function");
    }
  });

  it("exports every differentiable ndarray op under its ndarray name", () => {
    for (const name of OPS) {
      expect(typeof (ag as Record<string, unknown>)[name], name).toBe("function");
      expect(typeof (nd as Record<string, unknown>)[name], `ndarray has ${name}`).toBe("function");
    }
  });

  it("gives Variable the chaining methods and properties", () => {
    const x = new ag.Variable(nd.array([[1, 2]]));
    for (const name of METHODS) {
      expect(typeof (x as unknown as Record<string, unknown>)[name], name).toBe("function");
    }
    expect([x.shape, x.ndim, x.size, x.dtype]).toEqual([[1, 2], 2, 2, "float32"]);
    expect(x.T.shape).toEqual([2, 1]);
    expect(x.add(1).mul(2).sum(1).toArray()).toEqual([10]);
  });

  it("each op takes Variables, NDArrays and numbers and returns a Variable", () => {
    const v = new ag.Variable(nd.array([1, 2], "float64"));
    for (const y of [
      ag.add(v, 1),
      ag.add(nd.array([1, 2]), v),
      ag.add(2, 3),
      ag.exp(nd.zeros([2])),
    ]) {
      expect(y).toBeInstanceOf(ag.Variable);
    }
    expect(ag.add(v, 1).dtype).toBe("float64"); // a number stays a weak scalar
    expect(ag.add(new ag.Variable(nd.array([1], "int32")), 2).dtype).toBe("int32");
    expect(ag.add(2, 3).item()).toBe(5);
  });

  it("asVariable wraps NDArrays and numbers as constants and returns Variables as they are", () => {
    const v = new ag.Variable(nd.array([1, 2], "float64"));
    expect(ag.asVariable(v)).toBe(v);
    const data = nd.array([3, 4]);
    const c = ag.asVariable(data);
    expect(c.data).toBe(data);
    expect(c.requiresGrad).toBe(false);
    expect(ag.asVariable(2.5).dtype).toBe("float32");
  });
});
