import { describe, expect, it } from "vitest";
import { add, arange, array, matmul, ShapeError, sum, transpose, zeros } from "../src/index";

describe("smoke", () => {
  it("adds with broadcasting", () => {
    const a = arange(6).reshape([2, 3]);
    expect(add(a, array([10, 20, 30])).toArray()).toEqual([[10, 21, 32], [13, 24, 35]]);
    expect(a.add(1.5).dtype).toBe("float32");
    expect(() => add(zeros([2, 3]), zeros([4, 3]))).toThrow("add: cannot broadcast [2,3] with [4,3] (axis 0: 2 vs 4)");
    expect(() => add(zeros([2, 3]), zeros([4, 3]))).toThrow(ShapeError);
  });
  it("reduces and multiplies", () => {
    const a = arange(6).reshape([2, 3]);
    expect(sum(a, 0).toArray()).toEqual([3, 5, 7]);
    expect(sum(a, 1, true).toArray()).toEqual([[3], [12]]);
    expect(sum(transpose(a), 0).toArray()).toEqual([3, 12]);
    expect(matmul(a, transpose(a)).toArray()).toEqual([[5, 14], [14, 50]]);
    expect(sum(a).shape).toEqual([]);
  });
});
