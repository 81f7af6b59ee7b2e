import {
  type Engine,
  type GemmKernel,
  jsEngine,
  type ScalarFn,
  type StridedOperand,
  scalar,
  type TypedArray,
  type WindowGeometry,
} from "@zerograd/ndarray";
import type { WasmMemory } from "./host";
import { CONTROL_BASE, type Job, type Kernel, type KernelName, type Pool } from "./pool";

// Op codes of assembly/map.ts.
const BINARY = new Map<ScalarFn, number>([
  [scalar.add, 0],
  [scalar.sub, 1],
  [scalar.mul, 2],
  [scalar.div, 3],
  [scalar.maximum, 4],
  [scalar.minimum, 5],
]);
const UNARY = new Map<ScalarFn, number>([
  [scalar.neg, 0],
  [scalar.abs, 1],
  [scalar.square, 2],
  [scalar.relu, 3],
  [scalar.sqrt, 4],
  [scalar.exp, 5],
  [scalar.log, 6],
  [scalar.tanh, 7],
  [scalar.sigmoid, 8],
]);
const COMPARE = new Map<ScalarFn, number>([
  [scalar.equal, 0],
  [scalar.notEqual, 1],
  [scalar.less, 2],
  [scalar.lessEqual, 3],
  [scalar.greater, 4],
  [scalar.greaterEqual, 5],
]);
/** Unary codes from here on are float32 only (float64 keeps them on the JavaScript loops). */
const FLOAT32_ONLY = 5;

/**
 * Sizes where the kernels take over. Below `map` elements or `gemm` multiply-adds a call costs
 * more in copies and crossings than the kernel saves; from `splitMap` and `splitGemm` on, the
 * work is shared between threads. A wake-up costs 20–40 µs and more on a loaded machine, and
 * split work is copied through the slower shared memory: the demo's CNN step ran 8% faster with
 * its 6272×72×16 products (7.2M multiply-adds, about 0.4 ms) on one thread, so a product is
 * split from 2^23 on. Maps and sums on one thread go through the memory in pieces of `chunk`
 * elements (64K: three float32 operands of a piece stay within a 2 MB L2 cache).
 */
export interface Thresholds {
  readonly map: number;
  readonly gemm: number;
  readonly splitMap: number;
  readonly splitGemm: number;
  /** Elements per piece of a map or sum streamed through the memory on one thread. */
  readonly chunk: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  map: 2048,
  gemm: 4096,
  splitMap: 1 << 17,
  splitGemm: 1 << 23,
  chunk: 1 << 16,
};

/** Tile sizes of assembly/gemm.ts: rows and (float32) columns. */
const MR = 4;
const NR32 = 8;
/**
 * Rows of C a thread takes at a time in a shared product: a whole number of register tiles, and
 * small enough for the threads to even out. Timed side by side, matmul n=512 ran 7-14% faster
 * in 32-row blocks than in two fixed halves on a loaded machine, 0-4% on a quiet one.
 */
const SHARE_ROWS = 32;
/** Outputs up to this many elements may be computed transposed (see `gemm`). */
const SWAP_OUTPUT = 1 << 14;
/** Reduced innermost runs up to this long are walked outermost (as ndarray's engine does). */
const SHORT_REDUCTION = 16;
/** Bytes of a padded image's scratch before the image: assembly/windows.ts's PADDED_HEAD. */
const PADDED_HEAD = 80;
/** Bytes reserved below the arena: the pool's control words. */
const ARENA_BASE = 65536;

/** Elements of an [m, n] output rounded up to whole register tiles. */
function tiled(m: number, n: number, nr: number): number {
  return Math.ceil(m / MR) * MR * Math.ceil(n / nr) * nr;
}

type FloatArray = Float32Array | Float64Array;

/** The kernels the engine calls, plus the work-size query. */
export interface Kernels extends Record<KernelName, Kernel> {
  gemmWorkBytes(cols: number, depth: number, elementBytes: number): number;
  /** Returns the last block of rows it took, or -1 (see assembly/gemm.ts). */
  sgemmShare(...args: number[]): number;
  dgemmShare(...args: number[]): number;
}

/**
 * A bump allocator over the wasm memory, reset at every call: nothing outlives a call, so the
 * memory grows only to the largest single op and never with the number of steps.
 */
class Arena {
  private top = ARENA_BASE;
  constructor(readonly memory: WasmMemory) {}

  /** Frees everything (or everything reserved after `used` was `to`). */
  reset(to = ARENA_BASE): void {
    this.top = to;
  }

  /** The end of what is reserved so far, for `reset`. */
  get used(): number {
    return this.top;
  }

