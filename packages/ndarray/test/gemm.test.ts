// The fast GEMM kernels against the float64 reference `naiveGemm`, on edge sizes and on every
// kind of strided operand (transposed, stepped, reversed, stride-0 broadcast).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TypedArray } from "../src/dtype";
import { interpretedEngine, jsEngine } from "../src/kernels/engine";
import {
  blockedGemm,
  createGemm,
  type GemmKernel,
  type MatrixOperand,
  naiveGemm,
  vectorGemm,
} from "../src/kernels/gemm";
import { ASM_PANEL_SOURCE, createAsmPanelKernel } from "../src/kernels/gemm-asm";
import { createJsPanelKernel } from "../src/kernels/gemm-js";

type FloatType = "float32" | "float64";

/** A small deterministic generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** [rowStride, colStride] of each layout for an r×c matrix (any sign, any overlap: only read). */
const LAYOUTS: Record<string, (r: number, c: number) => [number, number]> = {
  "row-major": (_r, c) => [c, 1],
  transposed: (r) => [1, r],
  stepped: (_r, c) => [3 * c + 1, 2],
  reversed: (_r, c) => [-c, -1],
  "transposed, rows reversed": (r) => [-1, r],
  "broadcast rows": () => [0, 1],
  "broadcast columns": () => [1, 0],
  scalar: () => [0, 0],
};

/** A random r×c operand with the given strides, in its own buffer with 3 elements of slack. */
function operand(
  r: number,
  c: number,
  [rowStride, colStride]: [number, number],
  dtype: FloatType,
  next: () => number,
): MatrixOperand {
  const span = (n: number, s: number) => Math.max(0, n - 1) * Math.abs(s);
  const offset =
    3 + (rowStride < 0 ? span(r, rowStride) : 0) + (colStride < 0 ? span(c, colStride) : 0);
  const length = offset + span(r, rowStride) + span(c, colStride) + 4;
  const data = dtype === "float32" ? new Float32Array(length) : new Float64Array(length);
  for (let i = 0; i < length; i++) data[i] = 2 * next() - 1;
  return { data, offset, rowStride, colStride };
}

function absolute(x: MatrixOperand): MatrixOperand {
  return { ...x, data: Float64Array.from(x.data, Math.abs) };
}

const SENTINEL = 12345;

/**
 * Runs `gemm` into a buffer with a margin on both sides and compares with naiveGemm in float64:
 * the kernel also sums in float64 (in another order), so the only slack is one rounding to the
 * output type plus k float64 roundings of the sum of |a||b|. Also checks that the margin and the
 * operands are untouched.
 */
function expectMatchesReference(
  gemm: GemmKernel,
  m: number,
  n: number,
  k: number,
  a: MatrixOperand,
  b: MatrixOperand,
  dtype: FloatType,
  label: string,
): void {
  const outOffset = 5;
  const out: TypedArray =
    dtype === "float32"
      ? new Float32Array(outOffset + m * n + 7)
      : new Float64Array(outOffset + m * n + 7);
  out.fill(SENTINEL);
  const aBefore = Array.from(a.data);
  const bBefore = Array.from(b.data);
  gemm(m, n, k, a, b, out, outOffset);

  const reference = new Float64Array(m * n);
  naiveGemm(m, n, k, a, b, reference, 0);
  const magnitude = new Float64Array(m * n);
  naiveGemm(m, n, k, absolute(a), absolute(b), magnitude, 0);
  const rounding = dtype === "float32" ? 2 ** -24 : 2 ** -53;
  for (let i = 0; i < m * n; i++) {
    const got = out[outOffset + i] as number;
    const want = reference[i] as number;
    const tolerance = rounding * Math.abs(want) + (k + 1) * 2 ** -52 * (magnitude[i] as number);
    if (!(Math.abs(got - want) <= tolerance)) {
      expect.fail(
        `${label}: [${m},${k}]·[${k},${n}] element (${Math.floor(i / n)},${i % n}) = ${got}, reference ${want} (tolerance ${tolerance})`,
      );
    }
  }
  for (let i = 0; i < outOffset; i++)
    expect(out[i], `${label}: wrote before outOffset`).toBe(SENTINEL);
  for (let i = outOffset + m * n; i < out.length; i++) {
    expect(out[i], `${label}: wrote past the end`).toBe(SENTINEL);
  }
  expect(Array.from(a.data), `${label}: a modified`).toEqual(aBefore);
  expect(Array.from(b.data), `${label}: b modified`).toEqual(bBefore);
}

