// The public contract of DESIGN.md: tests outside this package call these names exactly so.
import { describe, expect, it } from "vitest";
import * as nd from "../src/index";

const FUNCTIONS = [
  // creation and random
  "array zeros ones full zerosLike onesLike arange linspace eye",
  // elementwise
  "add sub mul div pow maximum minimum equal notEqual less lessEqual greater greaterEqual where",
  "neg abs sign exp log sqrt square tanh sin cos sigmoid relu clip erf log1p",
  // reductions
  "sum mean max min prod variance var std logsumexp argmax argmin",
  // shape
  "reshape transpose broadcastTo sumTo squeeze expandDims flatten concat stack split pad",
  // indexing, linear algebra, conv
  "index slice take scatterAdd oneHot matmul im2col col2im",
  // cumulative, triangles, sorting
  "cumsum tril triu sort argsort topk",
  // out
  "allclose arrayEqual broadcastShapes contiguous copy astype",
].flatMap((group) => group.split(" "));

const METHODS =
  "add sub mul div pow neg exp log sqrt square tanh sigmoid relu sum mean max min prod variance std logsumexp argmax argmin reshape transpose broadcastTo sumTo squeeze expandDims flatten index slice take cumsum tril triu sort argsort topk matmul contiguous copy astype toArray toTypedArray item toString".split(
    " ",
  );

describe("public API of DESIGN.md", () => {
  it.each(FUNCTIONS)("exports %s as a function", (name) => {
    expect(typeof (nd as Record<string, unknown>)[name]).toBe("function");
  });

  it.each(METHODS)("NDArray has the chaining method %s", (name) => {
    expect(typeof (nd.NDArray.prototype as unknown as Record<string, unknown>)[name]).toBe(
      "function",
    );
  });

  it("exports the classes: NDArray, Random and the error hierarchy", () => {
    const x = nd.zeros([2, 3]);
    expect(Object.keys(x).sort()).toEqual(["data", "dtype", "offset", "shape", "strides"]);
    const rng = new nd.Random(0);
    for (const m of [
      "uniform",
      "normal",
      "integers",
      "permutation",
      "shuffle",
      "categorical",
      "bernoulli",
    ]) {
      expect(typeof (rng as unknown as Record<string, unknown>)[m]).toBe("function");
    }
    for (const E of [nd.ShapeError, nd.IndexError, nd.DTypeError]) {
      expect(new E("m")).toBeInstanceOf(nd.NDArrayError);
      expect(new E("m")).toBeInstanceOf(Error);
    }
  });

  it("chains as DESIGN.md shows: a.add(b).sum(1)", () => {
    const a = nd.arange(6, undefined, 1, "float32").reshape([2, 3]);
    const b = nd.ones([3]);
    expect(a.add(b).sum(1).toArray()).toEqual([6, 15]);
  });
});