  /** Reserves `bytes` (16-aligned) and returns its address. */
  take(bytes: number): number {
    const at = (this.top + 15) & ~15;
    this.top = at + bytes;
    const have = this.memory.buffer.byteLength;
    if (this.top > have) this.memory.grow(Math.ceil((this.top - have) / 65536));
    return at;
  }

  /** Copies `length` elements of `data` from `offset` in, returning their address. */
  copyIn(data: FloatArray | Uint8Array, offset: number, length: number): number {
    const at = this.take(length * data.BYTES_PER_ELEMENT);
    this.view(data, at, length).set(data.subarray(offset, offset + length));
    return at;
  }

  /** `length` elements of `like`'s type at `at`, as a view of the memory. */
  view<T extends FloatArray | Uint8Array>(like: T, at: number, length: number): T {
    const buffer = this.memory.buffer;
    if (like instanceof Float32Array) return new Float32Array(buffer, at, length) as T;
    if (like instanceof Float64Array) return new Float64Array(buffer, at, length) as T;
    return new Uint8Array(buffer, at, length) as T;
  }

  /** `length` int32s at `at`, as a view of the memory. */
  int32s(at: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, length);
  }

  get bytes(): number {
    return this.memory.buffer.byteLength;
  }
}

function floatKind(a: TypedArray): 4 | 8 | 0 {
  return a instanceof Float32Array ? 4 : a instanceof Float64Array ? 8 : 0;
}

/** [start, end) of `parts` near-equal chunks of `n`, each a multiple of `unit` but the last. */
function chunks(n: number, parts: number, unit: number): [number, number][] {
  const units = Math.ceil(n / unit);
  const out: [number, number][] = [];
  for (let p = 0; p < parts; p++) {
    const start = Math.min(n, Math.round((units * p) / parts) * unit);
    const end = Math.min(n, Math.round((units * (p + 1)) / parts) * unit);
    if (end > start) out.push([start, end]);
  }
  return out;
}

/** Where the engine stands: for `engineInfo()` and tests. */
export interface WasmEngineState {
  readonly threads: number;
  /** Bytes of wasm memory (it grows to the largest op and stays there). */
  readonly memoryBytes: number;
}

export interface WasmEngine extends Engine {
  readonly state: WasmEngineState;
}

/** A memory with the kernels instantiated over it. */
export interface KernelMemory {
  readonly memory: WasmMemory;
  readonly kernels: Kernels;
}

/** Where a call runs: a memory's kernels, its arena, and how jobs over it are run. */
interface Workspace {
  readonly arena: Arena;
  readonly kernels: Kernels;
  run(jobs: readonly Job[]): void;
  /** The workers of a shared memory. */
  readonly pool?: Pool;
}

/**
 * C [m, n] = A·B shared among the pool's threads in blocks of SHARE_ROWS rows, taken in turn
 * from a counter, so that a thread slowed down (by the machine, or by this one's copying) takes
 * fewer. Each thread packs all of B once. This thread copies each block into `out` as soon as
 * it is done, its own between its products and the workers' while they compute the last ones,
 * so that little of the copying out is left after the product.
 */
function shareRows(
  ws: Workspace,
  pool: Pool,
  out: FloatArray,
  outOffset: number,
  [k, m, n]: readonly number[],
  left: readonly number[],
  right: readonly number[],
  cAt: number,
): void {
  const { arena, kernels } = ws;
  const size = out.BYTES_PER_ELEMENT;
  const f32 = size === 4;
  const blocks = Math.ceil(m / SHARE_ROWS);
  // words[0] counts the blocks taken; words[1 + b] is set when block b is done.
  const wordsAt = arena.take(4 * (1 + blocks));
  const works = Array.from({ length: pool.size }, () =>
    arena.take(kernels.gemmWorkBytes(n, k, size)),
  );
  const words = arena.int32s(wordsAt, 1 + blocks);
  words.fill(0);
  const share = f32 ? "sgemmShare" : "dgemmShare";
  const args = [k, ...left, ...right, cAt, n, m, SHARE_ROWS];
  const flags = [wordsAt, wordsAt + 4];
  const jobs = works
    .slice(1)
    .map((work): Job => ({ kernel: share, args: [...args, work, ...flags, blocks, 0] }));
  const copyOut = (block: number) => {
    const i0 = block * SHARE_ROWS;
    const i1 = Math.min(m, i0 + SHARE_ROWS);
    out.set(arena.view(out, cAt + i0 * n * size, (i1 - i0) * n), outOffset + i0 * n);
  };
  const mine = [...args, works[0] as number, ...flags, 1];
  pool.runWith(jobs, () => {
    // One block at a time, so that each is copied out as soon as it is done.
    const done = new Uint8Array(blocks);
    for (let packed = 0; ; packed = 1) {
      const block = kernels[share](...mine, packed);
      if (block < 0) break;
      copyOut(block);
      done[block] = 1;
    }
    for (let block = 0; block < blocks; block++) {
      if (done[block]) continue;
      pool.waitFor(words, 1 + block);
      copyOut(block);
    }
  });
}

