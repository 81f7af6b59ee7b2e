// clipGradNorm / clipGradValue against PyTorch 1.13's clip_grad_norm_ / clip_grad_value_.
import { Parameter, Variable } from "@zerograd/autograd";
import { broadcastTo, type NestedArray } from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import { clipGradNorm, clipGradValue, OptimizerError } from "../src/index";
import { f64, fixture, maxAbsDiff } from "./fixture";

function parameters(values: NestedArray[], grads: (NestedArray | null)[]): Parameter[] {
  return values.map((v, i) => {
    const p = new Parameter(f64(v));
    const g = grads[i];
    if (g !== null && g !== undefined) p.grad = new Variable(f64(g), { requiresGrad: false });
    return p;
  });
}

describe("clipGradNorm matches PyTorch", () => {
  it.each(fixture.clipGradNorm.map((c) => [c.name, c] as const))("%s", (_, testCase) => {
    const params = parameters(testCase.params, testCase.gradsBefore);
    const grads = params.map((p) => p.grad);
    const buffers = params.map((p) => p.grad?.data.data);
    const total = clipGradNorm(params, testCase.maxNorm);
    expect(Math.abs(total - testCase.totalNorm)).toBeLessThan(1e-12);
    params.forEach((p, i) => {
      const expected = testCase.gradsAfter[i];
      if (expected === null) {
        expect(p.grad).toBeNull();
        return;
      }
      // In place: the same grad Variable and buffer.
      expect(p.grad).toBe(grads[i]);
      expect(p.grad?.data.data).toBe(buffers[i]);
      expect(maxAbsDiff(p.grad?.toArray() ?? Number.NaN, expected as NestedArray)).toBeLessThan(
        1e-12,
      );
    });
  });
});

describe("clipGradValue matches PyTorch", () => {
  it.each(fixture.clipGradValue.map((c) => [c.name, c] as const))("%s", (_, testCase) => {
    const params = parameters(testCase.params, testCase.gradsBefore);
    const buffers = params.map((p) => p.grad?.data.data);
    clipGradValue(params, testCase.clipValue);
    params.forEach((p, i) => {
      expect(p.grad?.data.data).toBe(buffers[i]);
      expect(p.grad?.toArray()).toEqual(testCase.gradsAfter[i]);
    });
  });
});

describe("gradient clipping", () => {
  it("other norms: Infinity is the largest magnitude, 1 the sum of magnitudes", () => {
    const make = () => parameters([[0, 0], [0]], [[3, -4], [2]]);
    expect(clipGradNorm(make(), 100, Number.POSITIVE_INFINITY)).toBe(4);
    const ps = make();
    expect(clipGradNorm(ps, 4.5, 1)).toBe(9);
    expect(ps[0]?.grad?.toArray()).toEqual([3, -4].map((g) => g * (4.5 / (9 + 1e-6))));
  });

  it("returns 0 and changes nothing without gradients; accepts one Variable", () => {
    expect(clipGradNorm(parameters([[1]], [null]), 1)).toBe(0);
    const [p] = parameters([[0, 0]], [[3, 4]]);
    expect(clipGradNorm(p as Parameter, 1)).toBe(5);
    expect(p?.grad?.toArray()).toEqual([3 / (5 + 1e-6), 4 / (5 + 1e-6)]);
  });

  it("scales a non-contiguous (broadcast) gradient by replacing its data", () => {
    const p = new Parameter(
      f64([
        [0, 0],
        [0, 0],
      ]),
    );
    p.grad = new Variable(broadcastTo(f64([3, 4]), [2, 2]), { requiresGrad: false });
    clipGradValue([p], 3.5);
    expect(p.grad.toArray()).toEqual([
      [3, 3.5],
      [3, 3.5],
    ]);
    const norm = clipGradNorm([p], 1);
    expect(norm).toBeCloseTo(Math.sqrt(2 * (9 + 3.5 * 3.5)), 14);
    expect(Math.hypot(...(p.grad.data.toArray() as number[][]).flat())).toBeCloseTo(1, 5);
  });

  it.each([
    [
      "negative maxNorm",
      () => clipGradNorm([], -1),
      /clipGradNorm: maxNorm must be a number >= 0, got -1/,
    ],
    [
      "zero normType",
      () => clipGradNorm([], 1, 0),
      /clipGradNorm: normType must be a positive number or Infinity, got 0/,
    ],
    [
      "negative clipValue",
      () => clipGradValue([], -0.5),
      /clipGradValue: clipValue must be a number >= 0, got -0.5/,
    ],
    [
      "not a Variable",
      () => clipGradValue([1] as unknown as Parameter[], 1),
      /clipGradValue: parameter 0 is 1, not a Variable/,
    ],
  ] as const)("%s is an OptimizerError", (_, call, message) => {
    expect(call).toThrow(OptimizerError);
    expect(call).toThrow(message);
  });
});
