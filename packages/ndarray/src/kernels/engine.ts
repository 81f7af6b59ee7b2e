import type { TypedArray } from "../dtype";
import { contiguousStrides, type Shape, shapeSize } from "../shape";
import { createGemm, type GemmKernel } from "./gemm";
import {
  canGenerateCode,
  compiledLoops,
  identity,
  interpretedLoops,
  LoopCache,
  type LoopFactory,
  MAX_ARITY,
  type MapLoop,
  type ScalarFn,
} from "./loops";
import { collapseAxes, walkRows } from "./walk";
import { type WindowGeometry, walkWindows, windowMaxima } from "./windows";

export type { MatrixOperand } from "./gemm";
export { identity, type ScalarFn } from "./loops";
export type { WindowGeometry } from "./windows";

/** An input read through strides already aligned to the iteration shape (0 on broadcast axes). */
export interface StridedOperand {
  readonly data: TypedArray;
  readonly offset: number;
  readonly strides: readonly number[];
}

/**
 * The seam between the array API and the loops that do the work. The hot families reach memory
 * through these entry points (elementwise ops, copies and casts through `map`; reductions
 * through `reduce`; matmul through `gemm`; `im2col`/`col2im` through `windows`; max pooling through `windowMaxima`), so another
 * engine (WASM SIMD, workers) can replace them and must pass the same kernel suite
 * (`kernels.test.ts`). Gathers and scatters (`take`, `scatterAdd`, `oneHot`, `pad`) and
 * `argmax`/`argmin` still loop over the buffers in their own files; they move behind the seam
 * when an engine needs them.
 */
export interface Engine {
  readonly name: string;
  /**
   * out (contiguous, row-major over `shape`, starting at `outOffset`) = fn applied elementwise
   * to the inputs.
   */
  map(
    fn: ScalarFn,
    shape: Shape,
    out: TypedArray,
    inputs: readonly StridedOperand[],
    outOffset?: number,
  ): void;
  /**
   * Folds `x` (iterated over `shape`) into `acc` with `fn(acc, x)`; `accStrides` are 0 on the
   * reduced axes. With `pairwise`, contiguous runs are summed pairwise (fn must be addition).
   */
  reduce(
    fn: ScalarFn,
    shape: Shape,
    x: StridedOperand,
    accStrides: readonly number[],
    acc: Float64Array,
    pairwise: boolean,
  ): void;
  /** out[outOffset + i*n + j] = (a·b)[i,j] for a:[m,k], b:[k,n], any strides. */
  readonly gemm: GemmKernel;
  /**
   * im2col (`mode` "im2col": the windows of `image`, read through `imageStrides` from
   * `imageOffset`, copied into the zeroed `col`) or col2im ("col2im": `col` added into
   * `image`), with `col` laid out `[N·OH·OW, C·KH·KW]` when `toMatrix`, else
   * `[N, C, KH, KW, OH, OW]`. Taps in the padding are skipped. `image` and `col` have one dtype.
   */
  windows(
    g: WindowGeometry,
    toMatrix: boolean,
    image: TypedArray,
    imageOffset: number,
    imageStrides: readonly number[],
    col: TypedArray,
    mode: "im2col" | "col2im",
  ): void;
  /**
   * Max pooling: each window's first maximum (row-major tap order; a NaN wins; padding taps
   * skipped, and every window holds a real tap) of `image`, read through `imageStrides` from
   * `imageOffset`, into `values`, and its flat row-major index into the `[N, C, H, W]` image
   * into `indices`; both contiguous `[N, C, OH, OW]`. `image` and `values` have one dtype.
   */
  windowMaxima(
    g: WindowGeometry,
    image: TypedArray,
    imageOffset: number,
    imageStrides: readonly number[],
    values: TypedArray,
    indices: Int32Array,
  ): void;
}

const PAIRWISE_BLOCK = 128;
/** Reduced runs up to this long are walked outermost (see `reduce`). */
const SHORT_REDUCTION = 16;

/** One letter per typed-array type: loops are cached per combination of them. */
function typeKey(arrays: readonly TypedArray[]): string {
  let key = "";
  for (const a of arrays) {
    key +=
      a instanceof Float32Array
        ? "f"
        : a instanceof Float64Array
          ? "d"
          : a instanceof Int32Array
            ? "i"
            : "b";
  }
  return key;
}

/** typeKey's letter as a two-bit number, for the flat path's numeric cache key. */
function typeCode(a: TypedArray): number {
  return a instanceof Float32Array
    ? 0
    : a instanceof Float64Array
      ? 1
      : a instanceof Int32Array
        ? 2
        : 3;
}

/**
 * How an input can be read as one flat run over the output's row-major order: "c" when it is
 * laid out exactly like the output, "s" when it is one value broadcast everywhere, "" otherwise.
 */
function flatWalk(strides: readonly number[], outStrides: readonly number[], shape: Shape): string {
  let dense = true;
  let scalar = true;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    if (strides[d] !== outStrides[d]) dense = false;
    if (strides[d] !== 0) scalar = false;
  }
  return scalar ? "s" : dense ? "c" : "";
}

