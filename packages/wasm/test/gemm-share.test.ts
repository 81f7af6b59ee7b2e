// Products split into blocks of rows that the threads take in turn (engine.ts's shareRows):
// several blocks and a short last one, depths over one packed block (256), transposed and
// offset operands, on two and three threads. The operands are small integers, so every sum is
// exact in float32 too and the results must equal the reference's bit for bit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { naiveGemm } from "../../ndarray/src/kernels/gemm";
import { type LoadedWasm, loadWasm } from "../src/index";

const split = { gemm: 0, splitGemm: 0 };
const loaded: LoadedWasm[] = [];

beforeAll(async () => {
  loaded.push(await loadWasm({ threads: 2, thresholds: split }));
  loaded.push(await loadWasm({ threads: 3, thresholds: split }));
});
afterAll(() => {
  for (const l of loaded) l.stop();
});

/** An [rows, cols] operand of integers in [-4, 4] after `offset` elements, maybe transposed. */
function operand(rows: number, cols: number, transposed: boolean, offset: number, seed: number) {
  const data = new Float64Array(offset + rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7 + seed * 13) % 9) - 4;
  return transposed
    ? { data, offset, rowStride: 1, colStride: rows }
    : { data, offset, rowStride: cols, colStride: 1 };
}

// [m, n, k]: rows >= columns, as shareRows takes them.
const shapes = [
  [97, 40, 300],
  [64, 64, 64],
  [33, 8, 513],
  [200, 17, 5],
  [31, 9, 2],
] as const;

describe.each([2, 3])("gemm shared among %i threads", (threads) => {
  const engine = () => (loaded[threads - 2] as LoadedWasm).engine;

  for (const [m, n, k] of shapes) {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
    ] as const) {
      for (const single of [true, false]) {
        const name = `[${m},${k}]${ta ? "ᵀ" : ""}·[${k},${n}]${tb ? "ᵀ" : ""} ${single ? "f32" : "f64"}`;
        it(name, () => {
          const a = operand(m, k, ta, 3, 1);
          const b = operand(k, n, tb, 5, 2);
          const cast = (x: typeof a) => (single ? { ...x, data: Float32Array.from(x.data) } : x);
          const got = (single ? new Float32Array(m * n + 2) : new Float64Array(m * n + 2)).fill(7);
          const want = new Float64Array(m * n + 2).fill(7);
          engine().gemm(m, n, k, cast(a), cast(b), got, 1);
          naiveGemm(m, n, k, a, b, want, 1);
          expect(Array.from(got)).toEqual(Array.from(want));
        });
      }
    }
  }
});
