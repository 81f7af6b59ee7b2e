import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as nd from "../src/index";
import { type DType, NDArray } from "../src/index";
import { interpretedEngine, jsEngine, setEngine } from "../src/kernels/engine";

// Expected results computed by NumPy (NEP 50 promotion) with test/fixtures/generate_numpy.py;
// that file documents the encoding and how NumPy's dtypes map to ours.

type Encoded = number | boolean | "nan" | "inf" | "-inf" | "-0";
interface EncodedArray {
  dtype: DType;
  shape: number[];
  data: Encoded[];
}
type Arg = { array: EncodedArray } | { scalar: Encoded } | { value: unknown } | { undef: true };
interface Case {
  name: string;
  op: string;
  args: Arg[];
  out: EncodedArray;
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/numpy_cases.json", import.meta.url), "utf8"),
) as {
  numpy: string;
  cases: Case[];
};

function decode(v: Encoded): number {
  if (v === "nan") return Number.NaN;
  if (v === "inf") return Number.POSITIVE_INFINITY;
  if (v === "-inf") return Number.NEGATIVE_INFINITY;
  if (v === "-0") return -0;
  return Number(v);
}

function values(a: EncodedArray): number[] {
  return a.data.map(decode);
}

/** The array as stored contiguously. */
function contiguousArray(a: EncodedArray): NDArray {
  return nd.array(values(a), { dtype: a.dtype, shape: a.shape });
}

/**
 * The same logical values read through a gapped, reversed layout: every stride negative and
 * doubled, so each op's strided path (not its contiguous fast path) is exercised.
 */
function stridedArray(a: EncodedArray): NDArray {
  const flat = contiguousArray(a).toTypedArray();
  const n = flat.length;
  const buffer = new (flat.constructor as new (length: number) => typeof flat)(2 * n + 1);
  for (let i = 0; i < n; i++) buffer[2 * (n - 1 - i) + 1] = flat[i] as number;
  const strides: number[] = [];
  let step = 2;
  for (let d = a.shape.length - 1; d >= 0; d--) {
    strides[d] = -step;
    step *= a.shape[d] as number;
  }
  return new NDArray(buffer, a.shape, strides, n === 0 ? 0 : 2 * (n - 1) + 1);
}

function decodeArg(arg: Arg, makeArray: (a: EncodedArray) => NDArray): unknown {
  if ("array" in arg) return makeArray(arg.array);
  if ("scalar" in arg) return decode(arg.scalar);
  if ("value" in arg) return arg.value;
  return undefined;
}

const ops = nd as unknown as Record<string, (...args: unknown[]) => NDArray>;

/** Tolerances: float32 results may differ from NumPy's float32 loops by a few ulps. */
const TOLERANCE: Record<DType, { rtol: number; atol: number }> = {
  float32: { rtol: 2e-5, atol: 1e-6 },
  float64: { rtol: 1e-12, atol: 1e-14 },
  int32: { rtol: 0, atol: 0 },
  bool: { rtol: 0, atol: 0 },
};

/** Names the first element that differs, or returns null when all match. */
function mismatch(actual: NDArray, expected: EncodedArray): string | null {
  const got = Array.from(actual.toTypedArray());
  const want = values(expected);
  const { rtol, atol } = TOLERANCE[expected.dtype];
  for (let i = 0; i < want.length; i++) {
    const g = got[i] as number;
    const w = want[i] as number;
    const ok =
      Number.isNaN(w) || Number.isNaN(g)
        ? Number.isNaN(w) && Number.isNaN(g)
        : !Number.isFinite(w) || !Number.isFinite(g)
          ? g === w
          : Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok) return `element ${i}: got ${g}, expected ${w}`;
  }
  return null;
}

describe(`NumPy ${fixture.numpy} fixtures`, () => {
  it("has a broad table of cases", () => {
    expect(fixture.cases.length).toBeGreaterThan(400);
    const covered = new Set(fixture.cases.map((c) => c.op));
    for (const op of [
      "add",
      "pow",
      "where",
      "clip",
      "logsumexp",
      "argmin",
      "take",
      "slice",
      "sumTo",
    ]) {
      expect(covered.has(op)).toBe(true);
    }
  });

  for (const [layout, makeArray, kernels] of [
    ["contiguous", contiguousArray, jsEngine],
    ["strided", stridedArray, jsEngine],
    ["strided, interpreted kernels", stridedArray, interpretedEngine],
  ] as const) {
    it(`matches NumPy on every case (${layout} inputs)`, () => {
      const previous = setEngine(kernels);
      try {
        checkAll(makeArray);
      } finally {
        setEngine(previous);
      }
    });
  }

  /** Runs every case on inputs built by `makeArray`; collects all failures, then expects none. */
  function checkAll(makeArray: (a: EncodedArray) => NDArray): void {
    const failures: string[] = [];
    for (const c of fixture.cases) {
      const fn = ops[c.op];
      if (typeof fn !== "function") {
        failures.push(`${c.name}: no function ${c.op}`);
        continue;
      }
      const args = c.args.map((a) => decodeArg(a, makeArray));
      const inputs = args.filter((a): a is NDArray => a instanceof NDArray);
      const before = inputs.map((x) => Array.from(x.toTypedArray()));
      let result: NDArray;
      try {
        result = fn(...args);
      } catch (error) {
        failures.push(`${c.name}: threw ${String(error)}`);
        continue;
      }
      if (result.dtype !== c.out.dtype)
        failures.push(`${c.name}: dtype ${result.dtype}, expected ${c.out.dtype}`);
      if (JSON.stringify(result.shape) !== JSON.stringify(c.out.shape)) {
        failures.push(`${c.name}: shape [${result.shape}], expected [${c.out.shape}]`);
        continue;
      }
      const bad = mismatch(result, c.out);
      if (bad) failures.push(`${c.name}: ${bad}`);
      inputs.forEach((x, i) => {
        expect(Array.from(x.toTypedArray()), `${c.name}: input ${i} modified`).toEqual(before[i]);
      });
    }
    expect(failures).toEqual([]);
  }

  it("decodes strided inputs to the same values", () => {
    for (const c of fixture.cases.slice(0, 50)) {
      for (const a of c.args) {
        if (!("array" in a)) continue;
        const s = stridedArray(a.array);
        expect(nd.arrayEqual(s, contiguousArray(a.array), { equalNan: true })).toBe(true);
        if (s.size > 1) expect(s.isContiguous).toBe(false);
      }
    }
  });
});
