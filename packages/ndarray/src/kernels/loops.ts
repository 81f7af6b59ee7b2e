import type { TypedArray } from "../dtype";

/**
 * A scalar function an elementwise op applies: `(a, b) => a + b`. It should be self-contained
 * (no references to module variables, only globals such as `Math`): compiled loops inline its
 * source text, and a function that cannot be rebuilt from it runs in slower interpreted loops.
 */
export type ScalarFn = (...args: number[]) => number;

/**
 * An elementwise kernel over a block of up to three axes (sizes n0, n1, n2) and up to three
 * inputs: `out[o + (p*n1 + r)*n2 + k] = fn(x0[i0 + p*a0 + r*b0 + k*c0], x1[...], x2[...])`.
 * After `out, o, n0, n1, n2` come five arguments per input, in order: its data, its offset, and
 * its strides along the three axes (a, b, c); absent inputs are passed as undefined.
 * The whole loop nest lives in one function: V8 optimises it as it would a hand-written loop,
 * where a row loop called once per row from a generic walker measured 1.3-1.6x slower.
 */
export type MapLoop = (
  out: TypedArray,
  o: number,
  n0: number,
  n1: number,
  n2: number,
  ...operands: (TypedArray | number | undefined)[]
) => void;

/** The scalar function of a plain copy; the engine turns same-type contiguous copies of it into memory copies. */
export const identity: ScalarFn = (x) => x;

/** The most inputs an elementwise function may take (`where`, `clip`). */
export const MAX_ARITY = 3;

/**
 * How each input walks the innermost axis, one letter per input: `c` contiguous (stride 1),
 * `s` broadcast (stride 0), `g` any other stride; e.g. `"cs"` for a row plus a scalar. Compiled
 * loops specialise their inner reads on it.
 */
export type StridePattern = string;

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
  map(fn: ScalarFn, arity: number, pattern: StridePattern): MapLoop;
  fold(fn: ScalarFn): FoldLoop;
  accumulate(fn: ScalarFn): AccumulateLoop;
}

