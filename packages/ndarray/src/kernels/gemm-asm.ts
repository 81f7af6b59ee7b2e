import type { PanelKernel } from "./gemm";

/**
 * The asm.js panel kernel, kept as source text on purpose: bundlers and minifiers rewrite code
 * (esbuild drops the "use asm" directive, prints `0.0` as `0` and `{ f: f }` as `{ f }`, and
 * minifiers turn `x = x | 0` into `x |= 0`), and any of those makes V8 reject the module,
 * print an "Invalid asm.js" warning and run it as slow plain JS. A string survives every tool.
 *
 * Layout (all byte offsets into the heap, all float64): `ap` holds A as MR-tall k-major slivers
 * (element (i,p) of sliver s at ap + 8*(s*kc*4 + p*4 + i)), `bp` holds B as NR-wide k-major
 * slivers (element (p,j) of sliver s at bp + 8*(s*kc*2 + p*2 + j)), and C is row-major with a
 * row pitch of `ldc` bytes. `mc` and `nc` are multiples of the 4×2 micro-tile (the packing pads
 * with zeros). Each 4×2 tile of C keeps its 8 sums in registers over the whole k loop: per k it
 * loads 6 values for 8 multiply-adds, which is what a scalar kernel can do without spilling.
 */
export const ASM_PANEL_SOURCE = `"use asm";
var F64 = new stdlib.Float64Array(heap);

function tile(a, b, c, kc, ldc, accumulate) {
  a = a | 0;
  b = b | 0;
  c = c | 0;
  kc = kc | 0;
  ldc = ldc | 0;
  accumulate = accumulate | 0;
  var c00 = 0.0, c01 = 0.0, c10 = 0.0, c11 = 0.0, c20 = 0.0, c21 = 0.0, c30 = 0.0, c31 = 0.0;
  var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0, b0 = 0.0, b1 = 0.0;
  var end = 0;
  end = (a + (kc << 5)) | 0;
  while ((a | 0) < (end | 0)) {
    a0 = +F64[a >> 3];
    a1 = +F64[(a + 8) >> 3];
    a2 = +F64[(a + 16) >> 3];
    a3 = +F64[(a + 24) >> 3];
    b0 = +F64[b >> 3];
    c00 = c00 + a0 * b0;
    c10 = c10 + a1 * b0;
    c20 = c20 + a2 * b0;
    c30 = c30 + a3 * b0;
    b1 = +F64[(b + 8) >> 3];
    c01 = c01 + a0 * b1;
    c11 = c11 + a1 * b1;
    c21 = c21 + a2 * b1;
    c31 = c31 + a3 * b1;
    a = (a + 32) | 0;
    b = (b + 16) | 0;
  }
  if (accumulate) {
    c00 = c00 + +F64[c >> 3];
    c01 = c01 + +F64[(c + 8) >> 3];
    c10 = c10 + +F64[(c + ldc) >> 3];
    c11 = c11 + +F64[(c + ldc + 8) >> 3];
    c20 = c20 + +F64[(c + (ldc << 1)) >> 3];
    c21 = c21 + +F64[(c + (ldc << 1) + 8) >> 3];
    c30 = c30 + +F64[(c + (ldc << 1) + ldc) >> 3];
    c31 = c31 + +F64[(c + (ldc << 1) + ldc + 8) >> 3];
  }
  F64[c >> 3] = c00;
  F64[(c + 8) >> 3] = c01;
  F64[(c + ldc) >> 3] = c10;
  F64[(c + ldc + 8) >> 3] = c11;
  F64[(c + (ldc << 1)) >> 3] = c20;
  F64[(c + (ldc << 1) + 8) >> 3] = c21;
  F64[(c + (ldc << 1) + ldc) >> 3] = c30;
  F64[(c + (ldc << 1) + ldc + 8) >> 3] = c31;
}

function panel(ap, bp, cp, mc, nc, kc, ldc, accumulate) {
  ap = ap | 0;
  bp = bp | 0;
  cp = cp | 0;
  mc = mc | 0;
  nc = nc | 0;
  kc = kc | 0;
  ldc = ldc | 0;
  accumulate = accumulate | 0;
  var ir = 0, jr = 0, a = 0, c = 0, aStep = 0, bStep = 0, cStep = 0;
  aStep = kc << 5;
  bStep = kc << 4;
  cStep = ldc << 2;
  for (jr = 0; (jr | 0) < (nc | 0); jr = (jr + 2) | 0) {
    a = ap;
    c = (cp + (jr << 3)) | 0;
    for (ir = 0; (ir | 0) < (mc | 0); ir = (ir + 4) | 0) {
      tile(a, bp, c, kc, ldc, accumulate);
      a = (a + aStep) | 0;
      c = (c + cStep) | 0;
    }
    bp = (bp + bStep) | 0;
  }
}

return panel;`;

type AsmPanel = (
  ap: number,
  bp: number,
  cp: number,
  mc: number,
  nc: number,
  kc: number,
  ldc: number,
  accumulate: number,
) => void;

type AsmModule = (stdlib: typeof globalThis, foreign: object, heap: ArrayBuffer) => AsmPanel;

const MIN_HEAP = 1 << 16;
const LARGE_HEAP_STEP = 1 << 24;

/** asm.js accepts a heap of 2^16..2^24 bytes that is a power of two, or a multiple of 2^24. */
function asmHeapSize(bytes: number): number {
  let size = MIN_HEAP;
  while (size < bytes && size < LARGE_HEAP_STEP) size *= 2;
  return size >= bytes ? size : Math.ceil(bytes / LARGE_HEAP_STEP) * LARGE_HEAP_STEP;
}

let compiledModule: AsmModule | undefined;

/**
 * A panel kernel compiled from asm.js (V8 validates it and compiles it like WebAssembly: no
 * typed-array map or bounds-check overhead per load, no spills). Needs code generation
 * (`new Function`), so call it only where that is allowed. Its workspace is the module's heap;
 * growing it instantiates the (once compiled) module again on a bigger heap.
 */
export function createAsmPanelKernel(): PanelKernel {
  compiledModule ??= new Function("stdlib", "foreign", "heap", ASM_PANEL_SOURCE) as AsmModule;
  const asmModule = compiledModule;
  let heapView = new Float64Array(0);
  let panel: AsmPanel | undefined;
  return {
    mr: 4,
    nr: 2,
    reserve(elements) {
      if (heapView.length < elements) {
        const heap = new ArrayBuffer(asmHeapSize(elements * 8));
        panel = asmModule(globalThis, {}, heap);
        heapView = new Float64Array(heap);
      }
      return heapView;
    },
    multiply(ap, bp, cp, mc, nc, kc, ldc, accumulate) {
      (panel as AsmPanel)(ap * 8, bp * 8, cp * 8, mc, nc, kc, ldc * 8, accumulate ? 1 : 0);
    },
  };
}
