import type { Tensor } from "@tensorflow/tfjs-core";
import type { NDArray } from "@zerograd/ndarray";

/**
 * The implementations compared. `zerograd` runs on ndarray's JavaScript engine, `wasm` and
 * `wasm-1t` on @zerograd/wasm with two threads and one; `js` is the hand-written loop. These
 * four run interleaved in one process.
 */
export type Library = "zerograd" | "wasm" | "wasm-1t" | "js" | "tfjs-cpu" | "tfjs-wasm";

/** How the report names each library. */
export const LIBRARY_LABEL: Record<Library, string> = {
  zerograd: "zerograd",
  wasm: "zg-wasm",
  "wasm-1t": "zg-wasm 1t",
  js: "plain JS",
  "tfjs-cpu": "tfjs-cpu",
  "tfjs-wasm": "tfjs-wasm",
};

/** The tfjs-core module, loaded only in a tfjs child process. */
export type Tf = typeof import("@tensorflow/tfjs-core");

/** A result as the checks see it: its shape and its elements in row-major order. */
export interface Output {
  shape: readonly number[];
  at(flatIndex: number): number;
}

/** One implementation of one case, with its inputs already built. */
export interface Impl {
  /**
   * The timed operation: computes the result (allocating it), releases it if the library
   * needs that, and returns it so that the timing loop can keep it alive (no dead code).
   */
  call(): unknown;
  /** Computes the result once more and exposes it for checking. */
  callAndRead(): { output: Output; release(): void };
  /** Frees the inputs (tfjs tensors). */
  dispose(): void;
}

/** Wraps a zerograd op: the result is left to the garbage collector, as users do. */
export function zerogradImpl(op: () => NDArray): Impl {
  return {
    call: op,
    callAndRead() {
      const result = op();
      return { output: ndarrayOutput(result), release() {} };
    },
    dispose() {},
  };
}

function ndarrayOutput(x: NDArray): Output {
  const flat = x.isContiguous ? x.data : x.toTypedArray();
  const base = x.isContiguous ? x.offset : 0;
  return { shape: x.shape, at: (i) => flat[base + i] as number };
}

/** What a hand-written loop returns: float32 data, int32 indices or a 0/1 mask. */
export type LoopOutput = Float32Array | Int32Array | Uint8Array;

/** Wraps a hand-written loop that returns a fresh row-major array of the given shape. */
export function jsImpl(shape: readonly number[], op: () => LoopOutput): Impl {
  return {
    call: op,
    callAndRead() {
      const data = op();
      return { output: { shape, at: (i) => data[i] as number }, release() {} };
    },
    dispose() {},
  };
}

/** Wraps a tfjs op: each result is disposed right away, the way `tf.tidy` would. */
export function tfjsImpl(inputs: readonly Tensor[], op: () => Tensor): Impl {
  return {
    call() {
      const result = op();
      result.dispose();
      return result;
    },
    callAndRead() {
      const result = op();
      const data = result.dataSync();
      return {
        output: { shape: result.shape, at: (i) => data[i] as number },
        release: () => result.dispose(),
      };
    },
    dispose() {
      for (const t of inputs) t.dispose();
    },
  };
}