/**
 * The WebAssembly engine: GEMM and the common float maps run in SIMD kernels (split across the
 * pool's threads when large); every other call goes to the JavaScript engine, the reference.
 *
 * With a pool, `own` is a plain memory of this thread's and `pooled` the memory the workers
 * share: a call runs on `own` unless it is split. Copies into and out of a shared memory are
 * two to three times slower (V8 copies it word by word), which cost the demo's CNN step more
 * than its split products gained, so only split work pays for them.
 */
export function createWasmEngine(
  own: KernelMemory,
  pooled?: KernelMemory & { readonly pool: Pool },
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): WasmEngine {
  const threads = pooled?.pool.size ?? 1;
  if (ARENA_BASE < CONTROL_BASE + 256 * threads) throw new RangeError("too many threads");
  const local: Workspace = {
    arena: new Arena(own.memory),
    kernels: own.kernels,
    run(jobs) {
      for (const job of jobs) own.kernels[job.kernel](...job.args);
    },
  };
  const shared: Workspace | undefined = pooled && {
    arena: new Arena(pooled.memory),
    kernels: pooled.kernels,
    run: (jobs) => pooled.pool.run(jobs),
    pool: pooled.pool,
  };
  /** The workspace of a call shared among `parts` threads. */
  const workspace = (parts: number): Workspace => (parts > 1 && shared) || local;
  const { arena, kernels } = local;

  const gemm: GemmKernel = (m, n, k, a, b, out, outOffset) => {
    const size = floatKind(out);
    if (
      size === 0 ||
      floatKind(a.data) !== size ||
      floatKind(b.data) !== size ||
      m * n * k < thresholds.gemm ||
      a.rowStride < 0 ||
      a.colStride < 0 ||
      b.rowStride < 0 ||
      b.colStride < 0
    ) {
      jsEngine.gemm(m, n, k, a, b, out, outOffset);
      return;
    }
    if (m === 0 || n === 0) return;
    if (k === 0) {
      out.fill(0, outOffset, outOffset + m * n);
      return;
    }
    const aLength = (m - 1) * a.rowStride + (k - 1) * a.colStride + 1;
    const bLength = (k - 1) * b.rowStride + (n - 1) * b.colStride + 1;
    // A view that skips most of its buffer (a column of a wide matrix) is not worth copying.
    if (aLength > 2 * m * k + 64 || bLength > 2 * k * n + 64) {
      jsEngine.gemm(m, n, k, a, b, out, outOffset);
      return;
    }
    const parts = threads > 1 && m * n * k >= thresholds.splitGemm ? threads : 1;
    const ws = workspace(parts);
    ws.arena.reset();
    const aAt = ws.arena.copyIn(a.data as FloatArray, a.offset, aLength);
    const bAt = ws.arena.copyIn(b.data as FloatArray, b.offset, bLength);
    const cAt = ws.arena.take(m * n * size);
    const kernel = size === 4 ? "sgemm" : "dgemm";
    const nr = size === 4 ? NR32 : NR32 / 2;
    // A small output that fills its register tiles badly (conv1's weight gradient, 8×9: a
    // second 8-wide panel for one column) runs as the transposed product Cᵀ = Bᵀ·Aᵀ when that
    // takes fewer tiles, and is transposed back on the way out.
    const swap = m * n <= SWAP_OUTPUT && tiled(n, m, nr) < tiled(m, n, nr);
    const [rows, cols] = swap ? [n, m] : [m, n];
    const left = swap ? [bAt, b.colStride, b.rowStride] : [aAt, a.rowStride, a.colStride];
    const right = swap ? [aAt, a.colStride, a.rowStride] : [bAt, b.rowStride, b.colStride];
    if (parts > 1 && rows >= cols && !swap && ws.pool) {
      shareRows(ws, ws.pool, out as FloatArray, outOffset, [k, rows, cols], left, right, cAt);
      return;
    }
    // Split the longer side of C, in whole register tiles.
    const byRows = rows >= cols;
    const jobs = chunks(byRows ? rows : cols, parts, byRows ? MR : nr).map(([start, end]) => {
      const [i0, i1, j0, j1] = byRows ? [start, end, 0, cols] : [0, rows, start, end];
      const work = ws.arena.take(ws.kernels.gemmWorkBytes(j1 - j0, k, size));
      const args = [k, ...left, ...right, cAt, cols];
      return { kernel, args: [...args, i0, i1, j0, j1, work] } as Job;
    });
    ws.run(jobs);
    // Cᵀ is [n, m]: read it through transposed strides into C.
    const resultAt = swap ? gather(ws, out as FloatArray, [1, m, n], cAt, [0, 1, m]) : cAt;
    out.set(ws.arena.view(out as FloatArray, resultAt, m * n), outOffset);
  };

  return {
    name: "wasm",
    get state() {
      return { threads, memoryBytes: arena.bytes + (shared?.arena.bytes ?? 0) };
    },
    map(fn, shape, out, inputs, outOffset = 0) {
      const [x] = inputs;
      if (fn === scalar.identity && inputs.length === 1 && x !== undefined) {
        if (!copyInWasm(shape, out, x, outOffset)) jsEngine.map(fn, shape, out, inputs, outOffset);
        return;
      }
      if (
        !mapInWasm(fn, shape, out, inputs, outOffset) &&
        !boolMapInWasm(fn, shape, out, inputs, outOffset)
      ) {
        jsEngine.map(fn, shape, out, inputs, outOffset);
      }
    },
    reduce(fn, shape, x, accStrides, acc, pairwise) {
      if (!(pairwise && sumInWasm(shape, x, accStrides, acc))) {
        jsEngine.reduce(fn, shape, x, accStrides, acc, pairwise);
      }
    },
    gemm,
    windows(g, toMatrix, image, imageOffset, imageStrides, col, mode) {
      if (!windowsInWasm(g, toMatrix, image, imageOffset, imageStrides, col, mode)) {
        jsEngine.windows(g, toMatrix, image, imageOffset, imageStrides, col, mode);
      }
    },
    windowMaxima(g, image, imageOffset, imageStrides, values, indices) {
      if (!maximaInWasm(g, image, imageOffset, imageStrides, values, indices)) {
        jsEngine.windowMaxima(g, image, imageOffset, imageStrides, values, indices);
      }
    },
  };

  /**
   * im2col / col2im in the kernels for float images and the matrix layout of col (the one
   * convolutions use); false (nothing done) otherwise.
   */
  function windowsInWasm(
    g: WindowGeometry,
    toMatrix: boolean,
    image: TypedArray,
    imageOffset: number,
    imageStrides: readonly number[],
    col: TypedArray,
    mode: "im2col" | "col2im",
  ): boolean {
    const size = floatKind(image);
    if (size === 0 || floatKind(col) !== size || !toMatrix) return false;
    if (col.length < thresholds.map) return false;
    const staged = stageImage(g, image as FloatArray, imageOffset, imageStrides);
    if (staged === undefined) return false;
    const { geometryAt, imageAt, low, span } = staged;
    const kernel = size === 4 ? kernels.windowsF32 : kernels.windowsF64;
    // Three-wide float32 kernels with padding walk a padded copy of the image (the kernel's
    // geometry, then the image), where the border windows take the vector path too.
    const padded =
      size === 4 && g.KW === 3 && g.DW === 1 && (g.PH > 0 || g.PW > 0)
        ? arena.take(PADDED_HEAD + g.N * g.C * (g.H + 2 * g.PH) * (g.W + 2 * g.PW) * 4)
        : 0;
    if (mode === "im2col") {
      const colAt = arena.take(col.length * size);
      kernel(1, geometryAt, imageAt, colAt, padded);
      col.set(arena.view(col as FloatArray, colAt, col.length));
    } else {
      const colAt = arena.copyIn(col as FloatArray, 0, col.length);
      kernel(0, geometryAt, imageAt, colAt, padded);
      const spanAt = imageAt - (imageOffset - low) * size;
      image.set(arena.view(image as FloatArray, spanAt, span), low);
    }
    return true;
  }

  /**
   * Resets the arena and stages a window walk: the geometry with the image's strides (the 18
   * i32s of assembly/windows.ts), and the span of `image` the walk reads; `imageAt` is the
   * address of element `imageOffset`. Undefined for a view that skips most of its buffer.
   */
  function stageImage(
    g: WindowGeometry,
    image: FloatArray,
    imageOffset: number,
    imageStrides: readonly number[],
  ): { geometryAt: number; imageAt: number; low: number; span: number } | undefined {
    const { low, length: span } = spanOf(imageOffset, [g.N, g.C, g.H, g.W], imageStrides);
    if (span > 2 * g.N * g.C * g.H * g.W + 64) return undefined;
    arena.reset();
    const geometryAt = arena.take(18 * 4);
    arena
      .int32s(geometryAt, 18)
      .set([
        g.N,
        g.C,
        g.H,
        g.W,
        g.KH,
        g.KW,
        g.SH,
        g.SW,
        g.PH,
        g.PW,
        g.DH,
        g.DW,
        g.OH,
        g.OW,
        ...imageStrides,
      ]);
    const imageAt = arena.copyIn(image, low, span) + (imageOffset - low) * image.BYTES_PER_ELEMENT;
    return { geometryAt, imageAt, low, span };
  }

  /** Max pooling of a float image in the kernels; false (nothing done) otherwise. */
  function maximaInWasm(
    g: WindowGeometry,
    image: TypedArray,
    imageOffset: number,
    imageStrides: readonly number[],
    values: TypedArray,
    indices: Int32Array,
  ): boolean {
    const size = floatKind(image);
    if (size === 0 || floatKind(values) !== size || values.length < thresholds.map) return false;
    const staged = stageImage(g, image as FloatArray, imageOffset, imageStrides);
    if (staged === undefined) return false;
    const valuesAt = arena.take(values.length * size);
    const indicesAt = arena.take(indices.length * 4);
    const kernel = size === 4 ? kernels.windowMaxF32 : kernels.windowMaxF64;
    kernel(staged.geometryAt, staged.imageAt, valuesAt, indicesAt);
    values.set(arena.view(values as FloatArray, valuesAt, values.length));
    indices.set(arena.int32s(indicesAt, indices.length));
    return true;
  }

  /**
   * Runs a sum (a pairwise reduction, which is addition) of float32 elements in the kernels;
   * false (nothing done) for other dtypes, small sizes or more than four merged axes. Float64
   * sums stay on the JavaScript loops, whose order the reference results follow to the bit.
   */
  function sumInWasm(
    shape: readonly number[],
    x: StridedOperand,
    accStrides: readonly number[],
    acc: Float64Array,
  ): boolean {
    if (!(x.data instanceof Float32Array)) return false;
    let total = 1;
    for (const d of shape) total *= d;
    if (total < thresholds.map || total === 0) return false;
    const nest = reductionNest(shape, x.strides, accStrides);
    if (nest === undefined) return false;
    const { dims, xStrides, aStrides } = nest;
    const accLength = spanOf(0, dims, aStrides).length;
    arena.reset();
    const accAt = arena.copyIn(acc, 0, accLength);
    const below = arena.used;
    // In pieces as maps are (see streamMap), each innermost run whole: every accumulator then
    // takes its runs in the same order, and a run's pairwise halves stay the same.
    forEachBlock(dims, Math.max(thresholds.chunk, dims[3] as number), (start, extent) => {
      arena.reset(below);
      const first = elementAt(x.offset, start, xStrides);
      const { low, length } = spanOf(first, extent, xStrides);
      const xAt = arena.copyIn(x.data as Float32Array, low, length) + (first - low) * 4;
      const accFirst = elementAt(0, start, aStrides);
      kernels.sumF32(...extent, xAt, ...xStrides, accAt + accFirst * 8, ...aStrides);
    });
    acc.set(arena.view(acc, accAt, accLength));
    return true;
  }

  /** Runs a map in the kernels when it is one of theirs; false (nothing done) otherwise. */
  function mapInWasm(
    fn: ScalarFn,
    shape: readonly number[],
    out: TypedArray,
    inputs: readonly StridedOperand[],
    outOffset: number,
  ): boolean {
    const size = floatKind(out);
    const binary = inputs.length === 2 ? BINARY.get(fn) : undefined;
    const unary = inputs.length === 1 ? UNARY.get(fn) : undefined;
    const op = binary ?? unary;
    if (op === undefined || size === 0) return false;
    if (unary !== undefined && size === 8 && unary >= FLOAT32_ONLY) return false;
    for (const x of inputs) if (floatKind(x.data) !== size) return false;
    const kernel: KernelName =
      binary !== undefined
        ? size === 4
          ? "binaryF32"
          : "binaryF64"
        : size === 4
          ? "unaryF32"
          : "unaryF64";
    // Only compute-bound maps gain from a second thread: the copies in and out, on this thread,
    // bound the arithmetic ones (pnpm bench: [1000,1000]+[1000] into out took 0.99 ms split in
    // two, 0.39 ms on one thread).
    const computeBound = unary !== undefined && unary >= FLOAT32_ONLY;
    return runMap(kernel, [op], shape, out, inputs, outOffset, computeBound);
  }

  /**
   * Runs a map kernel whose arguments are `head`, the loop nest's three extents, the output's
   * address, then each operand's address and three strides; false (nothing done) below the size
   * threshold or for a nest the kernels cannot walk. With `split`, a large map is shared between
   * the threads along its outermost axis (whose chunks are contiguous runs of the output).
   */
  function runMap(
    kernel: KernelName,
    head: readonly number[],
    shape: readonly number[],
    out: TypedArray,
    operands: readonly StridedOperand[],
    outOffset: number,
    split: boolean,
  ): boolean {
    let total = 1;
    for (const d of shape) total *= d;
    if (total < thresholds.map || total === 0) return false;
    const layout = loopNest(shape, operands);
    if (layout === undefined) return false;
    const { dims, strides } = layout;
    const axis = dims[0] !== 1 ? 0 : dims[1] !== 1 ? 1 : 2;
    const parts = split && threads > 1 && total >= thresholds.splitMap ? threads : 1;
    if (parts === 1 && strides.every(runs)) {
      streamMap(kernel, head, dims, strides, out, operands, outOffset);
      return true;
    }
    const ws = workspace(parts);
    ws.arena.reset();
    const pointers = copyOperands(ws.arena, operands, dims, strides);
    // An operand read across its runs (a permuted view) is first gathered into the nest's order.
    operands.forEach((x, j) => {
      const st = strides[j] as number[];
      if (runs(st)) return;
      pointers[j] = gather(ws, x.data as FloatArray, dims, pointers[j] as number, st);
      strides[j] = [(dims[1] as number) * (dims[2] as number), dims[2] as number, 1];
    });
    const outBytes = out.BYTES_PER_ELEMENT;
    const outAt = ws.arena.take(total * outBytes);
    const outerStride = dims.slice(axis + 1).reduce((p, d) => p * d, 1);
    const jobs = chunks(dims[axis] as number, parts, axis === 2 ? 4 : 1).map(([start, end]) => {
      const n = dims.map((d, a) => (a === axis ? end - start : d));
      const args = [...head, ...n, outAt + start * outerStride * outBytes];
      operands.forEach((x, j) => {
        const st = strides[j] as number[];
        const at =
          (pointers[j] as number) + start * (st[axis] as number) * x.data.BYTES_PER_ELEMENT;
        args.push(at, ...st);
      });
      return { kernel, args } as Job;
    });
    ws.run(jobs);
    out.set(ws.arena.view(out as FloatArray | Uint8Array, outAt, total), outOffset);
    return true;
  }

  /**
   * A map on this thread in pieces of about `thresholds.chunk` elements, each a contiguous run of
   * the output: its operands' spans are copied in, mapped and copied out while they are still in
   * cache, where a whole-array pass would take every copy from memory.
   */
  function streamMap(
    kernel: KernelName,
    head: readonly number[],
    dims: readonly number[],
    strides: readonly number[][],
    out: TypedArray,
    operands: readonly StridedOperand[],
    outOffset: number,
  ): void {
    const outBytes = out.BYTES_PER_ELEMENT;
    const args: number[] = [];
    let done = outOffset;
    forEachBlock(dims, thresholds.chunk, (start, extent) => {
      arena.reset();
      // The kernel's arguments: head, extents, the output's address (set below), operands.
      args.length = 0;
      args.push(...head, ...extent, 0);
      copyOperands(arena, operands, extent, strides, start).forEach((at, j) => {
        args.push(at, ...(strides[j] as number[]));
      });
      const n = (extent[0] as number) * (extent[1] as number) * (extent[2] as number);
      const outAt = arena.take(n * outBytes);
      args[head.length + 3] = outAt;
      kernels[kernel](...args);
      out.set(arena.view(out as FloatArray | Uint8Array, outAt, n), done);
      done += n;
    });
  }

  /**
   * Gathers the elements of a nest read at `at` through `strides` into a new contiguous block
   * of `ws`'s arena, returning its address.
   */
  function gather(
    ws: Workspace,
    like: FloatArray,
    dims: readonly number[],
    at: number,
    strides: readonly number[],
  ): number {
    const total = (dims[0] as number) * (dims[1] as number) * (dims[2] as number);
    const to = ws.arena.take(total * like.BYTES_PER_ELEMENT);
    const kernel = like instanceof Float32Array ? ws.kernels.gatherF32 : ws.kernels.gatherF64;
    kernel(...dims, at, ...strides, to);
    return to;
  }

  /**
   * A copy of a permuted float view (the layout change a reshape of a transposed array needs)
   * in the gather kernel; false (nothing done) for other copies, which the JavaScript engine
   * runs as contiguous runs already.
   */
  function copyInWasm(
    shape: readonly number[],
    out: TypedArray,
    x: StridedOperand,
    outOffset: number,
  ): boolean {
    const size = floatKind(out);
    if (size === 0 || floatKind(x.data) !== size) return false;
    let total = 1;
    for (const d of shape) total *= d;
    if (total < thresholds.map || total === 0) return false;
    const layout = loopNest(shape, [x]);
    if (layout === undefined || runs(layout.strides[0] as number[])) return false;
    const { dims, strides } = layout;
    arena.reset();
    const [at] = copyOperands(arena, [x], dims, strides) as [number];
    const to = gather(local, x.data as FloatArray, dims, at, strides[0] as number[]);
    out.set(arena.view(out as FloatArray, to, total), outOffset);
    return true;
  }

  /**
   * Copies each operand's span over the loop nest (from index `start` of it) in, returning
   * their addresses. The nest's strides are never negative, so a span starts where it is read.
   */
  function copyOperands(
    into: Arena,
    inputs: readonly StridedOperand[],
    dims: readonly number[],
    strides: readonly number[][],
    start: readonly number[] = [0, 0, 0],
  ): number[] {
    return inputs.map((x, j) => {
      const st = strides[j] as number[];
      const first = elementAt(x.offset, start, st);
      return into.copyIn(x.data as FloatArray | Uint8Array, first, spanOf(first, dims, st).length);
    });
  }

  /**
   * The bool maps in the kernels: a comparison of two float operands into bool (a relu mask),
   * or a binary op of a float operand and a bool one into floats (a gradient times that mask);
   * false (nothing done) otherwise. One thread: they are bound by the copies.
   */
  function boolMapInWasm(
    fn: ScalarFn,
    shape: readonly number[],
    out: TypedArray,
    inputs: readonly StridedOperand[],
    outOffset: number,
  ): boolean {
    const [a, b] = inputs;
    if (inputs.length !== 2 || a === undefined || b === undefined) return false;
    const compareOp = COMPARE.get(fn);
    const binaryOp = BINARY.get(fn);
    let kernel: KernelName;
    let head: number[];
    let operands: readonly StridedOperand[] = inputs;
    if (compareOp !== undefined) {
      const size = floatKind(a.data);
      if (!(out instanceof Uint8Array) || size === 0 || floatKind(b.data) !== size) return false;
      kernel = size === 4 ? "compareF32" : "compareF64";
      head = [compareOp];
    } else if (binaryOp !== undefined) {
      const boolFirst = a.data instanceof Uint8Array;
      const [x, m] = boolFirst ? [b, a] : [a, b];
      const size = floatKind(out);
      if (size === 0 || floatKind(x.data) !== size || !(m.data instanceof Uint8Array)) return false;
      kernel = size === 4 ? "withBoolF32" : "withBoolF64";
      head = [binaryOp, boolFirst ? 1 : 0];
      operands = [x, m];
    } else return false;
    return runMap(kernel, head, shape, out, operands, outOffset, false);
  }
}

