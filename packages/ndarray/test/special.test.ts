// erf and log1p against CPython's math.erf / math.log1p (C library values, printed with repr).
import { describe, expect, it } from "vitest";
import * as nd from "../src/index";

// [x, math.erf(x)] from CPython 3 (`repr(math.erf(x))`).
const ERF: [number, number][] = [
  [-7, -1.0],
  [-5.5, -0.9999999999999927],
  [-3.2, -0.9999939742388483],
  [-2.0001, -0.9953243313041966],
  [-2, -0.9953222650189527],
  [-1.9999, -0.9953201979070294],
  [-1, -0.8427007929497149],
  [-0.5, -0.5204998778130465],
  [-1e-8, -1.1283791670955126e-8],
  [0, 0.0],
  [1e-300, 1.1283791670955126e-300],
  [1e-8, 1.1283791670955126e-8],
  [0.1, 0.1124629160182849],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [1.5, 0.9661051464753108],
  [1.9999, 0.9953201979070294],
  [2, 0.9953222650189527],
  [2.5, 0.999593047982555],
  [3, 0.9999779095030014],
  [4, 0.9999999845827421],
  [5.9, 0.9999999999999999],
  [6, 1.0],
  [8, 1.0],
];

describe("erf", () => {
  it("matches math.erf to 2e-15 relative error in float64, on both branches and both signs", () => {
    const y = nd
      .erf(
        nd.array(
          ERF.map(([x]) => x),
          "float64",
        ),
      )
      .toArray() as number[];
    ERF.forEach(([x, want], i) => {
      const got = y[i] as number;
      expect(Math.abs(got - want), `erf(${x}) = ${got}, want ${want}`).toBeLessThanOrEqual(
        2e-15 * Math.abs(want),
      );
    });
  });

  it("is odd, keeps −0 and NaN, saturates at ±inf", () => {
    const y = nd
      .erf(nd.array([-0, Number.NaN, Infinity, -Infinity], "float64"))
      .toArray() as number[];
    expect(Object.is(y[0], -0)).toBe(true);
    expect(y.slice(1)).toEqual([Number.NaN, 1, -1]);
  });

  it("gives float32 for int32 input, keeps float32, and reads strided views", () => {
    expect(nd.erf(nd.array([0, 1], "int32")).dtype).toBe("float32");
    const x = nd.transpose(
      nd.array(
        [
          [0.5, 1],
          [-1, 2],
        ],
        "float64",
      ),
    );
    expect(x.isContiguous).toBe(false);
    expect(nd.erf(x).toArray()).toEqual(nd.erf(nd.copy(x)).toArray());
  });

  it("throws TypeError for a non-array", () => {
    expect(() => nd.erf(1 as unknown as nd.NDArray)).toThrow(/erf/);
  });
});

describe("log1p", () => {
  it("matches math.log1p, tiny arguments included", () => {
    const cases: [number, number][] = [
      [-0.5, -Math.LN2],
      [-1e-12, -1.0000000000005e-12],
      [0, 0.0],
      [1e-15, 9.999999999999995e-16],
      [1e-8, 9.999999950000001e-9],
      [0.5, 0.4054651081081644],
      [3, 1.3862943611198906],
    ];
    const y = nd
      .log1p(
        nd.array(
          cases.map(([x]) => x),
          "float64",
        ),
      )
      .toArray() as number[];
    cases.forEach(([, want], i) => {
      expect(y[i]).toBeCloseTo(want, 15);
      expect(Math.abs((y[i] as number) - want)).toBeLessThanOrEqual(1e-15 * Math.abs(want));
    });
  });
});
