// Minimising a formula needs autograd and optim only, no layers.
import { readdirSync, readFileSync } from "node:fs";
import { add, matmul, mul, Parameter, pow, sub, sum, take } from "@zerograd/autograd";
import { describe, expect, it } from "vitest";
import { AdaDelta, AdaGrad, Adam, AdamW, type Optimizer, RMSprop, SGD } from "../src/index";
import { f64, fixture } from "./fixture";

const rosenbrock = (p: Parameter) => {
  const x = take(p, 0);
  const y = take(p, 1);
  return add(pow(sub(1, x), 2), mul(100, pow(sub(y, pow(x, 2)), 2)));
};

function minimise(
  optimizer: Optimizer<object>,
  loss: () => ReturnType<typeof sum>,
  steps: number,
): number {
  let value = Number.NaN;
  for (let i = 0; i < steps; i++) {
    optimizer.zeroGrad();
    const f = loss();
    f.backward();
    value = f.item();
    optimizer.step();
  }
  return value;
}

describe("gradient descent on a formula", () => {
  it("Adam finds Rosenbrock's minimum (1, 1) from (-1.5, 2) in 1000 steps", () => {
    const p = new Parameter(f64([-1.5, 2]));
    minimise(new Adam([p], { lr: 0.1 }), () => rosenbrock(p), 1000);
    const [x, y] = p.data.toArray() as number[];
    expect(Math.abs((x as number) - 1)).toBeLessThan(5e-3);
    expect(Math.abs((y as number) - 1)).toBeLessThan(5e-3);
    expect(rosenbrock(p).item()).toBeLessThan(1e-5);
  });

  const { A, b } = fixture.objectives.quadratic.constants;
  // [name, optimizer, tolerance]: the adaptive methods with a fixed lr end up hovering near
  // the minimum at a distance set by lr (AdaDelta's by its eps), so they get looser bounds.
  const cases: [string, (p: Parameter) => Optimizer<object>, number][] = [
    ["SGD", (p) => new SGD([p], { lr: 0.1, momentum: 0.5 }), 1e-10],
    ["Adam", (p) => new Adam([p], { lr: 0.05 }), 1e-2],
    ["AdamW", (p) => new AdamW([p], { lr: 0.05, weightDecay: 0 }), 1e-2],
    ["AdaGrad", (p) => new AdaGrad([p], { lr: 0.5 }), 1e-2],
    ["RMSprop", (p) => new RMSprop([p], { lr: 0.002 }), 1e-2],
    ["AdaDelta", (p) => new AdaDelta([p]), 0.1],
  ];
  it.each(cases)("%s solves A x = b by minimising 0.5 x·Ax - b·x", (_, make, tolerance) => {
    const x = new Parameter(f64([2, -1, 1.5]));
    const loss = () => sub(mul(0.5, sum(mul(x, matmul(f64(A), x)))), sum(mul(f64(b), x)));
    minimise(make(x), loss, 1500);
    // The gradient A x - b vanishes at the minimum; it starts at [6.75, 1.3, 3.3].
    const residual = matmul(f64(A), x).data.sub(f64(b)).toArray() as number[];
    for (const r of residual) expect(Math.abs(r)).toBeLessThan(tolerance);
  });
});

describe("dependencies", () => {
  it("optim depends on autograd and ndarray only, never on nn", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual([
      "@zerograd/autograd",
      "@zerograd/ndarray",
    ]);
    const src = new URL("../src/", import.meta.url);
    for (const file of readdirSync(src)) {
      const text = readFileSync(new URL(file, src), "utf8");
      for (const [, from] of text.matchAll(/from "([^"]+)"/g)) {
        expect(from, `${file} imports ${from}`).toMatch(/^(\.\/|@zerograd\/(autograd|ndarray)$)/);
      }
    }
  });
});