/**
 * The loop nest of a reduction as four axes, outermost first, in the JavaScript engine's order:
 * the input's memory order (largest stride outermost), adjacent axes merged where both the input
 * and the accumulators walk them as one, and a short reduced innermost axis moved outermost (a
 * long run of accumulators then takes each of its steps). Undefined beyond four axes.
 */
function reductionNest(
  shape: readonly number[],
  xStrides: readonly number[],
  accStrides: readonly number[],
): { dims: number[]; xStrides: number[]; aStrides: number[] } | undefined {
  const order = shape
    .map((_, d) => d)
    .filter((d) => shape[d] !== 1)
    .sort((p, q) => Math.abs(xStrides[q] as number) - Math.abs(xStrides[p] as number) || p - q);
  const dims: number[] = [];
  const xs: number[] = [];
  const as: number[] = [];
  for (let k = order.length - 1; k >= 0; k--) {
    const d = order[k] as number;
    const extent = shape[d] as number;
    const last = dims.length - 1;
    if (
      last >= 0 &&
      xStrides[d] === (xs[last] as number) * (dims[last] as number) &&
      accStrides[d] === (as[last] as number) * (dims[last] as number)
    ) {
      dims[last] = (dims[last] as number) * extent;
    } else {
      dims.push(extent);
      xs.push(xStrides[d] as number);
      as.push(accStrides[d] as number);
    }
  }
  dims.reverse();
  xs.reverse();
  as.reverse();
  const inner = dims.length - 1;
  if (inner > 0 && as[inner] === 0 && (dims[inner] as number) <= SHORT_REDUCTION) {
    dims.unshift(dims.pop() as number);
    xs.unshift(xs.pop() as number);
    as.unshift(as.pop() as number);
  }
  if (dims.length > 4) return undefined;
  while (dims.length < 4) {
    dims.unshift(1);
    xs.unshift(0);
    as.unshift(0);
  }
  return { dims, xStrides: xs, aStrides: as };
}