const asmPanels = createAsmPanelKernel();
const jsPanels = createJsPanelKernel();

/** Every entry point that must agree with the reference. */
const KERNELS: [string, GemmKernel][] = [
  ["gemm (asm.js panels)", createGemm(() => true)],
  ["gemm (plain-JS panels)", createGemm(() => false)],
  ["blocked asm.js", (m, n, k, a, b, out, o) => blockedGemm(asmPanels, m, n, k, a, b, out, o)],
  ["blocked plain JS", (m, n, k, a, b, out, o) => blockedGemm(jsPanels, m, n, k, a, b, out, o)],
  ["jsEngine", jsEngine.gemm],
  ["interpretedEngine", interpretedEngine.gemm],
];

const EDGE_SIZES = [0, 1, 2, 3, 5, 7, 8, 17];
const LARGER_SHAPES: [number, number, number][] = [
  [64, 64, 64],
  [65, 65, 65],
  [129, 64, 65],
  [64, 129, 300],
  [300, 17, 129],
  [17, 300, 257],
  [129, 300, 3],
  [300, 7, 300],
  [2, 300, 300],
  [300, 2, 129],
  [1, 129, 300],
  [300, 1, 65],
  [1, 1, 300],
  [300, 300, 1],
  // more rows than one chunk of C (512 at this width) and more columns than one B panel (1024)
  [600, 1030, 3],
];

describe("gemm kernels vs naiveGemm", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`${dtype}: every m, n, k in {0,1,2,3,5,7,8,17}, row-major`, () => {
      const next = random(1);
      for (const m of EDGE_SIZES) {
        for (const n of EDGE_SIZES) {
          for (const k of EDGE_SIZES) {
            const a = operand(m, k, [k, 1], dtype, next);
            const b = operand(k, n, [n, 1], dtype, next);
            for (const [name, gemm] of KERNELS) {
              expectMatchesReference(gemm, m, n, k, a, b, dtype, name);
            }
          }
        }
      }
    });

    it(`${dtype}: larger and uneven shapes (64, 65, 129, 300; k across the 256-deep blocks)`, () => {
      const next = random(2);
      for (const [m, n, k] of LARGER_SHAPES) {
        const a = operand(m, k, [k, 1], dtype, next);
        const b = operand(k, n, [n, 1], dtype, next);
        for (const [name, gemm] of KERNELS.slice(0, 4)) {
          expectMatchesReference(gemm, m, n, k, a, b, dtype, name);
        }
      }
    });

    it(`${dtype}: every pair of layouts (transposed, stepped, reversed, broadcast)`, () => {
      const next = random(3);
      const shapes: [number, number, number][] = [
        [7, 5, 3],
        [17, 9, 300],
        [65, 33, 20],
        [1, 9, 17],
        [9, 1, 17],
      ];
      for (const [m, n, k] of shapes) {
        for (const [aName, aLayout] of Object.entries(LAYOUTS)) {
          for (const [bName, bLayout] of Object.entries(LAYOUTS)) {
            const a = operand(m, k, aLayout(m, k), dtype, next);
            const b = operand(k, n, bLayout(k, n), dtype, next);
            for (const [name, gemm] of KERNELS.slice(0, 4)) {
              expectMatchesReference(gemm, m, n, k, a, b, dtype, `${name}, A ${aName}, B ${bName}`);
            }
          }
        }
      }
    });
  }

  it("vectorGemm handles both matrix-vector orientations in every layout", () => {
    const next = random(4);
    for (const dtype of ["float32", "float64"] as const) {
      for (const [m, n, k] of [
        [1, 40, 30],
        [40, 1, 30],
        [1, 1, 30],
        [1, 5, 0],
        [1, 0, 4],
      ] as [number, number, number][]) {
        for (const [aName, aLayout] of Object.entries(LAYOUTS)) {
          for (const [bName, bLayout] of Object.entries(LAYOUTS)) {
            const a = operand(m, k, aLayout(m, k), dtype, next);
            const b = operand(k, n, bLayout(k, n), dtype, next);
            expectMatchesReference(
              vectorGemm,
              m,
              n,
              k,
              a,
              b,
              dtype,
              `vector, A ${aName}, B ${bName}`,
            );
          }
        }
      }
    }
  });

  it("inputs of other element types (int32, bool) are read as numbers", () => {
    const a: MatrixOperand = {
      data: Int32Array.from([1, -2, 3, 4, 5, -6]),
      offset: 0,
      rowStride: 3,
      colStride: 1,
    };
    const b: MatrixOperand = {
      data: Uint8Array.from([1, 0, 1, 1, 0, 1]),
      offset: 0,
      rowStride: 2,
      colStride: 1,
    };
    for (const [name, gemm] of KERNELS) {
      const out = new Float64Array(4);
      gemm(2, 2, 3, a, b, out, 0);
      expect(Array.from(out), name).toEqual([1 - 2, -2 + 3, 4 + 5, 5 - 6]);
    }
  });

  it("NaN and Infinity reach exactly the elements the reference gives them (padding adds none)", () => {
    const m = 9;
    const n = 7;
    const k = 5;
    const next = random(5);
    const a = operand(m, k, [k, 1], "float64", next);
    const b = operand(k, n, [n, 1], "float64", next);
    a.data[a.offset + 8 * k + 2] = Number.POSITIVE_INFINITY; // row 8 (the padded last 4-row tile)
    b.data[b.offset + 1 * n + 6] = Number.NaN; // column 6 (the padded last 2-column sliver)
    for (const [name, gemm] of KERNELS) {
      const out = new Float64Array(m * n);
      const reference = new Float64Array(m * n);
      gemm(m, n, k, a, b, out, 0);
      naiveGemm(m, n, k, a, b, reference, 0);
      for (let i = 0; i < m * n; i++) {
        const got = out[i] as number;
        const want = reference[i] as number;
        if (Number.isFinite(want)) expect(got, `${name} element ${i}`).toBeCloseTo(want, 12);
        else expect(got, `${name} element ${i}`).toBe(want);
      }
    }
  });

  it("keeps working after its workspace grows and shrinks between calls", () => {
    const next = random(6);
    const gemm = createGemm(() => true);
    for (const [m, n, k] of [
      [5, 6, 7],
      [200, 300, 260],
      [3, 4, 5],
      [513, 40, 9],
      [8, 8, 8],
    ] as [number, number, number][]) {
      const a = operand(m, k, [1, m], "float32", next);
      const b = operand(k, n, [n, 1], "float32", next);
      expectMatchesReference(gemm, m, n, k, a, b, "float32", `${m}x${n}x${k}`);
    }
  });
});

