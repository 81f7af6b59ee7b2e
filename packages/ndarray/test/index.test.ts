import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  arange,
  array,
  DTypeError,
  expandDims,
  IndexError,
  type IndexKey,
  index,
  NDArray,
  ShapeError,
  slice,
  squeeze,
  take,
} from "../src/index";
import { layouts } from "./layouts";
import { flatValues } from "./reference";

// Expected results of x[keys] computed by NumPy with test/fixtures/generate_index.py, which
// documents the encoding.

type EncodedKey =
  | { int: number }
  | { all: true }
  | { slice: [number | null, number | null, number | null] }
  | { ellipsis: true }
  | { newaxis: true }
  | { ints: { shape: number[]; data: number[] } }
  | { bools: { shape: number[]; data: boolean[] } };
interface Case {
  name: string;
  shape: number[];
  keys: EncodedKey[];
  out?: { shape: number[]; data: number[]; view: boolean };
  error?: "IndexError" | "ShapeError";
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/index_numpy.json", import.meta.url), "utf8"),
) as { cases: Case[] };

function decodeKey(k: EncodedKey): IndexKey {
  if ("int" in k) return k.int;
  if ("all" in k) return null;
  if ("slice" in k) return k.slice;
  if ("ellipsis" in k) return "...";
  if ("newaxis" in k) return "newaxis";
  if ("ints" in k) return array(k.ints.data, { dtype: "int32", shape: k.ints.shape });
  return array(k.bools.data, { dtype: "bool", shape: k.bools.shape });
}

const ERRORS = { IndexError, ShapeError };

describe("index against NumPy", () => {
  it(`has the generated cases`, () => {
    expect(fixture.cases.length).toBeGreaterThan(300);
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const keys = c.keys.map(decodeKey);
      const size = c.shape.reduce((p, d) => p * d, 1);
      const base = arange(size, undefined, 1, "float64").reshape(c.shape);
      for (const [layout, x] of layouts(base)) {
        const before = flatValues(x);
        if (c.error) {
          expect(() => index(x, keys), layout).toThrow(ERRORS[c.error]);
        } else {
          const out = c.out as NonNullable<Case["out"]>;
          const y = x.index(...keys);
          expect(y.shape, layout).toEqual(out.shape);
          expect(flatValues(y), layout).toEqual(out.data);
          expect(y.dtype).toBe("float64");
          // Basic keys give a view of x's buffer; advanced ones a fresh array.
          expect(y.data === x.data, `${layout} view`).toBe(out.view);
        }
        expect(flatValues(x), `${layout} input untouched`).toEqual(before);
      }
    });
  }
});

describe("index", () => {
  const x = arange(24).reshape([2, 3, 4]);
  const ints = (...v: number[]) => array(v, { dtype: "int32" });

  it("keeps the dtype of int32 and bool arrays", () => {
    const i = arange(6, undefined, 1, "int32").reshape([2, 3]);
    expect(i.index(1, ints(2, 0)).toArray()).toEqual([5, 3]);
    expect(i.index(1, ints(2, 0)).dtype).toBe("int32");
    const b = array([true, false, true]);
    const picked = b.index(ints(1, 0, 0));
    expect(picked.dtype).toBe("bool");
    expect(picked.toArray()).toEqual([false, true, true]);
  });

  it("writes through a basic view share the buffer (a view, as slice)", () => {
    const y = index(x, [1, [null, null, -1]]);
    expect(y.data).toBe(x.data);
    expect(y.strides).toEqual([-4, 1]);
    expect(y.toArray()).toEqual([
      [20, 21, 22, 23],
      [16, 17, 18, 19],
      [12, 13, 14, 15],
    ]);
  });

  it("slices a zero-size array with negative strides (the offset stays inside the buffer)", () => {
    const empty = new NDArray(new Float64Array(3), [0, 2], [-2, -1], 2);
    expect(slice(empty, [null, [1, 2]]).shape).toEqual([0, 1]);
    expect(index(empty, [null, 1]).shape).toEqual([0]);
  });

  it("with no keys is a view of the whole array", () => {
    const y = index(x, []);
    expect(y.data).toBe(x.data);
    expect(y.shape).toEqual([2, 3, 4]);
  });

  it("rejects float index arrays and fractional numbers with DTypeError", () => {
    expect(() => x.index(array([0, 1]))).toThrow(DTypeError);
    expect(() => x.index(array([0, 1]))).toThrow(/index: index arrays must be int32 or bool/);
    expect(() => x.index(0.5)).toThrow(DTypeError);
    expect(() => x.index([0, 1.5])).toThrow(DTypeError);
  });

  it("names the op and the shapes in its errors", () => {
    expect(() => x.index(2)).toThrow(
      "index: index 2 is out of bounds for axis 0 with size 2 (array of shape [2,3,4])",
    );
    expect(() => x.index(0, ints(0, 5))).toThrow(
      "index: index 5 is out of bounds for axis 1 with size 3 (array of shape [2,3,4])",
    );
    expect(() => x.index(0, 0, 0, 0)).toThrow(/too many indices for array of shape \[2,3,4\]/);
    expect(() => x.index("...", 0, "...")).toThrow(/single ellipsis/);
    expect(() => x.index(array([true, false, true]))).toThrow(
      /boolean index did not match the indexed array along axis 0: axis is 2 but the mask's axis 0 is 3/,
    );
    expect(() => x.index(ints(0, 1), ints(0, 1, 2))).toThrow(ShapeError);
    expect(() => x.index(ints(0, 1), ints(0, 1, 2))).toThrow(/\[2\], \[3\]/);
    expect(() => x.index([0, 2, 0])).toThrow(/step cannot be zero/);
  });

  it("rejects unknown keys with IndexError", () => {
    expect(() => x.index("foo" as IndexKey)).toThrow(IndexError);
    expect(() => x.index({} as IndexKey)).toThrow(IndexError);
    expect(() => index(x, 0 as unknown as IndexKey[])).toThrow(IndexError);
  });
});

