import { identity } from "./loops";

/**
 * The scalar functions of the float ops that engines may accelerate. The array ops hand these
 * very objects to `Engine.map`; an engine recognises them by identity (`fn === scalar.add`) and
 * runs its own kernel, and runs anything else it does not know through the JavaScript loops.
 * They live at module level so that the JavaScript kernels also find their compiled loops by
 * identity (one WeakMap lookup) rather than by comparing source text.
 */
export const scalar = {
  /** Copies and casts (the destination's type does the rounding). */
  identity,
  add: (a: number, b: number) => a + b,
  sub: (a: number, b: number) => a - b,
  mul: (a: number, b: number) => a * b,
  div: (a: number, b: number) => a / b,
  maximum: (a: number, b: number) => Math.max(a, b),
  minimum: (a: number, b: number) => Math.min(a, b),
  // Comparisons: 1 or 0 (into a bool array, by the comparison ops).
  equal: (a: number, b: number) => (a === b ? 1 : 0),
  notEqual: (a: number, b: number) => (a !== b ? 1 : 0),
  less: (a: number, b: number) => (a < b ? 1 : 0),
  lessEqual: (a: number, b: number) => (a <= b ? 1 : 0),
  greater: (a: number, b: number) => (a > b ? 1 : 0),
  greaterEqual: (a: number, b: number) => (a >= b ? 1 : 0),
  neg: (v: number) => -v,
  abs: (v: number) => Math.abs(v),
  square: (v: number) => v * v,
  relu: (v: number) => (v > 0 || Number.isNaN(v) ? v : 0),
  exp: (v: number) => Math.exp(v),
  log: (v: number) => Math.log(v),
  sqrt: (v: number) => Math.sqrt(v),
  tanh: (v: number) => Math.tanh(v),
  // 1 / (1 + e^−x), written so that neither branch overflows.
  sigmoid: (v: number) => {
    if (v >= 0) return 1 / (1 + Math.exp(-v));
    const e = Math.exp(v);
    return e / (1 + e);
  },
} as const;

/** The names of `scalar`'s functions. */
export type ScalarName = keyof typeof scalar;
