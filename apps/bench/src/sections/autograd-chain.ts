import type { Tensor } from "@tensorflow/tfjs-core";
import { add, mul, Variable } from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { LIBRARY_LABEL, type Library, type Output, type Tf } from "../impl";
import { fmt, type Lookup } from "../results";
import type { BenchCase, Check, Section } from "../section";

// A chain of scalar ops: y ← y + 1, y ← y · 0.999, alternating, from x = 0.5. Every op works on
// one float32 number, so the time is what autograd spends around a kernel call (creating the
// Function and the output Variable, linking the graph, then the backward walk), not arithmetic.
// float32 because tfjs has no float64; the values match bit for bit across the three libraries.

const START = 0.5;
const FACTOR = 0.999;
const SHORT = 10_000;
const LONG = 100_000;

/** y and dy/dx, for a chain of `n` ops. */
function autogradChain(n: number): { y: Variable; dx: Variable } {
  const x = new Variable(nd.full([], START, "float32"));
  let y = x;
  for (let i = 0; i < n; i++) y = i % 2 === 0 ? add(y, 1) : mul(y, FACTOR);
  y.backward();
  return { y, dx: x.grad as Variable };
}

/** The same ops on raw 0-d NDArrays, forward only: the kernels' own cost. */
function ndarrayChain(n: number): nd.NDArray {
  let y = nd.full([], START, "float32");
  for (let i = 0; i < n; i++) y = i % 2 === 0 ? nd.add(y, 1) : nd.mul(y, FACTOR);
  return y;
}

function tfjsChain(tf: Tf, n: number): (x: Tensor) => Tensor {
  return (x) => {
    let y = x;
    for (let i = 0; i < n; i++) y = i % 2 === 0 ? tf.add(y, 1) : tf.mul(y, FACTOR);
    return y;
  };
}

const values = (...xs: number[]): Output => ({ shape: [xs.length], at: (i) => xs[i] as number });

/**
 * The float32 chain replayed in float64 with a rounding after each op (exactly float32
 * arithmetic for + and ·), and dy/dx = 0.999ⁿᐟ² in float64.
 */
function reference(n: number): { y: number; dx: number } {
  const factor = Math.fround(FACTOR);
  let y = START;
  let dx = 1;
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) y = Math.fround(y + 1);
    else {
      y = Math.fround(y * factor);
      dx *= factor;
    }
  }
  return { y, dx };
}

/**
 * y within 10⁻³ relative (the rounding errors of the contracting chain stay below 2·10⁻⁴),
 * dy/dx within n·2⁻²³ relative (n/2 roundings of 2⁻²⁴ each, plus 0.999 against its float32
 * value); the ndarray baseline computes no gradient.
 */
function checkChain(out: Output, n: number, withGradient: boolean): Check {
  const ref = reference(n);
  const expected = withGradient ? [ref.y, ref.dx] : [ref.y];
  const tolerance = withGradient ? [1e-3 * ref.y, n * 2 ** -23 * ref.dx] : [1e-3 * ref.y];
  if (out.shape.length !== 1 || out.shape[0] !== expected.length) {
    return { ok: false, detail: `shape [${out.shape}], expected [${expected.length}]` };
  }
  const names = ["y", "dy/dx"];
  for (let i = 0; i < expected.length; i++) {
    const got = out.at(i);
    const want = expected[i] as number;
    if (!(Math.abs(got - want) <= (tolerance[i] as number))) {
      return { ok: false, detail: `${names[i]} = ${got}, expected ${want} (±${tolerance[i]})` };
    }
  }
  return {
    ok: true,
    detail: withGradient ? `y and dy/dx = ${out.at(1).toPrecision(4)} match` : "y matches",
  };
}

