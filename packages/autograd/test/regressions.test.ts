// Wrong answers and crashes an independent review against PyTorch 1.13 found, each pinned
// with PyTorch's value.
import * as nd from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import type { Variable } from "../src/index";
import * as ag from "../src/index";

const v = (values: nd.NestedArray) => new ag.Variable(nd.array(values, "float64"));
const values = (x: Variable | null | undefined) => x?.toArray();

describe("gradients own their buffers", () => {
  it("with createGraph, the inputs of an add get separate gradients", () => {
    const p = v([3, 0]);
    const q = v([0, 4]);
    ag.sum(ag.add(p, q)).backward({ createGraph: true });
    const gp = p.grad as Variable;
    const gq = q.grad as Variable;
    expect(gp).not.toBe(gq);
    expect(gp.data.data).not.toBe(gq.data.data);
    nd.mul(gp.data, 0.5, { out: gp.data }); // what clipGradNorm does
    expect(values(gq)).toEqual([1, 1]);
  });

  it("a leaf's gradient is contiguous even when backward made a broadcast view", () => {
    const r = v([1, 2, 3]);
    ag.sum(r).backward({ createGraph: true });
    expect(r.grad?.data.isContiguous).toBe(true);
    expect(r.grad?.data.strides).toEqual([1]);
  });

  it("grad() returns arrays of their own", () => {
    const a = v([1, 2]);
    const b = v([3, 4]);
    const [ga, gb] = ag.grad(ag.sum(ag.add(a, b)), [a, b]);
    expect(ga?.data.data).not.toBe(gb?.data.data);
  });

  it("a second backward accumulates into the same gradient, as PyTorch does", () => {
    const x = v([1, 2]);
    ag.sum(ag.mul(x, 3)).backward();
    const first = x.grad;
    ag.sum(ag.mul(x, 3)).backward();
    expect(x.grad).toBe(first);
    expect(values(x.grad)).toEqual([6, 6]);
  });
});

describe("pow at a zero base (PyTorch's values)", () => {
  it("the base gradient is 0 where the exponent is 0", () => {
    const x = v([0, 1]);
    ag.sum(ag.pow(x, 0)).backward();
    expect(values(x.grad)).toEqual([0, 0]);
  });

  it("the exponent gradient is 0 where the base is 0 and the exponent ≥ 0", () => {
    const b = v([0, 0, 2]);
    const c = v([1, 2, 0]);
    ag.sum(ag.pow(b, c)).backward();
    expect(values(b.grad)).toEqual([1, 0, 0]);
    expect(values(c.grad)).toEqual([0, 0, Math.log(2)]);
    const e = v([0, 1.5]);
    ag.sum(ag.pow(0, e)).backward();
    expect(values(e.grad)).toEqual([0, 0]);
  });

  it("second derivatives there are finite", () => {
    const x = v([0, 2]);
    const [g] = ag.grad(ag.sum(ag.pow(x, 3)), [x], { createGraph: true });
    const [h] = ag.grad(ag.sum(g as Variable), [x]);
    expect(values(h)).toEqual([0, 12]); // 6x
  });
});

describe("std", () => {
  it("has gradient 0 where it is 0 and (x − mean)/(n·std) elsewhere", () => {
    const x = v([
      [1, 1, 1],
      [1, 2, 3],
    ]);
    ag.sum(ag.std(x, 1)).backward();
    const g = (x.grad as Variable).toArray() as number[][];
    expect(g[0]).toEqual([0, 0, 0]);
    const s = Math.sqrt(2 / 3);
    expect(g[1]?.[0]).toBeCloseTo(-1 / (3 * s), 14);
    expect(g[1]?.[1]).toBe(0);
    expect(g[1]?.[2]).toBeCloseTo(1 / (3 * s), 14);
  });

  it("of a single element has gradient 0", () => {
    const x = v([5]);
    ag.std(x).backward();
    expect(values(x.grad)).toEqual([0]);
  });

  it("variance and std name themselves in axis errors", () => {
    expect(() => ag.variance(v([1, 2]), 3)).toThrow(/^variance: axis 3/);
    expect(() => ag.std(v([1, 2]), 3)).toThrow(/^std: axis 3/);
  });
});

describe("prod with zeros", () => {
  it("keeps its second derivative (PyTorch: [5, 3, 2] for [0, 2, 3])", () => {
    const x = v([0, 2, 3]);
    const [g] = ag.grad(ag.prod(x), [x], { createGraph: true });
    expect(values(g)).toEqual([6, 0, 0]);
    expect(g?.requiresGrad).toBe(true);
    const [h] = ag.grad(ag.sum(g as Variable), [x]);
    expect(values(h)).toEqual([5, 3, 2]);
  });

  it("second derivatives pass gradCheck with zeros in some slices", () => {
    const x = nd.array(
      [
        [0, 2, 3],
        [1.5, -2, 0.5],
        [0, 0, 4],
      ],
      "float64",
    );
    const firstDerivative = (a: Variable) =>
      ag.grad(ag.sum(ag.prod(a, 1)), [a], { createGraph: true })[0] as Variable;
    expect(ag.gradCheck(firstDerivative, [x])).toBe(true);
  });
});

describe("split with out-of-order points", () => {
  it("scatters overlapping parts back (NumPy's split allows them)", () => {
    const x = v([1, 2, 3, 4]);
    const [first, empty, last] = ag.split(x, [3, 1]) as [Variable, Variable, Variable];
    expect([first.shape, empty.shape, last.shape]).toEqual([[3], [0], [3]]);
    ag.add(ag.sum(first), ag.sum(last)).backward();
    expect(values(x.grad)).toEqual([1, 2, 2, 1]);
  });
});

describe("graph bookkeeping", () => {
  it("grad() rejects an input that does not require grad", () => {
    const c = new ag.Variable(nd.array([1, 2], "float64"), { requiresGrad: false });
    const x = v([1, 2]);
    expect(() => ag.grad(ag.sum(ag.mul(x, c)), [x, c])).toThrow(ag.AutogradError);
    expect(() => ag.grad(ag.sum(ag.mul(x, c)), [x, c])).toThrow(
      /input 1 \[2\] float64 does not require grad/,
    );
  });

  it("a cast to int32 ends the graph: no creator is recorded", () => {
    const i = ag.astype(v([1.5, 2.5]), "int32");
    expect(i.creator).toBeNull();
    expect(i.requiresGrad).toBe(false);
  });
});
