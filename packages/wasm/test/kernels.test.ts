// ndarray's kernel suite on the WebAssembly engine: with every call in the kernels (no size
// thresholds), on one thread (maps and sums in pieces of 7 elements, so that every case crosses
// piece boundaries) and split across two, with the defaults, and without relaxed SIMD (the
// tests run where it is available: see vitest.shared.ts).
import { afterAll, beforeAll } from "vitest";
import { describeKernelSuite } from "../../ndarray/test/kernel-suite";
import { type LoadedWasm, loadWasm } from "../src/index";

const everything = { map: 0, gemm: 0, splitMap: 0, splitGemm: 0 };
const loaded: Record<string, LoadedWasm> = {};

beforeAll(async () => {
  loaded.one = await loadWasm({ threads: 1, thresholds: { ...everything, chunk: 7 } });
  loaded.two = await loadWasm({ threads: 2, thresholds: everything });
  loaded.defaults = await loadWasm();
  loaded.plain = await loadWasm({ threads: 2, thresholds: everything, relaxedSimd: false });
});
afterAll(() => {
  for (const l of Object.values(loaded)) l.stop();
});

const get = (name: string) => () => (loaded[name] as LoadedWasm).engine;
describeKernelSuite("wasm, 1 thread, every call in the kernels, in pieces", get("one"));
describeKernelSuite("wasm, 2 threads, every call split", get("two"));
describeKernelSuite("wasm, default thresholds and threads", get("defaults"));
describeKernelSuite("wasm without relaxed SIMD, 2 threads, every call split", get("plain"));
