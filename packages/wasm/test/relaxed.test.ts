// Relaxed SIMD: where the host validates the second module, matmul's register tile runs fused
// multiply-adds; `relaxedSimd: false` keeps the multiply-then-add kernels. The tests run with
// relaxed SIMD available (vitest.shared.ts passes Node 20 its flag), so both are checked here.
//
// One product tells them apart: C = (−(1 + 2e))·1 + (1 + e)·(1 + e) with e = 2⁻¹³ in float32.
// The exact second product is 1 + 2e + e² = 1 + 2⁻¹² + 2⁻²⁶, and 2⁻²⁶ is a quarter of float32's
// ulp at 1: a multiply rounds it off and the add then gives 0, while a fused multiply-add
// rounds once, after the add, and gives 2⁻²⁶ exactly. In float64, e = 2⁻²⁷: 0 against 2⁻⁵⁴.
// Every x86-64 CPU since 2013 and every 64-bit ARM one fuses (relaxed SIMD would let a host
// without FMA run the multiply and the add apart).
import { engine, jsEngine } from "@zerograd/ndarray";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineInfo, type LoadedWasm, loadWasm, stopWasm, useWasm } from "../src/index";

const all = { map: 0, gemm: 0, splitMap: 0, splitGemm: 0 };
const loaded: Record<string, LoadedWasm> = {};

beforeAll(async () => {
  loaded.relaxed1 = await loadWasm({ threads: 1, thresholds: all });
  loaded.relaxed2 = await loadWasm({ threads: 2, thresholds: all });
  loaded.plain1 = await loadWasm({ threads: 1, thresholds: all, relaxedSimd: false });
  loaded.plain2 = await loadWasm({ threads: 2, thresholds: all, relaxedSimd: false });
});
afterAll(() => {
  for (const l of Object.values(loaded)) l.stop();
  stopWasm();
});

/** [m, 2]·[2, n] with every row of A [−(1 + 2·e), 1 + e] and every column of B [1, 1 + e]. */
function product(l: LoadedWasm, single: boolean, m: number, n: number): number[] {
  const e = single ? 2 ** -13 : 2 ** -27;
  const Float = single ? Float32Array : Float64Array;
  const a = new Float(m * 2);
  for (let i = 0; i < m; i++) a.set([-(1 + 2 * e), 1 + e], 2 * i);
  const b = new Float(2 * n);
  b.fill(1, 0, n);
  b.fill(1 + e, n);
  const out = new Float(m * n);
  l.engine.gemm(
    m,
    n,
    2,
    { data: a, offset: 0, rowStride: 2, colStride: 1 },
    { data: b, offset: 0, rowStride: n, colStride: 1 },
    out,
    0,
  );
  return Array.from(new Set(out));
}

describe("relaxed SIMD in matmul", () => {
  it("is used where the host has it, and not when turned off", () => {
    expect(loaded.relaxed1?.relaxedSimd).toBe(true);
    expect(loaded.relaxed2?.relaxedSimd).toBe(true);
    expect(loaded.plain1?.relaxedSimd).toBe(false);
    expect(loaded.plain2?.relaxedSimd).toBe(false);
  });

  // 64 × 64 × 2 = 8192 multiply-adds: over splitGemm 0, so two threads share the rows.
  for (const [m, n] of [
    [1, 1],
    [4, 8],
    [64, 64],
  ] as const) {
    for (const single of [true, false]) {
      const type = single ? "float32" : "float64";
      it(`fuses the multiply and the add, [${m},2]·[2,${n}] ${type}, 1 and 2 threads`, () => {
        const fused = single ? 2 ** -26 : 2 ** -54;
        expect(product(loaded.relaxed1 as LoadedWasm, single, m, n)).toEqual([fused]);
        expect(product(loaded.relaxed2 as LoadedWasm, single, m, n)).toEqual([fused]);
      });
      it(`rounds the product before the add without it, [${m},2]·[2,${n}] ${type}`, () => {
        expect(product(loaded.plain1 as LoadedWasm, single, m, n)).toEqual([0]);
        expect(product(loaded.plain2 as LoadedWasm, single, m, n)).toEqual([0]);
      });
    }
  }

  it("engineInfo says which kernels are active", async () => {
    expect(await useWasm({ threads: 1 })).toMatchObject({ engine: "wasm", relaxedSimd: true });
    expect(await useWasm({ threads: 1, relaxedSimd: false })).toMatchObject({ relaxedSimd: false });
    stopWasm();
    expect(engine()).toBe(jsEngine);
    expect(engineInfo()).toEqual({ engine: "js", threads: 1, simd: false, relaxedSimd: false });
  });
});
