import type { TypedArray } from "../dtype";

/**
 * A scalar function an elementwise op applies: `(a, b) => a + b`. It must be self-contained (no
 * references to module variables, only `Math`), because compiled loops inline its source text.
 */
export type ScalarFn = (...args: number[]) => number;

/**
 * A 1-D strided loop over a row of up to three inputs:
 * `out[o + i] = fn(x0[i0 + i*s0], x1[i1 + i*s1], x2[i2 + i*s2])` for i < n. Offsets and strides
 * travel as plain arguments: read from an array inside the loop they cost V8 about 1.7x.
 */
export type MapLoop = (
  out: TypedArray,
  o: number,
  n: number,
  x0: TypedArray,
  i0: number,
  s0: number,
  x1?: TypedArray,
  i1?: number,
  s1?: number,
  x2?: TypedArray,
  i2?: number,
  s2?: number,
) => void;

/** The most inputs an elementwise function may take (`where`, `clip`). */
export const MAX_ARITY = 3;

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
    switch (arity) {
      case 1:
        return (out, o, n, x0, i0, s0) => {
          for (let i = 0; i < n; i++, i0 += s0) out[o + i] = fn(x0[i0] as number);
        };
      case 2:
        return (out, o, n, x0, i0, s0, x1, i1 = 0, s1 = 0) => {
          const y = x1 as TypedArray;
          for (let i = 0; i < n; i++, i0 += s0, i1 += s1)
            out[o + i] = fn(x0[i0] as number, y[i1] as number);
        };
      default:
        return (out, o, n, x0, i0, s0, x1, i1 = 0, s1 = 0, x2, i2 = 0, s2 = 0) => {
          const y = x1 as TypedArray;
          const z = x2 as TypedArray;
          for (let i = 0; i < n; i++, i0 += s0, i1 += s1, i2 += s2) {
            out[o + i] = fn(x0[i0] as number, y[i1] as number, z[i2] as number);
          }
        };
    }
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
    const operands = Array.from({ length: arity }, (_, j) => j);
    const params = operands.flatMap((j) => [`x${j}`, `i${j}`, `s${j}`]);
    const args = operands.map((j) => `x${j}[i${j}]`).join(", ");
    const steps = operands.map((j) => `i${j} += s${j};`).join(" ");
    return generate<MapLoop>(
      ["out", "o", "n", ...params],
      `const f = ${functionSource(fn)};\nfor (let i = 0; i < n; i++) { out[o + i] = f(${args}); ${steps} }`,
    );
  },
  // Four independent accumulators: a single running value is one long dependency chain that
  // waits on the adder's latency (measured 2x slower than four), and shorter chains round less.
  // Valid because every fold function here (sum, prod, max, min) is associative.
  fold(fn) {
    return generate<FoldLoop>(
      ["x", "xi", "xs", "n", "init"],
      `const f = ${functionSource(fn)};
let s = init, i = 0;
if (n >= 8) {
  const xs2 = xs + xs, xs3 = xs2 + xs, xs4 = xs2 + xs2;
  let s0 = x[xi], s1 = x[xi + xs], s2 = x[xi + xs2], s3 = x[xi + xs3];
  xi += xs4;
  for (i = 4; i + 4 <= n; i += 4) {
    s0 = f(s0, x[xi]); s1 = f(s1, x[xi + xs]); s2 = f(s2, x[xi + xs2]); s3 = f(s3, x[xi + xs3]);
    xi += xs4;
  }
  s = f(s, f(f(s0, s1), f(s2, s3)));
}
for (; i < n; i++) { s = f(s, x[xi]); xi += xs; }
return s;`,
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

/**
 * Caches loops per scalar function and per key (the dtypes involved). Lookups go by function
 * identity first; a function seen for the first time is matched by its source text, which is
 * sound because scalar functions are self-contained, so an arrow written inline in an op (a new
 * closure per call) still compiles once.
 */
export class LoopCache {
  private readonly byFunction = new WeakMap<ScalarFn, Map<string, unknown>>();
  private readonly bySource = new Map<string, Map<string, unknown>>();

  constructor(private readonly factory: () => LoopFactory) {}

  map(fn: ScalarFn, arity: number, key: string): MapLoop {
    return this.lookup(fn, `map${arity}:${key}`, () => this.factory().map(fn, arity));
  }

  fold(fn: ScalarFn, key: string): FoldLoop {
    return this.lookup(fn, `fold:${key}`, () => this.factory().fold(fn));
  }

  accumulate(fn: ScalarFn, key: string): AccumulateLoop {
    return this.lookup(fn, `accumulate:${key}`, () => this.factory().accumulate(fn));
  }

  private lookup<T>(fn: ScalarFn, key: string, make: () => T): T {
    let loops = this.byFunction.get(fn);
    if (loops === undefined) {
      const source = fn.toString();
      loops = this.bySource.get(source);
      if (loops === undefined) {
        loops = new Map();
        this.bySource.set(source, loops);
      }
      this.byFunction.set(fn, loops);
    }
    let loop = loops.get(key) as T | undefined;
    if (loop === undefined) {
      loop = make();
      loops.set(key, loop);
    }
    return loop;
  }
}