function toCase(n: number): BenchCase {
  const count = n.toLocaleString("en-US");
  return {
    id: `autograd-chain/${n}`,
    label: `${count} ops add(y, 1), mul(y, ${FACTOR}) on a float32 0-d Variable, forward + backward`,
    family: "autograd",
    ops: n,
    // A 10,000-op call is slow enough that --quick would warm it up once, and its first few
    // calls run code that V8 has not optimised yet.
    warmup: n <= SHORT ? 6 : 2,
    collect: false,
    names: {
      zerograd: "autograd",
      js: "ndarray fwd",
      "tfjs-cpu": "tfjs-cpu grad",
      "tfjs-wasm": "tfjs-wasm grad",
    },
    zerograd() {
      return {
        call: () => autogradChain(n).dx,
        callAndRead() {
          const { y, dx } = autogradChain(n);
          return { output: values(y.item(), dx.item()), release() {} };
        },
        dispose() {},
      };
    },
    js() {
      return {
        call: () => ndarrayChain(n),
        callAndRead: () => ({ output: values(ndarrayChain(n).item()), release() {} }),
        dispose() {},
      };
    },
    tfjs(tf: Tf) {
      const x = tf.scalar(START);
      // valueAndGrad runs the chain on a tape and disposes every intermediate tensor.
      const run = tf.valueAndGrad(tfjsChain(tf, n));
      return {
        call() {
          const { value, grad } = run(x);
          value.dispose();
          grad.dispose();
          return grad;
        },
        callAndRead() {
          const { value, grad } = run(x);
          const output = values(value.dataSync()[0] as number, grad.dataSync()[0] as number);
          return {
            output,
            release() {
              value.dispose();
              grad.dispose();
            },
          };
        },
        dispose: () => x.dispose(),
      };
    },
    check: (out, lib) => checkChain(out, n, lib !== "js"),
  };
}

const perOpUs = (lookup: Lookup, n: number, lib: Library): number | undefined => {
  const r = lookup(`autograd-chain/${n}`, lib);
  return r?.timing && r.check?.ok ? (r.timing.medianMs * 1000) / n : undefined;
};

function summary(lookup: Lookup): string[] {
  const cell = (x: number | undefined) => (x === undefined ? "n/a" : fmt(x)).padStart(10);
  const rows: [string, number | undefined, number | undefined][] = [
    [
      "autograd forward + backward",
      perOpUs(lookup, SHORT, "zerograd"),
      perOpUs(lookup, LONG, "zerograd"),
    ],
    ["ndarray forward only", perOpUs(lookup, SHORT, "js"), perOpUs(lookup, LONG, "js")],
  ];
  const bookkeeping = (n: number) => {
    const a = perOpUs(lookup, n, "zerograd");
    const b = perOpUs(lookup, n, "js");
    return a !== undefined && b !== undefined ? a - b : undefined;
  };
  rows.push(["autograd − ndarray (bookkeeping)", bookkeeping(SHORT), bookkeeping(LONG)]);
  for (const lib of ["tfjs-cpu", "tfjs-wasm"] as const) {
    rows.push([
      `${LIBRARY_LABEL[lib]} valueAndGrad`,
      perOpUs(lookup, SHORT, lib),
      perOpUs(lookup, LONG, lib),
    ]);
  }
  const lines = ["µs per op (medians)                  10,000 ops  100,000 ops  100k / 10k"];
  for (const [name, short, long] of rows) {
    const ratio = short !== undefined && long !== undefined ? `${fmt(long / short)}×` : "";
    lines.push(`  ${name.padEnd(34)} ${cell(short)}   ${cell(long)}   ${ratio.padStart(8)}`);
  }
  lines.push(
    "  bookkeeping = everything autograd adds to the forward kernels: recording, the backward walk",
    "  and the backward kernels (mul's gradient is one more 0-d mul; add's passes gy through)",
  );
  return lines;
}

/** Overhead per recorded op: a chain of scalar ops, forward + backward, at two lengths. */
export const autogradChainSection: Section = {
  name: "autograd-chain",
  title: "autograd overhead per recorded op (0-d float32 chain), µs/op = t / ops",
  cases: () => [toCase(SHORT), toCase(LONG)],
  tfjsGradients: true,
  summary: (lookup) => summary(lookup),
};