describe("the asm.js kernel", () => {
  // V8 reports a module that fails asm.js validation (or linking, e.g. on a bad heap size) as a
  // process warning and then runs it as plain, much slower JavaScript. The control module below
  // proves the warning is observed here, so the check can fail.
  const warnings: string[] = [];
  const listen = (warning: Error) => {
    warnings.push(warning.message);
  };
  beforeAll(() => {
    process.on("warning", listen);
  });
  afterAll(() => {
    process.off("warning", listen);
  });

  it("validates as asm.js and links with every heap size it asks for", async () => {
    const invalid = new Function(
      "stdlib",
      "foreign",
      "heap",
      '"use asm"; function f(x) { x = x | 0; var y = 0; y = +(x | 0); return +y; } return f;',
    );
    invalid(globalThis, {}, new ArrayBuffer(1 << 16));
    const panel = new Function("stdlib", "foreign", "heap", ASM_PANEL_SOURCE);
    panel(globalThis, {}, new ArrayBuffer(1 << 16));
    const kernel = createAsmPanelKernel();
    for (let elements = 1; elements < 1 << 23; elements = Math.ceil(elements * 1.7)) {
      expect(kernel.reserve(elements).length).toBeGreaterThanOrEqual(elements);
    }
    kernel.reserve(5 << 21); // past 16 MiB: heaps grow in multiples of 16 MiB there
    await new Promise((resolve) => setTimeout(resolve, 50));
    const asmWarnings = warnings.filter((w) => w.includes("asm.js"));
    expect(asmWarnings).toHaveLength(1);
    expect(asmWarnings[0]).toContain("Invalid asm.js");
  });
});
