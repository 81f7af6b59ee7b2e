// Reads the PyTorch 1.13 fixture and rebuilds its objectives from autograd ops (see
// fixtures/README.md), so the tests can replay every trajectory without Python.
import { readFileSync } from "node:fs";
import {
  add,
  matmul,
  mul,
  Parameter,
  pow,
  square,
  sub,
  sum,
  take,
  transpose,
  type Variable,
} from "@zerograd/autograd";
import { array, type NDArray, type NestedArray } from "@zerograd/ndarray";
import { AdaDelta, AdaGrad, Adam, AdamW, type Optimizer, RMSprop, SGD } from "../src/index";

export type ObjectiveName = "quadratic" | "rosenbrock" | "leastSquares";

export interface TrajectoryCase {
  name: string;
  optimizer: keyof typeof OPTIMIZERS;
  objective: ObjectiveName;
  options: Record<string, unknown>;
  paramGroups: ({ params: string[] } & Record<string, unknown>)[];
  resolvedParamGroups: ({ params: string[] } & Record<string, unknown>)[];
  losses: number[];
  params: Record<string, NestedArray[]>;
  finalLoss: number;
  splitAt?: number;
}

/** How the generator built a scheduler: the class, its options, named lambdas, wrapped schedulers. */
export interface SchedulerSpec {
  scheduler: string;
  options?: Record<string, unknown>;
  lambdas?: string[];
  milestones?: number[];
  schedulers?: SchedulerSpec[];
}

export interface Wave2SchedulerCase {
  name: string;
  optimizer: "SGD" | "Adam";
  optimizerOptions: Record<string, number>;
  groups: number;
  spec: SchedulerSpec;
  /** lrs[k][g]: group g's lr after k scheduler steps. */
  lrs: number[][];
  /** momenta[k][g]: group g's momentum (SGD) or first beta (Adam) after k steps. */
  momenta: (number | null)[][];
}

interface Fixture {
  torchVersion: string;
  steps: number;
  objectives: Record<
    ObjectiveName,
    {
      constants: Record<string, NestedArray>;
      params: { name: string; shape: number[]; init: NestedArray }[];
    }
  >;
  optimizers: TrajectoryCase[];
  resume: TrajectoryCase[];
  schedulers: {
    name: string;
    scheduler: string;
    options: Record<string, number>;
    optimizerOptions: { lr: number };
    lrs: number[];
  }[];
  wave2Schedulers: Wave2SchedulerCase[];
  clipGradNorm: {
    name: string;
    maxNorm: number;
    params: NestedArray[];
    gradsBefore: (NestedArray | null)[];
    totalNorm: number;
    gradsAfter: (NestedArray | null)[];
  }[];
  clipGradValue: {
    name: string;
    clipValue: number;
    params: NestedArray[];
    gradsBefore: NestedArray[];
    gradsAfter: NestedArray[];
  }[];
}

export const fixture: Fixture = JSON.parse(
  readFileSync(new URL("./fixtures/trajectories.json", import.meta.url), "utf8"),
);

export const OPTIMIZERS = { SGD, Adam, AdamW, AdaGrad, RMSprop, AdaDelta };

export const f64 = (values: NestedArray): NDArray => array(values, { dtype: "float64" });

/** The objective's parameters (fresh, at their initial values) and its loss as a function of them. */
export function objective(name: ObjectiveName): {
  params: Record<string, Parameter>;
  loss: () => Variable;
} {
  const spec = fixture.objectives[name];
  const params: Record<string, Parameter> = {};
  for (const p of spec.params) params[p.name] = new Parameter(f64(p.init), { name: p.name });
  const c = Object.fromEntries(
    Object.entries(spec.constants).map(([k, v]) => [k, f64(v)]),
  ) as Record<string, NDArray>;
  const get = (key: string) => params[key] as Parameter;
  const constant = (key: string) => c[key] as NDArray;
  const losses: Record<ObjectiveName, () => Variable> = {
    // 0.5 * sum(x * matmul(A, x)) - sum(b * x)
    quadratic: () => {
      const x = get("x");
      return sub(mul(0.5, sum(mul(x, matmul(constant("A"), x)))), sum(mul(constant("b"), x)));
    },
    // (1 - p[0])**2 + 100 * (p[1] - p[0]**2)**2
    rosenbrock: () => {
      const p = get("p");
      const p0 = take(p, 0);
      const p1 = take(p, 1);
      return add(pow(sub(1, p0), 2), mul(100, pow(sub(p1, pow(p0, 2)), 2)));
    },
    // sum(square(matmul(u, transpose(W)) + c - t))
    leastSquares: () =>
      sum(square(sub(add(matmul(constant("u"), transpose(get("W"))), get("c")), constant("t")))),
  };
  return { params, loss: losses[name] };
}

/** The case's optimizer over `params`, with its param groups as the fixture gives them. */
export function makeOptimizer(
  testCase: Pick<TrajectoryCase, "optimizer" | "options" | "paramGroups">,
  params: Record<string, Parameter>,
): Optimizer<object> {
  const Class = OPTIMIZERS[testCase.optimizer] as unknown as new (
    params: unknown,
    options: unknown,
  ) => Optimizer<object>;
  const groups = testCase.paramGroups;
  const toParams = (names: string[]) => names.map((n) => params[n] as Parameter);
  // One group: the plain-array form; several: the param-group form with overrides.
  const input =
    groups.length === 1
      ? toParams((groups[0] as { params: string[] }).params)
      : groups.map(({ params: names, ...overrides }) => ({
          params: toParams(names),
          ...overrides,
        }));
  return new Class(input, testCase.options);
}

/** Runs `steps` steps from the current parameters, returning losses before each and parameters after. */
export function run(
  optimizer: Optimizer<object>,
  params: Record<string, Parameter>,
  loss: () => Variable,
  steps: number,
): { losses: number[]; params: Record<string, NestedArray[]> } {
  const losses: number[] = [];
  const trajectory: Record<string, NestedArray[]> = {};
  for (const name of Object.keys(params)) trajectory[name] = [];
  for (let i = 0; i < steps; i++) {
    optimizer.zeroGrad();
    const value = loss();
    value.backward();
    losses.push(value.item());
    optimizer.step();
    for (const [name, p] of Object.entries(params)) trajectory[name]?.push(p.data.toArray());
  }
  return { losses, params: trajectory };
}

/** The largest absolute difference between two equally shaped nested arrays (NaN if shapes differ). */
export function maxAbsDiff(a: NestedArray, b: NestedArray): number {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b);
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.reduce<number>((m, x, i) => Math.max(m, maxAbsDiff(x, b[i] as NestedArray)), 0);
  }
  return Number.NaN;
}