/**
 * The loop nest of a map as three axes (outermost first) over which every input is read with
 * non-negative strides; a bool operand's innermost one is 1 or 0 (a float operand's may be any:
 * it is gathered first); undefined when the layout does not fit that. Adjacent axes merge when
 * every operand (the contiguous output too) walks them as one.
 */
function loopNest(
  shape: readonly number[],
  inputs: readonly StridedOperand[],
): { dims: number[]; strides: number[][] } | undefined {
  const dims: number[] = [];
  const strides: number[][] = inputs.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const extent = shape[d] as number;
    if (extent === 1) continue;
    const last = dims.length - 1;
    const mergeable =
      last >= 0 &&
      inputs.every((x, j) => {
        const st = strides[j] as number[];
        return st[last] === (x.strides[d] as number) * extent;
      });
    if (mergeable) {
      dims[last] = (dims[last] as number) * extent;
      inputs.forEach((x, j) => {
        (strides[j] as number[])[last] = x.strides[d] as number;
      });
    } else {
      dims.push(extent);
      inputs.forEach((x, j) => {
        (strides[j] as number[]).push(x.strides[d] as number);
      });
    }
  }
  while (dims.length < 3) {
    dims.unshift(1);
    for (const st of strides) st.unshift(0);
  }
  if (dims.length > 3) return undefined;
  for (const [j, st] of strides.entries()) {
    if (st.some((s) => s < 0)) return undefined;
    if (!runs(st) && floatKind((inputs[j] as StridedOperand).data) === 0) return undefined;
  }
  return { dims, strides };
}