export const interpretedLoops: LoopFactory = {
  map(fn, arity) {
    return (out, o, n0, n1, n2, ...operands) => {
      const field = (j: number, k: number) => operands[5 * j + k];
      const x0 = field(0, 0) as TypedArray;
      const x1 = (field(1, 0) ?? x0) as TypedArray;
      const x2 = (field(2, 0) ?? x0) as TypedArray;
      // Offsets, then strides of the three axes, for each input (unused inputs stay at 0).
      const offsets = new Int32Array(3);
      const strides = new Int32Array(9);
      for (let j = 0; j < arity; j++) {
        offsets[j] = field(j, 1) as number;
        for (let d = 0; d < 3; d++) strides[3 * j + d] = field(j, 2 + d) as number;
      }
      for (let p = 0; p < n0; p++) {
        for (let r = 0; r < n1; r++) {
          let i0 = (offsets[0] as number) + p * (strides[0] as number) + r * (strides[1] as number);
          let i1 = (offsets[1] as number) + p * (strides[3] as number) + r * (strides[4] as number);
          let i2 = (offsets[2] as number) + p * (strides[6] as number) + r * (strides[7] as number);
          const [c0, c1, c2] = [strides[2] as number, strides[5] as number, strides[8] as number];
          for (let k = 0; k < n2; k++, i0 += c0, i1 += c1, i2 += c2) {
            const a = x0[i0] as number;
            out[o++] =
              arity === 1
                ? fn(a)
                : arity === 2
                  ? fn(a, x1[i1] as number)
                  : fn(a, x1[i1] as number, x2[i2] as number);
          }
        }
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
  map(fn, arity, pattern) {
    const inputs = Array.from({ length: arity }, (_, j) => j);
    const params = inputs.flatMap((j) => [`x${j}`, `i${j}`, `a${j}`, `b${j}`, `c${j}`]);
    // Element k + u of the innermost run: contiguous inputs are read at q + k + u like the
    // output, broadcast ones at q, strided ones at t + u·c from a pointer t that steps by c.
    const read = (j: number, u: number) =>
      pattern[j] === "c"
        ? `x${j}[q${j} + k${u ? ` + ${u}` : ""}]`
        : pattern[j] === "s"
          ? `x${j}[q${j}]`
          : `x${j}[t${j}${u ? ` + c${j}x${u}` : ""}]`;
    const element = (u: number) =>
      `out[o + k${u ? ` + ${u}` : ""}] = f(${inputs.map((j) => read(j, u)).join(", ")});`;
    const each = (template: (j: number) => string) => inputs.map(template).join(" ");
    const strided = inputs.filter((j) => pattern[j] === "g");
    const multiples = strided
      .map(
        (j) =>
          `const c${j}x1 = c${j}, c${j}x2 = 2 * c${j}, c${j}x3 = 3 * c${j}, c${j}x4 = 4 * c${j};`,
      )
      .join(" ");
    const pointers = strided.map((j) => `let t${j} = q${j};`).join(" ");
    // Strided pointers advance by c after one element, by 4·c after an unrolled group.
    const advance = (group: boolean) =>
      strided.map((j) => `t${j} += c${j}${group ? "x4" : ""};`).join(" ");
    // The innermost run is unrolled by four (measured 1.4x faster than a plain loop, which is
    // how fast a hand-written loop runs), then finished one element at a time.
    return generate<MapLoop>(
      ["out", "o", "n0", "n1", "n2", ...params],
      `const f = ${functionSource(fn)};
${multiples}
for (let p = 0; p < n0; p++) {
  ${each((j) => `let q${j} = i${j};`)}
  for (let r = 0; r < n1; r++) {
    ${pointers}
    let k = 0;
    for (; k + 4 <= n2; k += 4) {
      ${element(0)} ${element(1)} ${element(2)} ${element(3)}
      ${advance(true)}
    }
    for (; k < n2; k++) { ${element(0)} ${advance(false)} }
    o += n2; ${each((j) => `q${j} += b${j};`)}
  }
  ${each((j) => `i${j} += a${j};`)}
}`,
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

const selfContained = new WeakMap<ScalarFn, boolean>();

/**
 * Whether `fn` can be rebuilt from its source text: compiled loops inline that text, so a
 * function rewritten by a tool (coverage counters that name a module variable) or one whose
 * engine prints no source would fail inside every op. Re-creating it from its text and calling
 * it once on zeros tells; scalar functions are pure, so the call is harmless.
 */
export function isSelfContained(fn: ScalarFn): boolean {
  let known = selfContained.get(fn);
  if (known === undefined) {
    try {
      const rebuilt = new Function(`"use strict"; return (${functionSource(fn)});`)() as ScalarFn;
      rebuilt(0, 0, 0);
      known = true;
    } catch {
      known = false;
    }
    selfContained.set(fn, known);
  }
  return known;
}

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
 * identity first; a self-contained function seen for the first time is matched by its source
 * text, so an arrow written inline in an op (a new closure per call) still compiles once.
 */
export class LoopCache {
  private readonly byFunction = new WeakMap<ScalarFn, Map<string, unknown>>();
  private readonly bySource = new Map<string, Map<string, unknown>>();

  constructor(private readonly factory: () => LoopFactory) {}

  /** The factory for `fn`: compiled loops only when its source text stands on its own. */
  private factoryFor(fn: ScalarFn): LoopFactory {
    const factory = this.factory();
    return factory === compiledLoops && !isSelfContained(fn) ? interpretedLoops : factory;
  }

  map(fn: ScalarFn, arity: number, pattern: StridePattern, key: string): MapLoop {
    return this.lookup(fn, `map${arity}${pattern}:${key}`, () =>
      this.factoryFor(fn).map(fn, arity, pattern),
    );
  }

  fold(fn: ScalarFn, key: string): FoldLoop {
    return this.lookup(fn, `fold:${key}`, () => this.factoryFor(fn).fold(fn));
  }

  accumulate(fn: ScalarFn, key: string): AccumulateLoop {
    return this.lookup(fn, `accumulate:${key}`, () => this.factoryFor(fn).accumulate(fn));
  }

  private lookup<T>(fn: ScalarFn, key: string, make: () => T): T {
    let loops = this.byFunction.get(fn);
    if (loops === undefined) {
      // Only self-contained functions may share loops by source: two closures with the same
      // text but different captured values compute different things.
      const source = isSelfContained(fn) ? fn.toString() : undefined;
      loops = source === undefined ? undefined : this.bySource.get(source);
      if (loops === undefined) {
        loops = new Map();
        if (source !== undefined) this.bySource.set(source, loops);
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
