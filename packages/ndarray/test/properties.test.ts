import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Axis,
  add,
  array,
  broadcastShapes,
  broadcastTo,
  copy,
  expandDims,
  type NDArray,
  reshape,
  ShapeError,
  type SliceSpec,
  slice,
  squeeze,
  sumTo,
  transpose,
} from "../src/index";
import { layouts } from "./layouts";
import {
  FOLDS,
  flatValues,
  naiveReduce,
  pythonSlice,
  REDUCTIONS,
  ravel,
  referenceBroadcast,
  unravel,
} from "./reference";

// Property tests: a few hundred random cases per property, small shapes, so the file runs in
// well under a few seconds. Arrays hold small integers in float64, so sums are exact.

const RUNS = { numRuns: 150 };

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/** Small integer values (exact in float64 arithmetic), distinct enough to catch misplacement. */
function filled(shape: readonly number[], seed = 0): NDArray {
  const values = Array.from({ length: size(shape) }, (_, i) => ((i * 7919 + seed * 31) % 23) - 11);
  return array(values, { dtype: "float64", shape: [...shape] });
}

const dim = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 8 },
  { arbitrary: fc.constant(0), weight: 1 },
);
const shapeArb = fc.array(dim, { maxLength: 4 });
const smallShape = fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 4 });

