import { exp, numericalGrad, pow, square, sub, tanh, toDot, Variable } from "@zerograd/autograd";
import { array } from "@zerograd/ndarray";
import { type Printer, plural, prepareOutput, writeOutput } from "../io";

/** Flags of `autograd`. */
export interface AutogradOptions {
  /** Newton steps on x⁴ − 2x². */
  newtonSteps: number;
  /** How many derivatives of tanh to take (and the order of the graph written). */
  order: number;
  out: string;
}

/** The book's figures: 7 Newton steps reach 1 exactly; 4 derivatives of tanh. */
export const AUTOGRAD_DEFAULTS: AutogradOptions = { newtonSteps: 7, order: 4, out: "out" };

/** What `autograd` returns (and prints with `--json`). */
export interface AutogradResult {
  /** d/dx square(exp(square(x))) at 0.5. */
  backprop: number;
  numerical: number;
  /** The closed form 4x·exp(2x²). */
  exact: number;
  /** Newton's iterates x₀ = 2, x₁, ... */
  newton: number[];
  /** The derivatives of tanh at 1, first to `order`-th. */
  tanhDerivatives: number[];
  files: { graph: string };
}

/** A float64 scalar Variable (float64 so the digits can be compared with the book's). */
function scalar(value: number, name: string): Variable {
  return new Variable(array(value, { dtype: "float64" }), { name });
}

/**
 * The first stage of the book as a walkthrough: a derivative by backprop next to the
 * numerical one, Newton's method with second derivatives from double backprop, higher-order
 * derivatives of tanh, and the graph of the last one written as Graphviz DOT.
 */
export function autograd(options: AutogradOptions, printer: Printer): AutogradResult {
  const { newtonSteps, order, out } = options;
  prepareOutput(out);

  printer.line("1. y = square(exp(square(x))) at x = 0.5, by backprop and by central differences");
  const f = (v: Variable) => square(exp(square(v)));
  const x = scalar(0.5, "x");
  f(x).backward();
  const backprop = (x.grad as Variable).item();
  const numerical = numericalGrad(f, x, { eps: 1e-4 }).item();
  const exact = 4 * 0.5 * Math.exp(2 * 0.5 ** 2);
  printer.line(`   backprop    dy/dx = ${backprop}`);
  printer.line(`   numerical   dy/dx = ${numerical}   (eps 1e-4)`);
  printer.line(`   closed form 4x·exp(2x²) = ${exact}`);

  printer.line();
  printer.line("2. Newton's method on f(x) = x⁴ - 2x² from x = 2: x ← x - f'(x)/f''(x),");
  printer.line("   f'' by differentiating the graph of f' (backward with createGraph)");
  const newton: number[] = [];
  let position = scalar(2, "x");
  for (let step = 0; step <= newtonSteps; step++) {
    newton.push(position.item());
    printer.line(`   ${step}: x = ${position.item()}`);
    if (step === newtonSteps) break;
    const y = sub(pow(position, 4), square(position).mul(2));
    y.backward({ createGraph: true });
    const first = position.grad as Variable;
    position.clearGrad();
    first.backward();
    const second = position.grad as Variable;
    position = scalar(position.item() - first.item() / second.item(), "x");
  }

  printer.line();
  const derivatives = order === 1 ? "derivative" : `${order} derivatives`;
  printer.line(`3. the first ${derivatives} of tanh at x = 1 (backward of backward ...)`);
  const t = Math.tanh(1);
  const closedForms = tanhDerivativesAt(t);
  const input = scalar(1, "x");
  let derivative = tanh(input);
  derivative.name = "y";
  const tanhDerivatives: number[] = [];
  for (let n = 1; n <= order; n++) {
    input.clearGrad();
    derivative.backward({ createGraph: true });
    derivative = input.grad as Variable;
    derivative.name = `d${n}y/dx${n}`;
    tanhDerivatives.push(derivative.item());
    const known = closedForms[n - 1];
    printer.line(
      `   ${ordinal(n)}: ${derivative.item()}${known === undefined ? "" : `   (closed form ${known})`}`,
    );
  }

  const dot = toDot(derivative);
  const graph = writeOutput(out, "graph.dot", dot);
  const nodes = dot.split("\n").filter((line) => line.includes("[label=")).length;
  printer.line();
  printer.line(
    `4. the graph of the ${ordinal(order)} derivative (${plural(nodes, "node")}) written to ${graph}; draw it with \`dot -Tsvg ${graph} -o graph.svg\``,
  );
  return { backprop, numerical, exact, newton, tanhDerivatives, files: { graph } };
}

/** tanh's first four derivatives in terms of t = tanh(x). */
function tanhDerivativesAt(t: number): number[] {
  const d1 = 1 - t * t;
  const d2 = -2 * t * d1;
  const d3 = -2 * d1 * d1 - 2 * t * d2;
  const d4 = -6 * d1 * d2 - 2 * t * d3;
  return [d1, d2, d3, d4];
}

function ordinal(n: number): string {
  const suffix =
    n % 10 === 1 && n % 100 !== 11
      ? "st"
      : n % 10 === 2 && n % 100 !== 12
        ? "nd"
        : n % 10 === 3 && n % 100 !== 13
          ? "rd"
          : "th";
  return `${n}${suffix}`;
}
