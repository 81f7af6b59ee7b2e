import type { TypedArray } from "../dtype";

/**
 * A scalar function an elementwise op applies: `(a, b) => a + b`. It must be self-contained (no
 * references to module variables, only `Math`), because compiled loops inline its source text.
 */
export type ScalarFn = (...args: number[]) => number;

/**
 * A 1-D strided loop over a row: `out[off[0] + i] = fn(x0[off[1] + i*st[1]], x1[off[2] + i*st[2]], ...)`
 * for i < n. Slot 0 of `off`/`st` belongs to the (contiguous) output, slot j+1 to input j.
 */
export type MapLoop = (
  out: TypedArray,
  inputs: readonly TypedArray[],
  off: ArrayLike<number>,
  st: ArrayLike<number>,
  n: number,
) => void;

/** Folds `n` strided elements into `init` and returns the result. */
export type FoldLoop = (
  x: TypedArray,
  offset: number,
  stride: number,
  n: number,
  init: number,
) => number;

/** `acc[ai + i*as] = fn(acc[ai + i*as], x[xi + i*xs])` for i < n. */
export type AccumulateLoop = (
  acc: Float64Array,
  accOffset: number,
  accStride: number,
  x: TypedArray,
  offset: number,
  stride: number,
  n: number,
) => void;

/**
 * Loops are generated from the scalar function's source, once per dtype combination. Each
 * generated function has its own type feedback in V8, so every loop stays monomorphic and the
 * scalar function is inlined: a single shared loop would turn polymorphic as soon as two dtypes
 * met it (measured 1.9x slower than a hand-written loop, against 1.2x for generated ones).
 * Where code generation is forbidden (a strict Content-Security-Policy), the same loops are
 * closures that call the scalar function.
 */
export interface LoopFactory {
  map(fn: ScalarFn, arity: number): MapLoop;
  fold(fn: ScalarFn): FoldLoop;
  accumulate(fn: ScalarFn): AccumulateLoop;
}

export const interpretedLoops: LoopFactory = {
  map(fn, arity) {
    if (arity === 1) {
      return (out, [x0], off, st, n) => {
        const a = x0 as TypedArray;
        const o = off[0] as number;
        const s0 = st[1] as number;
        for (let i = 0, i0 = off[1] as number; i < n; i++, i0 += s0)
          out[o + i] = fn(a[i0] as number);
      };
    }
    return (out, inputs, off, st, n) => {
      const k = inputs.length;
      const o = off[0] as number;
      const idx = Array.from(off).slice(1);
      const args = new Array<number>(k);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < k; j++) {
          args[j] = (inputs[j] as TypedArray)[idx[j] as number] as number;
          (idx[j] as number) += st[j + 1] as number;
        }
        out[o + i] = fn(...args);
      }
    };
  },
  fold(fn) {
    return (x, xi, xs, n, init) => {
      let s = init;
      for (let i = 0; i < n; i++, xi += xs) s = fn(s, x[xi] as number);
      return s;
    };
  },
  accumulate(fn) {
    return (acc, ai, as, x, xi, xs, n) => {
      for (let i = 0; i < n; i++, ai += as, xi += xs)
        acc[ai] = fn(acc[ai] as number, x[xi] as number);
    };
  },
};

function generate<T>(params: string[], body: string): T {
  return new Function(...params, `"use strict";\n${body}`) as T;
}

/** A source text that evaluates to the scalar function (method shorthand is not an expression). */
function functionSource(fn: ScalarFn): string {
  const src = fn.toString();
  return /^(\(|function\b|[A-Za-z_$][\w$]*\s*=>)/.test(src) ? src : `function ${src}`;
}

export const compiledLoops: LoopFactory = {
  map(fn, arity) {
    const names = Array.from({ length: arity }, (_, j) => j);
    const head = names
      .map((j) => `const x${j} = inputs[${j}], s${j} = st[${j + 1}]; let i${j} = off[${j + 1}];`)
      .join("\n");
    const args = names.map((j) => `x${j}[i${j}]`).join(", ");
    const steps = names.map((j) => `i${j} += s${j};`).join(" ");
    return generate<MapLoop>(
      ["out", "inputs", "off", "st", "n"],
      `const f = ${functionSource(fn)};\nconst o = off[0];\n${head}\nfor (let i = 0; i < n; i++) { out[o + i] = f(${args}); ${steps} }`,
    );
  },
  fold(fn) {
    return generate<FoldLoop>(
      ["x", "xi", "xs", "n", "init"],
      `const f = ${functionSource(fn)};\nlet s = init;\nfor (let i = 0; i < n; i++) { s = f(s, x[xi]); xi += xs; }\nreturn s;`,
    );
  },
  accumulate(fn) {
    return generate<AccumulateLoop>(
      ["acc", "ai", "as", "x", "xi", "xs", "n"],
      `const f = ${functionSource(fn)};\nfor (let i = 0; i < n; i++) { acc[ai] = f(acc[ai], x[xi]); ai += as; xi += xs; }`,
    );
  },
};

let codegenAllowed: boolean | undefined;

/** Whether `new Function` works here (it does not under a CSP without 'unsafe-eval'). */
export function canGenerateCode(): boolean {
  if (codegenAllowed === undefined) {
    try {
      codegenAllowed = new Function("return 1")() === 1;
    } catch {
      codegenAllowed = false;
    }
  }
  return codegenAllowed;
}

/** Caches loops per scalar function and per key (the dtypes involved). */
export class LoopCache {
  private readonly maps = new WeakMap<ScalarFn, Map<string, MapLoop>>();
  private readonly folds = new WeakMap<ScalarFn, Map<string, FoldLoop>>();
  private readonly accumulates = new WeakMap<ScalarFn, Map<string, AccumulateLoop>>();

  constructor(private readonly factory: () => LoopFactory) {}

  map(fn: ScalarFn, arity: number, key: string): MapLoop {
    return cached(this.maps, fn, key, () => this.factory().map(fn, arity));
  }

  fold(fn: ScalarFn, key: string): FoldLoop {
    return cached(this.folds, fn, key, () => this.factory().fold(fn));
  }

  accumulate(fn: ScalarFn, key: string): AccumulateLoop {
    return cached(this.accumulates, fn, key, () => this.factory().accumulate(fn));
  }
}

function cached<T>(
  store: WeakMap<ScalarFn, Map<string, T>>,
  fn: ScalarFn,
  key: string,
  make: () => T,
): T {
  let byKey = store.get(fn);
  if (byKey === undefined) {
    byKey = new Map();
    store.set(fn, byKey);
  }
  let loop = byKey.get(key);
  if (loop === undefined) {
    loop = make();
    byKey.set(key, loop);
  }
  return loop;
}
