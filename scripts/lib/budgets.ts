/**
 * Size budgets and tree-shaking expectations of the library packages. Every library package
 * needs a budget here (the size check fails for one without); the tree-shaking cases below
 * come from measurements, each noted next to its limit.
 */

/** Whole-package budget: minified + gzip, peers external, in bytes (1 kB = 1000 B). */
export const sizeBudgets: Record<string, number> = {
  "@zerograd/ndarray": 30_000,
  "@zerograd/autograd": 15_000,
  // Wave 2 adds convolution, pooling, recurrent and attention layers (12.5 kB with conv and
  // pooling in); tree-shaking keeps a user of Linear alone far below this.
  "@zerograd/nn": 25_000,
  "@zerograd/optim": 8_000,
  "@zerograd/data": 5_000,
  "@zerograd/onnx": 6_000,
  // The kernels are embedded as base64; measured 9.5 kB whole with GEMM and maps, 13.5 kB
  // once the float32 sums and im2col/col2im kernels landed, 15.6 kB with the bool maps and
  // window maxima, 17.8 kB with the gather kernel and the vector paths of max pooling and
  // im2col, 20.0 kB with the GEMM that threads share in blocks of rows, 22.7 kB with the second
  // module (the GEMM built for relaxed SIMD's fused multiply-add). engineInfo alone leaves them
  // out.
  "@zerograd/wasm": 24_000,
};

/**
 * Text that only one part of a package puts into a minified bundle: a string literal or a
 * message prefix, since identifiers are renamed by the minifier. The tree-shaking test first
 * asserts that each marker is in the whole-package bundle, so a marker that went stale
 * (renamed message) fails loudly instead of passing for the wrong reason.
 */
export interface Marker {
  /** What the marker stands for, for messages. */
  what: string;
  text: string;
}

export const markers = {
  gemm: { what: "the asm.js gemm panel kernel", text: '"use asm"' },
  random: { what: "the Random generator", text: "uniform: need finite" },
  // The conv ops' geometry check; the engines' window walkers (mode "im2col") belong to every
  // engine, like gemm, so the mode string is no marker.
  conv: { what: "im2col/col2im", text: "is larger than the padded input" },
  backward: { what: "the backward engine", text: "backward: " },
  toDot: { what: "toDot's Graphviz writer", text: "digraph" },
  gradCheck: { what: "gradCheck", text: "gradCheck" },
  safetensors: { what: "safetensors save/load", text: '"__metadata__"' },
  // BatchNorm1d/2d name themselves via constructor.name; the functional batchNorm message stays literal.
  batchNorm: { what: "BatchNorm1d", text: "batchNorm: " },
  adam: { what: "Adam/AdamW", text: "amsgrad" },
  clipGrad: { what: "gradient clipping", text: "clipGradNorm: " },
  dataLoader: { what: "DataLoader's batching", text: "DataLoader: " },
} satisfies Record<string, Marker>;

/** One tree-shaking expectation: `import { name } from pkg` alone. */
export interface ShakeCase {
  name: string;
  /** Code that must not be in the bundle. */
  excludes: Marker[];
  /** Upper bound on (this bundle's gzip size) / (whole package's gzip size). */
  maxFraction: number;
  /** Why the bound is where it is (the measurement it comes from). */
  why: string;
}

/**
 * Per-package cases. Packages without an entry still get the generic checks (a bare import
 * bundles to nothing; some export bundles to under half the package); add a case here
 * when a package lands, from a measurement.
 */
export const shakeCases: Record<string, ShakeCase[]> = {
  "@zerograd/ndarray": [
    {
      name: "zeros",
      excludes: [markers.random, markers.conv],
      maxFraction: 0.75,
      why: "measured 13.5 of 20.0 kB: NDArray's chaining methods bring the common ops by design",
    },
    {
      name: "im2col",
      excludes: [markers.random],
      maxFraction: 0.8,
      why: "measured 14.2 of 20.0 kB; it returns an NDArray, whose matmul method keeps gemm",
    },
    {
      name: "broadcastShapes",
      excludes: [markers.gemm, markers.random, markers.conv],
      maxFraction: 0.1,
      why: "a pure shape function: 0.5 kB once ndarray's top-level engines are /* @__PURE__ */",
    },
  ],
  "@zerograd/autograd": [
    {
      name: "noGrad",
      excludes: [markers.backward, markers.toDot, markers.gradCheck],
      maxFraction: 0.1,
      why: "measured 0.3 of 6.7 kB: grad mode is a flag, no Variable needed",
    },
    {
      name: "add",
      excludes: [markers.toDot, markers.gradCheck],
      maxFraction: 0.8,
      why: "measured 4.5 of 6.7 kB: Variable's chaining methods bring the common ops by design",
    },
  ],
  "@zerograd/nn": [
    {
      name: "Linear",
      excludes: [markers.safetensors, markers.batchNorm],
      maxFraction: 0.45,
      why: "measured 2.5 of 8.0 kB: Layer and init come along, not the other layers",
    },
    {
      name: "mseLoss",
      excludes: [markers.safetensors, markers.batchNorm],
      maxFraction: 0.2,
      why: "measured 0.9 of 8.0 kB: a loss is a few autograd ops",
    },
  ],
  "@zerograd/optim": [
    {
      name: "SGD",
      excludes: [markers.adam, markers.clipGrad],
      maxFraction: 0.7,
      why: "measured 3.0 of 5.3 kB: most of it is the Optimizer base (groups, state dict, hooks)",
    },
  ],
  "@zerograd/data": [
    {
      name: "spiral",
      excludes: [markers.dataLoader],
      maxFraction: 0.6,
      why: "measured 0.7 of 1.5 kB: the generator and ArrayDataset, no loader",
    },
  ],
};