/**
 * The axes an elementwise op walks, at least three (the kernels' loop nest), with strides for
 * the output first and then each input. Most calls (same-layout operands, scalars) are one flat
 * run; otherwise axes that every operand walks as one are merged.
 */
function iterationLayout(
  shape: Shape,
  outStrides: number[],
  inputs: readonly StridedOperand[],
): { shape: number[]; strides: number[][] } {
  const flat = inputs.map((x) => flatWalk(x.strides, outStrides, shape));
  if (flat.every((kind) => kind !== "")) {
    const size = shapeSize(shape);
    return {
      shape: [1, 1, size],
      strides: [[0, 0, 1], ...flat.map((kind) => [0, 0, kind === "c" ? 1 : 0])],
    };
  }
  const collapsed = collapseAxes(shape, [outStrides, ...inputs.map((x) => x.strides)]);
  while (collapsed.shape.length < 3) {
    collapsed.shape.unshift(1);
    for (const st of collapsed.strides) st.unshift(0);
  }
  return collapsed;
}

/** The plain-JavaScript engine, with loops from `factory` (compiled or interpreted). */
export function createJsEngine(name: string, factory: () => LoopFactory): Engine {
  const loops = new LoopCache(factory);
  // Loops of flat calls by (fn, numeric key): most elementwise calls are flat (same-layout
  // operands, scalars), and small ones are dominated by what a call allocates, so this path
  // builds no strings, layouts or closures once its loop is cached.
  const flatLoops = new WeakMap<ScalarFn, Map<number, MapLoop>>();

  /**
   * Runs `fn` as one run of `size` elements when every input is laid out like the output or
   * is a single broadcast value; returns false (doing nothing) otherwise.
   */
  function mapFlat(
    fn: ScalarFn,
    shape: Shape,
    outStrides: number[],
    out: TypedArray,
    inputs: readonly StridedOperand[],
    outOffset: number,
    size: number,
  ): boolean {
    const arity = inputs.length;
    let key = (arity << 8) | typeCode(out);
    for (let j = 0; j < arity; j++) {
      const x = inputs[j] as StridedOperand;
      const kind = flatWalk(x.strides, outStrides, shape);
      if (kind === "") return false;
      key |= (typeCode(x.data) << (2 * j + 2)) | ((kind === "c" ? 1 : 0) << (11 + j));
    }
    const [x0, x1, x2] = inputs as [StridedOperand, StridedOperand?, StridedOperand?];
    const dense0 = (key >> 11) & 1;
    // A plain copy of one flat run between arrays of one type is a memory copy.
    if (fn === identity && dense0 === 1 && x0.data.constructor === out.constructor) {
      out.set(x0.data.subarray(x0.offset, x0.offset + size), outOffset);
      return true;
    }
    let cached = flatLoops.get(fn);
    if (cached === undefined) {
      cached = new Map();
      flatLoops.set(fn, cached);
    }
    let loop = cached.get(key);
    if (loop === undefined) {
      let pattern = "";
      for (let j = 0; j < arity; j++) pattern += (key >> (11 + j)) & 1 ? "c" : "s";
      loop = loops.map(fn, arity, pattern, typeKey([out, ...inputs.map((x) => x.data)]));
      cached.set(key, loop);
    }
    loop(
      out,
      outOffset,
      1,
      1,
      size,
      x0.data,
      x0.offset,
      0,
      0,
      dense0,
      x1?.data,
      x1 === undefined ? 0 : x1.offset,
      x1 === undefined ? undefined : 0,
      x1 === undefined ? undefined : 0,
      x1 === undefined ? undefined : (key >> 12) & 1,
      x2?.data,
      x2 === undefined ? 0 : x2.offset,
      x2 === undefined ? undefined : 0,
      x2 === undefined ? undefined : 0,
      x2 === undefined ? undefined : (key >> 13) & 1,
    );
    return true;
  }

  return {
    name,
    map(fn, shape, out, inputs, outOffset = 0) {
      const arity = inputs.length;
      if (arity < 1 || arity > MAX_ARITY) {
        throw new RangeError(`map: functions of ${arity} inputs are not supported`);
      }
      const size = shapeSize(shape);
      if (size === 0) return;
      const outStrides = contiguousStrides(shape);
      if (mapFlat(fn, shape, outStrides, out, inputs, outOffset, size)) return;
      const layout = iterationLayout(shape, outStrides, inputs);
      const [x0] = inputs as [StridedOperand];
      // A plain copy of one flat run between arrays of one type is a memory copy.
      if (
        fn === identity &&
        layout.shape[layout.shape.length - 1] === shapeSize(shape) &&
        layout.strides[1]?.[layout.strides[1].length - 1] === 1 &&
        x0.data.constructor === out.constructor
      ) {
        const size = shapeSize(shape);
        out.set(x0.data.subarray(x0.offset, x0.offset + size), outOffset);
        return;
      }
      // The innermost three axes run inside the compiled kernel; leading ones (rare after
      // collapsing) are walked here, one kernel call per block.
      const ndim = layout.shape.length;
      const [n0, n1, n2] = layout.shape.slice(ndim - 3) as [number, number, number];
      const [, s0, s1, s2] = layout.strides.map((st) => st.slice(ndim - 3)) as [
        unknown,
        number[],
        number[]?,
        number[]?,
      ];
      const pattern = [s0, s1, s2]
        .slice(0, arity)
        .map((st) => (st?.[2] === 1 ? "c" : st?.[2] === 0 ? "s" : "g"))
        .join("");
      const [, x1, x2] = inputs as [StridedOperand, StridedOperand?, StridedOperand?];
      const loop = loops.map(fn, arity, pattern, typeKey([out, ...inputs.map((x) => x.data)]));
      const offsets = new Int32Array(MAX_ARITY + 1);
      offsets[0] = outOffset;
      inputs.forEach((x, j) => {
        offsets[j + 1] = x.offset;
      });
      const call = () =>
        loop(
          out,
          offsets[0] as number,
          n0,
          n1,
          n2,
          x0.data,
          offsets[1] as number,
          s0[0],
          s0[1],
          s0[2],
          x1?.data,
          offsets[2],
          s1?.[0],
          s1?.[1],
          s1?.[2],
          x2?.data,
          offsets[3],
          s2?.[0],
          s2?.[1],
          s2?.[2],
        );
      if (ndim === 3) {
        call();
        return;
      }
      const outerShape = [...layout.shape.slice(0, ndim - 3), 1];
      const outerStrides = layout.strides.map((st) => [...st.slice(0, ndim - 3), 0]);
      walkRows(outerShape, outerStrides, offsets, call);
    },
    reduce(fn, shape, x, accStrides, acc, pairwise) {
      // Walk in the input's memory order (largest stride outermost): a transposed view is then
      // read sequentially, and a reduction over a leading axis becomes row-wise accumulation.
      const order = shape
        .map((_, d) => d)
        .sort(
          (p, q) => Math.abs(x.strides[q] as number) - Math.abs(x.strides[p] as number) || p - q,
        );
      const collapsed = collapseAxes(
        order.map((d) => shape[d] as number),
        [order.map((d) => x.strides[d] as number), order.map((d) => accStrides[d] as number)],
      );
      // A short reduced axis innermost (softmax over 10 classes, say) would mean one fold call
      // per output element; moved outermost, each of its few steps accumulates a long run of
      // outputs instead.
      const innermost = collapsed.shape.length - 1;
      if (
        innermost > 0 &&
        (collapsed.strides[1] as number[])[innermost] === 0 &&
        (collapsed.shape[innermost] as number) <= SHORT_REDUCTION
      ) {
        collapsed.shape.unshift(collapsed.shape.pop() as number);
        for (const strides of collapsed.strides) strides.unshift(strides.pop() as number);
      }
      const key = typeKey([x.data]);
      const offsets = new Int32Array([x.offset, 0]);
      const last = collapsed.shape.length - 1;
      const xStride = (collapsed.strides[0] as number[])[last] as number;
      const accStride = (collapsed.strides[1] as number[])[last] as number;
      const data = x.data;
      if (accStride === 0) {
        const fold = loops.fold(fn, key);
        const sum = (offset: number, n: number): number =>
          n <= PAIRWISE_BLOCK
            ? fold(data, offset, xStride, n, 0)
            : sum(offset, n >> 1) + sum(offset + (n >> 1) * xStride, n - (n >> 1));
        walkRows(collapsed.shape, collapsed.strides, offsets, (n) => {
          const at = offsets[1] as number;
          acc[at] = pairwise
            ? (acc[at] as number) + sum(offsets[0] as number, n)
            : fold(data, offsets[0] as number, xStride, n, acc[at] as number);
        });
      } else {
        const accumulate = loops.accumulate(fn, key);
        walkRows(collapsed.shape, collapsed.strides, offsets, (n) =>
          accumulate(acc, offsets[1] as number, accStride, data, offsets[0] as number, xStride, n),
        );
      }
    },
    gemm: createGemm(() => factory() === compiledLoops),
    windows: walkWindows,
    windowMaxima,
  };
}

// The engines are built at load time; /* @__PURE__ */ tells bundlers that building one has no
// side effects, so a program that never touches the kernels drops them.

/** Compiled loops where the platform allows code generation, interpreted ones otherwise. */
export const jsEngine: Engine = /* @__PURE__ */ createJsEngine("js", () =>
  canGenerateCode() ? compiledLoops : interpretedLoops,
);

/** The same engine without code generation (what a strict-CSP page gets). */
export const interpretedEngine: Engine = /* @__PURE__ */ createJsEngine(
  "js-interpreted",
  () => interpretedLoops,
);

let active: Engine = jsEngine;

/** The engine every op runs on. */
export function engine(): Engine {
  return active;
}

/** Swaps the engine (tests run the kernel suite on each); returns the previous one. */
export function setEngine(next: Engine): Engine {
  const previous = active;
  active = next;
  return previous;
}
