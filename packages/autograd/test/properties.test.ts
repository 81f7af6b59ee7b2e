// Property-based checks of the gradient rules that involve shape algebra.
import * as nd from "@zerograd/ndarray";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as ag from "../src/index";

/** Two shapes that broadcast together: each axis of the result comes from one or both. */
const broadcastPair = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom("both", "left1", "right1")), {
    minLength: 0,
    maxLength: 4,
  })
  .chain((axes) =>
    fc
      .tuple(fc.nat({ max: axes.length }), fc.nat({ max: axes.length }))
      .map(([dropLeft, dropRight]) => {
        const left = axes.map(([d, kind]) => (kind === "left1" ? 1 : d));
        const right = axes.map(([d, kind]) => (kind === "right1" ? 1 : d));
        return [left.slice(dropLeft), right.slice(dropRight)] as const;
      }),
  );

const values = (shape: readonly number[], seed: number) =>
  new nd.Random(seed).uniform(-1, 1, shape, { dtype: "float64" });

/** ⟨a, b⟩ over all elements. */
const dot = (a: nd.NDArray, b: nd.NDArray) => nd.sum(nd.mul(a, b)).item();

describe("broadcasting gradients", () => {
  it("add: each input's gradient has its shape and counts how often it was repeated", () => {
    fc.assert(
      fc.property(broadcastPair, ([left, right]) => {
        const a = new ag.Variable(values(left, 1));
        const b = new ag.Variable(values(right, 2));
        const y = ag.add(a, b);
        y.backward();
        const ga = a.grad as ag.Variable;
        const gb = b.grad as ag.Variable;
        expect(ga.shape).toEqual(left);
        expect(gb.shape).toEqual(right);
        const repeats = (shape: readonly number[]) => y.size / nd.shapeSize(shape);
        expect(nd.arrayEqual(ga.data, nd.full(left, repeats(left), "float64"))).toBe(true);
        expect(nd.arrayEqual(gb.data, nd.full(right, repeats(right), "float64"))).toBe(true);
      }),
    );
  });

  it("mul: the gradient of a is the other operand summed to a's shape", () => {
    fc.assert(
      fc.property(broadcastPair, ([left, right]) => {
        const a = new ag.Variable(values(left, 3));
        const b = new ag.Variable(values(right, 4));
        const y = ag.mul(a, b);
        y.backward();
        const expected = nd.sumTo(nd.broadcastTo(b.data, y.shape), left);
        expect(nd.allclose((a.grad as ag.Variable).data, expected, { rtol: 1e-12 })).toBe(true);
      }),
    );
  });
});

describe("linear ops: backward is the adjoint of forward, ⟨op(x), g⟩ = ⟨x, op*(g)⟩", () => {
  const shape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

  const checkAdjoint = (x: nd.NDArray, op: (v: ag.Variable) => ag.Variable) => {
    const v = new ag.Variable(x);
    const y = op(v);
    const g = values(y.shape, 9);
    const [gx] = ag.grad(ag.sum(ag.mul(y, g)), [v]);
    expect(dot(y.data, g)).toBeCloseTo(dot(x, (gx as ag.Variable).data), 10);
  };

  it("transpose with a random permutation", () => {
    fc.assert(
      fc.property(
        shape.chain((s) =>
          fc.tuple(
            fc.constant(s),
            fc.shuffledSubarray(
              s.map((_, i) => i),
              { minLength: s.length, maxLength: s.length },
            ),
          ),
        ),
        ([s, axes]) => checkAdjoint(values(s, 5), (v) => ag.transpose(v, axes)),
      ),
    );
  });

  it("slice with random starts, stops and steps", () => {
    const spec = fc.tuple(
      fc.integer({ min: -5, max: 5 }),
      fc.integer({ min: -5, max: 5 }),
      fc.constantFrom(1, 2, -1, -2),
    );
    fc.assert(
      fc.property(shape, fc.array(spec, { maxLength: 4 }), (s, specs) =>
        checkAdjoint(values(s, 6), (v) => ag.slice(v, specs.slice(0, s.length))),
      ),
    );
  });

  it("take with random (repeated) indices along a random axis", () => {
    fc.assert(
      fc.property(
        shape,
        fc.nat(),
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        (s, a, picks) => {
          const axis = a % s.length;
          const indices = nd.array(
            picks.map((p) => p % (s[axis] as number)),
            "int32",
          );
          checkAdjoint(values(s, 7), (v) => ag.take(v, indices, axis));
        },
      ),
    );
  });

  it("index with random mixed keys (ints, slices, newaxis, repeated index arrays, a mask)", () => {
    // Each axis gets a basic key or an index array; at most one array is kept, so arrays of
    // different lengths (a mask's true count) never meet.
    const keyFor = (d: number) =>
      fc.oneof(
        fc.integer({ min: -d, max: d - 1 }).map((i): ag.IndexKey => i),
        fc.constant<ag.IndexKey>(null),
        fc
          .tuple(
            fc.integer({ min: -5, max: 5 }),
            fc.integer({ min: -5, max: 5 }),
            fc.constantFrom(1, 2, -1),
          )
          .map((spec): ag.IndexKey => spec),
        fc
          .array(fc.integer({ min: -d, max: d - 1 }), { minLength: 1, maxLength: 4 })
          .map((picks): ag.IndexKey => nd.array(picks, "int32")),
        fc
          .array(fc.boolean(), { minLength: d, maxLength: d })
          .map((bits): ag.IndexKey => nd.array(bits, "bool")),
      );
    fc.assert(
      fc.property(
        shape.chain((s) =>
          fc.tuple(
            fc.constant(s),
            fc.tuple(...s.map(keyFor)),
            fc.nat({ max: s.length }),
            fc.boolean(),
          ),
        ),
        ([s, perAxis, at, addNewAxis]) => {
          let seenArray = false;
          const keys = perAxis.map((k): ag.IndexKey => {
            if (!(k instanceof nd.NDArray)) return k;
            if (seenArray) return null;
            seenArray = true;
            return k;
          });
          if (addNewAxis) keys.splice(at, 0, "newaxis");
          checkAdjoint(values(s, 10), (v) => ag.index(v, keys));
        },
      ),
    );
  });

  it("cumsum along a random axis, tril and triu with a random k", () => {
    fc.assert(
      fc.property(shape, fc.nat(), fc.integer({ min: -3, max: 3 }), (s, a, k) => {
        checkAdjoint(values(s, 11), (v) => ag.cumsum(v, a % s.length));
        if (s.length >= 2) {
          checkAdjoint(values(s, 12), (v) => ag.tril(v, k));
          checkAdjoint(values(s, 13), (v) => ag.triu(v, k));
        }
      }),
    );
  });

  it("pad, broadcastTo and sumTo", () => {
    fc.assert(
      fc.property(broadcastPair, fc.nat({ max: 2 }), ([left, right], width) => {
        const target = nd.broadcastShapes(left, right);
        checkAdjoint(values(left, 8), (v) => ag.broadcastTo(v, target));
        checkAdjoint(values(target, 8), (v) => ag.sumTo(v, left));
        checkAdjoint(values(left, 8), (v) => ag.pad(v, width));
      }),
    );
  });
});
