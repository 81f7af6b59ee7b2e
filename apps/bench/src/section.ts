import type { Impl, Library, Output, Tf } from "./impl";
import type { Timing } from "./timing";

/** Op families, each compared with a hand-written loop. */
export type Family =
  | "matmul"
  | "broadcast add"
  | "broadcast add, in place"
  | "unary"
  | "reduction"
  | "transpose-copy"
  | "argmax"
  | "take"
  | "concat"
  | "im2col"
  | "compare/where";

/** The verdict of comparing a result with a float64 (or exact) reference. */
export interface Check {
  ok: boolean;
  detail: string;
}

/** One shape of one op, runnable by every library. */
export interface BenchCase {
  /** Unique across sections, e.g. `matmul/512`. */
  id: string;
  label: string;
  family: Family;
  /** Floating-point operations per call: the table shows GFLOP/s. */
  flops?: number;
  /** Bytes read and written per call: the table shows GB/s. */
  bytes?: number;
  zerograd(): Impl;
  js(): Impl;
  /** Absent where tfjs has no counterpart (it has no `out=`): tfjs workers skip the case. */
  tfjs?(tf: Tf): Impl;
  check(out: Output): Check;
}

/** What one child process measured for one case and one library. */
export interface CaseResult {
  caseId: string;
  lib: Library;
  timing?: Timing;
  check?: Check;
  error?: string;
}

/** A group of cases printed as one table. */
export interface Section {
  /** What `--only` selects it by. */
  name: string;
  title: string;
  cases(quick: boolean): BenchCase[];
  /** Derived lines printed under the table (e.g. transposed/plain ratios). */
  summary?(lookup: (caseId: string, lib: Library) => CaseResult | undefined): string[];
}