/** A shape and another that broadcasts with it: a suffix with some axes set to 1. */
function broadcastableWith(shape: readonly number[]) {
  return fc
    .tuple(
      fc.nat(shape.length),
      fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
    )
    .map(([drop, ones]) => shape.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
}
const broadcastPair = shapeArb.chain((s) => fc.tuple(broadcastableWith(s), broadcastableWith(s)));

describe("broadcastShapes", () => {
  it("agrees with a reference and throws exactly when the reference says incompatible", () => {
    fc.assert(
      fc.property(fc.array(smallShape, { minLength: 1, maxLength: 4 }), (shapes) => {
        const expected = referenceBroadcast(shapes);
        if (expected === null) {
          expect(() => broadcastShapes(...shapes)).toThrow(ShapeError);
        } else {
          expect(broadcastShapes(...shapes)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("is commutative and associative", () => {
    const attempt = (f: () => number[]) => {
      try {
        return f();
      } catch (error) {
        expect(error).toBeInstanceOf(ShapeError);
        return null;
      }
    };
    fc.assert(
      fc.property(smallShape, smallShape, smallShape, (a, b, c) => {
        expect(attempt(() => broadcastShapes(a, b))).toEqual(attempt(() => broadcastShapes(b, a)));
        const ab = attempt(() => broadcastShapes(a, b));
        const bc = attempt(() => broadcastShapes(b, c));
        const left = ab && attempt(() => broadcastShapes(ab, c));
        const right = bc && attempt(() => broadcastShapes(a, bc));
        // Either way round, the three shapes are compatible exactly when all of them are.
        const all = attempt(() => broadcastShapes(a, b, c));
        expect(left).toEqual(all);
        expect(right).toEqual(all);
      }),
      { numRuns: 300 },
    );
  });

  it("accepts every pair built to be compatible", () => {
    fc.assert(
      fc.property(broadcastPair, ([a, b]) => {
        expect(broadcastShapes(a, b)).toEqual(referenceBroadcast([a, b]));
      }),
      RUNS,
    );
  });
});

describe("broadcastTo and sumTo", () => {
  /** A shape and a target it broadcasts to: new leading axes, and 1s stretched. */
  const toTarget = shapeArb.chain((s) =>
    fc
      .tuple(
        fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: s.length, maxLength: s.length }),
      )
      .map(([lead, stretch]) => ({
        source: s.map((d, i) => (stretch[i] === 1 ? d : 1)),
        target: [...lead, ...s.map((d, i) => (stretch[i] === 1 ? d : (stretch[i] as number)))],
      })),
  );

  it("sumTo(broadcastTo(x, s), x.shape) is x times the repeat count", () => {
    fc.assert(
      fc.property(toTarget, fc.nat(50), ({ source, target }, seed) => {
        const x = filled(source, seed);
        const big = broadcastTo(x, target);
        expect(big.data).toBe(x.data);
        const back = sumTo(big, source);
        expect(back.shape).toEqual(source);
        const repeats = size(source) === 0 ? 0 : size(target) / size(source);
        expect(flatValues(back)).toEqual(flatValues(x).map((v) => v * repeats));
      }),
      RUNS,
    );
  });

  it("broadcastTo reads element [i...] from x at the broadcast index", () => {
    fc.assert(
      fc.property(toTarget, ({ source, target }) => {
        const x = filled(source, 3);
        const values = flatValues(broadcastTo(x, target));
        const xs = flatValues(x);
        const lead = target.length - source.length;
        values.forEach((v, flat) => {
          const index = unravel(flat, target)
            .slice(lead)
            .map((k, i) => (source[i] === 1 ? 0 : k));
          expect(v).toBe(xs[ravel(index, source)]);
        });
      }),
      RUNS,
    );
  });
});

// --- random view chains, checked against a plain-JS model ------------------------------------

interface Model {
  shape: number[];
  values: number[];
}

function modelTranspose(m: Model, axes: number[]): Model {
  const shape = axes.map((a) => m.shape[a] as number);
  const values = Array.from({ length: m.values.length }, (_, flat) => {
    const index = unravel(flat, shape);
    const old = new Array<number>(shape.length);
    axes.forEach((a, i) => {
      old[a] = index[i] as number;
    });
    return m.values[ravel(old, m.shape)] as number;
  });
  return { shape, values };
}

function modelSlice(m: Model, specs: [number | null, number | null, number | null][]): Model {
  const picks = m.shape.map((d, i) => {
    const spec = specs[i];
    return spec
      ? pythonSlice(d, spec[0], spec[1], spec[2])
      : Array.from({ length: d }, (_, k) => k);
  });
  const shape = picks.map((p) => p.length);
  const values = Array.from({ length: size(shape) }, (_, flat) => {
    const index = unravel(flat, shape).map((k, i) => (picks[i] as number[])[k] as number);
    return m.values[ravel(index, m.shape)] as number;
  });
  return { shape, values };
}

function modelBroadcast(m: Model, target: number[]): Model {
  const lead = target.length - m.shape.length;
  const values = Array.from({ length: size(target) }, (_, flat) => {
    const index = unravel(flat, target)
      .slice(lead)
      .map((k, i) => (m.shape[i] === 1 ? 0 : k));
    return m.values[ravel(index, m.shape)] as number;
  });
  return { shape: target, values };
}

/** Decodes random numbers into a permutation of n axes (Fisher-Yates). */
function permutation(n: number, r: number[]): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = (r[i % r.length] as number) % (i + 1);
    [p[i], p[j]] = [p[j] as number, p[i] as number];
  }
  return p;
}

/** A random factorisation of `total` into 1 to 4 dimensions (optionally with one −1). */
function factorise(total: number, r: number[]): number[] {
  const ndim = 1 + ((r[0] as number) % 4);
  if (total === 0) {
    const shape = new Array<number>(ndim).fill(1 + ((r[1] as number) % 3));
    shape[(r[2] as number) % ndim] = 0;
    return shape;
  }
  const shape = new Array<number>(ndim).fill(1);
  let rest = total;
  let k = 1;
  for (let f = 2; rest > 1; ) {
    if (rest % f === 0) {
      const at = (r[k++ % r.length] as number) % ndim;
      shape[at] = (shape[at] as number) * f;
      rest /= f;
    } else f++;
  }
  if ((r[7] as number) % 3 === 0) shape[(r[6] as number) % ndim] = -1;
  return shape;
}

type Step = { kind: number; r: number[] };
const stepArb = fc.record({
  kind: fc.nat(5),
  r: fc.array(fc.nat(1000), { minLength: 8, maxLength: 8 }),
});

/** Applies one decoded step to the array and to the model; returns a description. */
function applyStep(x: NDArray, m: Model, { kind, r }: Step): [NDArray, Model, string] {
  const n = x.ndim;
  const at = (i: number) => r[i % r.length] as number;
  switch (kind) {
    case 0: {
      const axes = permutation(n, r);
      return [transpose(x, axes), modelTranspose(m, axes), `transpose ${axes}`];
    }
    case 1: {
      const count = at(0) % (n + 1);
      const bound = (v: number, d: number) => (v % 5 === 0 ? null : (v % (2 * d + 5)) - d - 2);
      const specs = x.shape
        .slice(0, count)
        .map((d, i): [number | null, number | null, number | null] => {
          const s = at(i + 1);
          const step = s % 7 === 0 ? null : ([-3, -2, -1, 1, 2, 3][s % 6] as number);
          return [bound(at(i + 4) + i, d), bound(s >> 3, d), step];
        });
      return [
        slice(x, specs as SliceSpec[]),
        modelSlice(m, specs),
        `slice ${JSON.stringify(specs)}`,
      ];
    }
    case 2: {
      const shape = factorise(x.size, r);
      const resolved = shape.includes(-1)
        ? shape.map((d) => (d === -1 ? x.size / -size(shape) : d))
        : shape;
      return [reshape(x, shape), { shape: resolved, values: m.values }, `reshape ${shape}`];
    }
    case 3: {
      if (n >= 5) return [x, m, "skip"];
      const axis = at(0) % (n + 1);
      const shape = [...m.shape];
      shape.splice(axis, 0, 1);
      return [expandDims(x, axis), { shape, values: m.values }, `expandDims ${axis}`];
    }
    case 4:
      return [squeeze(x), { shape: m.shape.filter((d) => d !== 1), values: m.values }, "squeeze"];
    default: {
      if (x.size > 64 || n >= 5) return [x, m, "skip"];
      const lead = at(0) % 3 === 0 ? [1 + (at(1) % 2)] : [];
      const target = [...lead, ...x.shape.map((d, i) => (d === 1 ? 1 + (at(i + 2) % 3) : d))];
      return [broadcastTo(x, target), modelBroadcast(m, target), `broadcastTo ${target}`];
    }
  }
}

describe("views", () => {
  it("random view chains equal a plain-JS model and their materialised copies", () => {
    fc.assert(
      fc.property(shapeArb, fc.array(stepArb, { maxLength: 6 }), (shape, steps) => {
        const source = filled(shape, 1);
        let x = source;
        let m: Model = { shape: [...shape], values: flatValues(source) };
        let copied = false;
        const trail: string[] = [];
        for (const step of steps) {
          const before = x;
          const [next, model, label] = applyStep(x, m, step);
          x = next;
          m = model;
          trail.push(label);
          if (step.kind === 2 && x.data !== before.data) copied = true;
          expect(x.shape, trail.join(" > ")).toEqual(m.shape);
        }
        expect(flatValues(x), trail.join(" > ")).toEqual(m.values);
        expect(flatValues(copy(x))).toEqual(m.values);
        // Only a reshape of a layout that cannot be re-strided may copy.
        if (!copied) expect(x.data).toBe(source.data);
        expect(flatValues(source)).toEqual(flatValues(filled(shape, 1)));
      }),
      { numRuns: 300 },
    );
  });

  it("transpose then the inverse permutation is the identity view", () => {
    fc.assert(
      fc.property(shapeArb, fc.array(fc.nat(1000), { minLength: 8, maxLength: 8 }), (shape, r) => {
        const x = filled(shape);
        const axes = permutation(shape.length, r);
        const inverse = new Array<number>(axes.length);
        axes.forEach((a, i) => {
          inverse[a] = i;
        });
        const back = transpose(transpose(x, axes), inverse);
        expect(back.data).toBe(x.data);
        expect(back.shape).toEqual(x.shape);
        expect(back.strides).toEqual(x.strides);
        expect(back.offset).toBe(x.offset);
      }),
      RUNS,
    );
  });

  it("reshape round-trips from any layout", () => {
    fc.assert(
      fc.property(
        shapeArb,
        fc.array(fc.nat(1000), { minLength: 8, maxLength: 8 }),
        fc.nat(3),
        (shape, r, layout) => {
          const x = (layouts(filled(shape, 2))[layout] as [string, NDArray])[1];
          const target = factorise(x.size, r);
          const there = reshape(x, target);
          expect(there.size).toBe(x.size);
          expect(flatValues(there)).toEqual(flatValues(x));
          const back = reshape(there, x.shape);
          expect(back.shape).toEqual(x.shape);
          expect(flatValues(back)).toEqual(flatValues(x));
        },
      ),
      RUNS,
    );
  });
});

// --- elementwise and reductions on random strided views ----------------------------------------

/** A random view of `shape`'s values: one of the stock layouts, or a reversed slice of a bigger array. */
function viewOf(shape: number[], seed: number, pick: number): NDArray {
  const x = filled(shape, seed);
  if (pick < 4) return (layouts(x)[pick] as [string, NDArray])[1];
  // Embed x reversed in every axis inside an array twice as long, then slice it back out.
  const big = filled(
    shape.map((d) => 2 * d + 1),
    seed + 1,
  ).copy();
  const window = slice(
    big,
    shape.map((d): SliceSpec => (d === 0 ? [0, 0] : [2 * d - 1, null, -2])),
  );
  // Overwrite the window's elements through its (negative) strides with x's values.
  const values = flatValues(x);
  values.forEach((v, flat) => {
    const index = unravel(flat, shape);
    let at = window.offset;
    index.forEach((k, i) => {
      at += k * (window.strides[i] as number);
    });
    big.data[at] = v;
  });
  return window;
}

describe("elementwise add", () => {
  it("equals a naive reference on random broadcastable shapes and strided views", () => {
    fc.assert(
      fc.property(broadcastPair, fc.nat(4), fc.nat(4), ([sa, sb], pa, pb) => {
        const a = viewOf(sa, 1, pa);
        const b = viewOf(sb, 2, pb);
        const out = referenceBroadcast([sa, sb]) as number[];
        const result = add(a, b);
        expect(result.shape).toEqual(out);
        const av = flatValues(filled(sa, 1));
        const bv = flatValues(filled(sb, 2));
        const at = (values: number[], s: number[], index: number[]) =>
          values[
            ravel(
              index.slice(index.length - s.length).map((k, i) => (s[i] === 1 ? 0 : k)),
              s,
            )
          ] as number;
        flatValues(result).forEach((v, flat) => {
          const index = unravel(flat, out);
          expect(v).toBe(at(av, sa, index) + at(bv, sb, index));
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe("reductions", () => {
  it("over random axis subsets equal a naive reference", () => {
    fc.assert(
      fc.property(
        shapeArb.filter((s) => s.length > 0),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        fc.boolean(),
        fc.nat(4),
        fc.constantFrom(...Object.keys(REDUCTIONS)),
        (shape, chosen, negative, keepdims, pick, name) => {
          const axes = shape.map((_, i) => i).filter((i) => chosen[i]);
          const count = axes.reduce((p, a) => p * (shape[a] as number), 1);
          if ((name === "max" || name === "min") && count === 0) return;
          const x = viewOf(shape, 5, pick);
          const axisArg = negative ? axes.map((a) => a - shape.length) : axes;
          const result = (REDUCTIONS[name] as (x: NDArray, a?: Axis, k?: boolean) => NDArray)(
            x,
            axisArg,
            keepdims,
          );
          const expected = naiveReduce(
            filled(shape, 5),
            axes,
            keepdims,
            FOLDS[name] as (v: number[]) => number,
          );
          expect(result.shape).toEqual(expected.shape);
          flatValues(result).forEach((v, i) => {
            const w = expected.values[i] as number;
            if (Number.isNaN(w)) expect(v).toBeNaN();
            else if (!Number.isFinite(w)) expect(v).toBe(w);
            else expect(Math.abs(v - w)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(w)));
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