/**
 * Visits a nest in row-major pieces of about `chunk` elements (at least one innermost row),
 * each a contiguous run of a row-major array over `dims`: with the piece's first index along
 * every axis and its extents (both arrays are reused between calls).
 */
function forEachBlock(
  dims: readonly number[],
  chunk: number,
  visit: (start: readonly number[], extent: readonly number[]) => void,
): void {
  const rank = dims.length;
  // Axes after `axis` fit in a piece whole; `axis` is cut in steps of `step`.
  let axis = rank - 1;
  let inner = 1;
  while (axis > 0 && inner * (dims[axis] as number) <= chunk) inner *= dims[axis--] as number;
  const step = Math.max(1, Math.floor(chunk / inner));
  const start = dims.map(() => 0);
  const extent = dims.map((d, a) => (a > axis ? d : 1));
  for (;;) {
    const d = dims[axis] as number;
    for (let s = 0; s < d; s += step) {
      start[axis] = s;
      extent[axis] = Math.min(step, d - s);
      visit(start, extent);
    }
    // The next index of the axes before `axis`, odometer-wise.
    let a = axis - 1;
    for (; a >= 0; a--) {
      start[a] = (start[a] as number) + 1;
      if (start[a] !== dims[a]) break;
      start[a] = 0;
    }
    if (a < 0) return;
  }
}

/** The element at index `start` of a walk from `offset` through `strides`. */
function elementAt(offset: number, start: readonly number[], strides: readonly number[]): number {
  let at = offset;
  start.forEach((i, axis) => {
    at += i * (strides[axis] as number);
  });
  return at;
}

/**
 * The elements a walk over `extents` from element `first` through `strides` (negative ones too)
 * reaches: the lowest, and how many from there to the highest.
 */
function spanOf(
  first: number,
  extents: readonly number[],
  strides: readonly number[],
): { low: number; length: number } {
  let low = first;
  let high = first;
  extents.forEach((d, axis) => {
    const reach = (d - 1) * (strides[axis] as number);
    if (reach < 0) low += reach;
    else high += reach;
  });
  return { low, length: high - low + 1 };
}

/** Whether a nest's operand is read in runs (innermost stride 1) or repeats along them (0). */
function runs(strides: readonly number[]): boolean {
  return strides[2] === 0 || strides[2] === 1;
}