// Property tests: basic keys equal the same selection built from slice, squeeze and
// expandDims; a single index array equals take; a full mask equals filtering the values.

type BasicKey = number | null | [number | null, number | null, number | null] | "newaxis";

function filled(shape: readonly number[]): NDArray {
  const n = shape.reduce((p, d) => p * d, 1);
  const values = Array.from({ length: n }, (_, i) => ((i * 7919) % 23) - 11);
  return array(values, { dtype: "float64", shape: [...shape] });
}

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });

/** Keys for each axis in turn (a random prefix of them), with newaxis sprinkled in. */
function basicKeysFor(shape: readonly number[]) {
  const bound = fc.option(fc.integer({ min: -6, max: 6 }), { nil: null });
  const step = fc.option(fc.constantFrom(1, 2, 3, -1, -2), { nil: null });
  const perAxis = shape.map((d) =>
    fc.oneof(
      d > 0 ? fc.integer({ min: -d, max: d - 1 }) : fc.constant(null),
      fc.constant(null),
      fc.tuple(bound, bound, step),
    ),
  );
  return fc
    .tuple(
      fc.tuple(...perAxis),
      fc.nat(shape.length),
      fc.array(fc.nat(shape.length), { maxLength: 2 }),
    )
    .map(([keys, count, newAxes]) => {
      const out: BasicKey[] = keys.slice(0, count) as BasicKey[];
      for (const at of newAxes) out.splice(Math.min(at, out.length), 0, "newaxis");
      return out;
    });
}

/** The reference: one axis at a time with slice, squeeze and expandDims. */
function composeBasic(x: NDArray, keys: readonly BasicKey[]): NDArray {
  let y = x;
  let axis = 0;
  for (const key of keys) {
    if (key === "newaxis") {
      y = expandDims(y, axis);
      axis++;
    } else if (typeof key === "number") {
      const i = key < 0 ? key + (y.shape[axis] as number) : key;
      const specs = y.shape.map((_, a) => (a === axis ? ([i, i + 1, 1] as const) : null));
      y = squeeze(slice(y, specs), axis);
    } else {
      const specs = y.shape.map((_, a) => (a === axis ? key : null));
      y = slice(y, specs);
      axis++;
    }
  }
  return y;
}

describe("index properties", () => {
  it("basic keys: a view equal to composing slice, squeeze and expandDims", () => {
    fc.assert(
      fc.property(
        shapeArb.chain((s) => fc.tuple(fc.constant(s), basicKeysFor(s))),
        ([shape, keys]) => {
          for (const [, x] of layouts(filled(shape))) {
            const y = index(x, keys);
            const expected = composeBasic(x, keys);
            expect(y.shape).toEqual(expected.shape);
            expect(flatValues(y)).toEqual(flatValues(expected));
            expect(y.data).toBe(x.data);
            const dropped = keys.filter((k) => typeof k === "number").length;
            const added = keys.filter((k) => k === "newaxis").length;
            expect(y.ndim).toBe(x.ndim - dropped + added);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("one index array after whole axes equals take along that axis", () => {
    const arb = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })
      .chain((shape) =>
        fc.tuple(fc.constant(shape), fc.nat(shape.length - 1)).chain(([s, axis]) =>
          fc.tuple(
            fc.constant(s),
            fc.constant(axis),
            fc.array(fc.integer({ min: -(s[axis] as number), max: (s[axis] as number) - 1 }), {
              maxLength: 5,
            }),
          ),
        ),
      );
    fc.assert(
      fc.property(arb, ([shape, axis, picks]) => {
        const x = filled(shape);
        const idx = array(picks, { dtype: "int32" });
        const keys: IndexKey[] = [...Array<null>(axis).fill(null), idx];
        const y = index(x, keys);
        const expected = take(x, idx, axis);
        expect(y.shape).toEqual(expected.shape);
        expect(flatValues(y)).toEqual(flatValues(expected));
      }),
      { numRuns: 150 },
    );
  });

  it("a mask over every axis picks the true elements in row-major order", () => {
    const arb = shapeArb.chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.array(fc.boolean(), {
          minLength: s.reduce((p, d) => p * d, 1),
          maxLength: s.reduce((p, d) => p * d, 1),
        }),
      ),
    );
    fc.assert(
      fc.property(arb, ([shape, bits]) => {
        for (const [, x] of layouts(filled(shape))) {
          const mask = array(bits, { dtype: "bool", shape });
          const y = index(x, [mask]);
          const values = flatValues(x);
          expect(y.shape).toEqual([bits.filter(Boolean).length]);
          expect(flatValues(y)).toEqual(values.filter((_, i) => bits[i]));
        }
      }),
      { numRuns: 100 },
    );
  });
});
