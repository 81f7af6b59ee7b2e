// The Optimizer contract beyond the fixture: in-place updates, skipped parameters, zeroGrad,
// param groups, option errors, hooks, closures.
import { Parameter, pow, sum, Variable } from "@zerograd/autograd";
import { array, broadcastTo, type NDArray, reshape, transpose } from "@zerograd/ndarray";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AdaDelta,
  AdaGrad,
  Adam,
  AdamW,
  clipGradNorm,
  type Optimizer,
  OptimizerError,
  RMSprop,
  SGD,
} from "../src/index";
import { f64 } from "./fixture";

const ALL = { SGD, Adam, AdamW, AdaGrad, RMSprop, AdaDelta };
type AnyOptimizerClass = new (params: unknown, options?: unknown) => Optimizer<object>;
const classes = Object.entries(ALL) as [string, AnyOptimizerClass][];

function withGrad(values: number[], grad: number[], dtype: "float32" | "float64" = "float64") {
  const p = new Parameter(array(values, { dtype }));
  p.grad = new Variable(array(grad, { dtype }), { requiresGrad: false });
  return p;
}

describe("updates in place", () => {
  it.each(classes)(
    "%s keeps the parameter's NDArray and buffer and changes its values",
    (_, Class) => {
      const p = withGrad([1, -2, 3, 0.5], [0.3, -0.1, 0.2, 1]);
      const data = p.data;
      const buffer = p.data.data;
      const view = reshape(p.data, [2, 2]); // shares the buffer
      const before = p.data.toArray();
      new Class([p], { lr: 0.1 }).step();
      expect(p.data).toBe(data);
      expect(p.data.data).toBe(buffer);
      expect(p.data.toArray()).not.toEqual(before);
      expect(view.toArray()).toEqual([
        [p.data.data[0], p.data.data[1]],
        [p.data.data[2], p.data.data[3]],
      ]);
    },
  );

  it("updates a parameter that is a contiguous window of a larger buffer, leaving the rest", () => {
    const whole = array([9, 1, 2, 9], { dtype: "float64" });
    const p = new Parameter(whole.slice([[1, 3]]));
    p.grad = new Variable(f64([10, 20]), { requiresGrad: false });
    new SGD([p], { lr: 0.5 }).step();
    expect(whole.toArray()).toEqual([9, -4, -8, 9]);
  });

  it.each(classes)("%s skips parameters whose grad is null", (_, Class) => {
    const a = withGrad([1, 2], [0.5, -0.5]);
    const b = new Parameter(f64([3, 4]));
    const optimizer = new Class([a, b], { lr: 0.1 });
    optimizer.step();
    optimizer.step();
    expect(b.data.toArray()).toEqual([3, 4]);
    expect(a.data.toArray()).not.toEqual([1, 2]);
    const state = optimizer.state.get(b);
    // AdaGrad makes every state up front, as PyTorch; the others at the first update.
    if (Class === (AdaGrad as unknown)) expect(state?.step).toBe(0);
    else expect(state).toBeUndefined();
  });

  it.each(classes)("%s keeps state buffers in the parameter's dtype (float32)", (_, Class) => {
    const p = withGrad([1, 2, 3], [0.1, 0.2, 0.3], "float32");
    const optimizer = new Class([p], {
      lr: 0.1,
      ...(Class === (SGD as unknown) ? { momentum: 0.9 } : {}),
    });
    optimizer.step();
    expect(p.dtype).toBe("float32");
    const buffers = Object.values(optimizer.state.get(p) ?? {}).filter(
      (v) => typeof v !== "number",
    );
    expect(buffers.length).toBeGreaterThan(0);
    for (const buffer of buffers) expect((buffer as NDArray).dtype).toBe("float32");
  });

  it("reads a non-contiguous (broadcast) gradient", () => {
    const p = new Parameter(
      f64([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    p.grad = new Variable(broadcastTo(f64([1, 2, 3]), [2, 3]), { requiresGrad: false });
    new SGD([p], { lr: 1 }).step();
    expect(p.data.toArray()).toEqual([
      [0, 0, 0],
      [3, 3, 3],
    ]);
  });

  it("refuses a parameter whose data is not contiguous, and a gradient of the wrong shape", () => {
    const p = new Parameter(
      transpose(
        f64([
          [1, 2],
          [3, 4],
        ]),
      ),
    );
    p.grad = new Variable(
      f64([
        [1, 1],
        [1, 1],
      ]),
      { requiresGrad: false },
    );
    expect(() => new SGD([p], { lr: 1 }).step()).toThrow(/not contiguous/);
    const q = withGrad([1, 2], [1, 2, 3]);
    expect(() => new SGD([q], { lr: 1 }).step()).toThrow(
      /SGD: param group 0, parameter 0: gradient of shape \[3\] for a parameter of shape \[2\]/,
    );
    expect(q.data.toArray()).toEqual([1, 2]);
  });

  it("plain SGD is p - lr * g (property)", () => {
    const values = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), {
      minLength: 1,
      maxLength: 20,
    });
    fc.assert(
      fc.property(values, values, fc.double({ min: 0, max: 10, noNaN: true }), (p0, g0, lr) => {
        const n = Math.min(p0.length, g0.length);
        const p = withGrad(p0.slice(0, n), g0.slice(0, n));
        new SGD([p], { lr }).step();
        expect(p.data.toArray()).toEqual(p0.slice(0, n).map((x, i) => x - lr * (g0[i] as number)));
      }),
    );
  });

  it("Adam's first step moves each value by lr * g / (|g| + eps) (property)", () => {
    const grads = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), {
      minLength: 1,
      maxLength: 10,
    });
    fc.assert(
      fc.property(grads, (g) => {
        const p = withGrad(
          g.map(() => 0),
          g,
        );
        new Adam([p], { lr: 0.01 }).step();
        (p.data.toArray() as number[]).forEach((x, i) => {
          const gi = g[i] as number;
          expect(x).toBeCloseTo((-0.01 * gi) / (Math.abs(gi) + 1e-8), 12);
        });
      }),
    );
  });

  it("maximize climbs instead of descending", () => {
    const p = withGrad([1, 2], [0.5, -1]);
    new SGD([p], { lr: 0.1, maximize: true }).step();
    expect(p.data.toArray()).toEqual([1 + 0.1 * 0.5, 2 - 0.1]);
  });
});

describe("zeroGrad", () => {
  it("sets every grad to null by default, to zeros with setToNone = false", () => {
    const a = withGrad([1, 2], [3, 4]);
    const b = withGrad([5], [6]);
    const optimizer = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    optimizer.zeroGrad(false);
    expect(a.grad?.toArray()).toEqual([0, 0]);
    expect(b.grad?.toArray()).toEqual([0]);
    optimizer.zeroGrad();
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
  });

  it("lets gradients from one backward at a time drive the steps", () => {
    const p = new Parameter(f64([3]));
    const optimizer = new SGD([p], { lr: 0.25 });
    for (let i = 0; i < 3; i++) {
      optimizer.zeroGrad();
      sum(pow(p, 2)).backward(); // grad 2p: p halves every step
      optimizer.step();
    }
    expect(p.data.toArray()).toEqual([3 / 8]);
  });
});

describe("parameter groups", () => {
  it("resolve options per group and use each group's lr", () => {
    const a = withGrad([1, 1], [1, 1]);
    const b = withGrad([1, 1], [1, 1]);
    const optimizer = new SGD([{ params: [a] }, { params: [b], lr: 0.01, momentum: 0.5 }], {
      lr: 0.1,
      weightDecay: 0,
    });
    expect(optimizer.paramGroups.map(({ params, ...o }) => o)).toEqual([
      { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false },
      { lr: 0.01, momentum: 0.5, dampening: 0, nesterov: false, weightDecay: 0, maximize: false },
    ]);
    optimizer.step();
    expect(a.data.toArray()).toEqual([0.9, 0.9]);
    expect(b.data.toArray()).toEqual([0.99, 0.99]);
  });

  it("take a changed lr at the next step", () => {
    const p = withGrad([1], [1]);
    const optimizer = new SGD([p], { lr: 0.5 });
    optimizer.step();
    (optimizer.paramGroups[0] as { lr: number }).lr = 0.25;
    optimizer.step();
    expect(p.data.toArray()).toEqual([1 - 0.5 - 0.25]);
  });

  it("accept any iterable of parameters and groups added later", () => {
    const a = withGrad([1], [1]);
    const b = withGrad([1], [1]);
    const optimizer = new Adam(new Set([a]));
    optimizer.addParamGroup({ params: [b], lr: 0.5 });
    expect(optimizer.paramGroups[1]?.lr).toBe(0.5);
    expect(optimizer.paramGroups[1]?.betas).toEqual([0.9, 0.999]);
    expect(optimizer.paramGroups[1]?.betas).not.toBe(optimizer.paramGroups[0]?.betas);
    optimizer.step();
    expect(b.data.item()).toBeCloseTo(0.5, 6);
    expect(() => optimizer.addParamGroup({ params: [a] })).toThrow(
      /already in another param group/,
    );
    expect(optimizer.paramGroups).toHaveLength(2);
  });

  it("SGD needs lr in the options or in every group", () => {
    const a = withGrad([1], [1]);
    const b = withGrad([1], [1]);
    expect(() => new SGD([a])).toThrow(/SGD: lr is required in param group 0/);
    const optimizer = new SGD([
      { params: [a], lr: 0.1 },
      { params: [b], lr: 0.2 },
    ]);
    expect(optimizer.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.2]);
  });
});

describe("bad options are OptimizerErrors at construction", () => {
  const p = () => withGrad([1], [1]);
  const cases: [string, () => unknown, RegExp][] = [
    [
      "negative lr",
      () => new Adam([p()], { lr: -1 }),
      /Adam: lr must be a finite number >= 0, got -1/,
    ],
    [
      "NaN lr",
      () => new SGD([p()], { lr: Number.NaN }),
      /SGD: lr must be a finite number >= 0, got NaN/,
    ],
    [
      "beta1 = 1",
      () => new Adam([p()], { betas: [1, 0.999] }),
      /Adam: betas\[0\] must be in \[0, 1\), got 1/,
    ],
    [
      "negative beta2",
      () => new AdamW([p()], { betas: [0.9, -0.1] }),
      /AdamW: betas\[1\] must be in \[0, 1\), got -0.1/,
    ],
    [
      "betas not a pair",
      () => new Adam([p()], { betas: [0.9] as unknown as [number, number] }),
      /Adam: betas must be a pair/,
    ],
    [
      "negative eps",
      () => new RMSprop([p()], { eps: -1e-8 }),
      /RMSprop: eps must be a finite number >= 0, got -1e-8/,
    ],
    [
      "negative weightDecay",
      () => new AdaGrad([p()], { weightDecay: -0.1 }),
      /AdaGrad: weightDecay must be .*, got -0.1/,
    ],
    [
      "negative momentum",
      () => new SGD([p()], { lr: 0.1, momentum: -0.9 }),
      /SGD: momentum must be .*, got -0.9/,
    ],
    [
      "negative RMSprop momentum",
      () => new RMSprop([p()], { momentum: -1 }),
      /RMSprop: momentum must be/,
    ],
    ["negative alpha", () => new RMSprop([p()], { alpha: -0.5 }), /RMSprop: alpha must be/],
    ["negative lrDecay", () => new AdaGrad([p()], { lrDecay: -1 }), /AdaGrad: lrDecay must be/],
    [
      "negative initialAccumulatorValue",
      () => new AdaGrad([p()], { initialAccumulatorValue: -1 }),
      /initialAccumulatorValue must be/,
    ],
    [
      "rho above 1",
      () => new AdaDelta([p()], { rho: 1.5 }),
      /AdaDelta: rho must be in \[0, 1\], got 1.5/,
    ],
    [
      "nesterov without momentum",
      () => new SGD([p()], { lr: 0.1, nesterov: true }),
      /SGD: nesterov requires momentum > 0 and dampening 0, got momentum 0 and dampening 0/,
    ],
    [
      "nesterov with dampening",
      () => new SGD([p()], { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }),
      /nesterov requires momentum > 0 and dampening 0/,
    ],
    [
      "non-boolean amsgrad",
      () => new Adam([p()], { amsgrad: 1 as unknown as boolean }),
      /Adam: amsgrad must be a boolean, got 1/,
    ],
    [
      "snake_case option",
      () => new Adam([p()], { weight_decay: 0.1 } as object),
      /Adam: unknown option 'weight_decay'/,
    ],
    [
      "bad group override",
      () => new Adam([{ params: [p()] }, { params: [p()], lr: -0.5 }]),
      /Adam: lr in param group 1 must be a finite number >= 0, got -0.5/,
    ],
    ["empty params", () => new Adam([]), /Adam: got an empty parameter list/],
    [
      "a single Variable",
      () => new Adam(p() as unknown as Parameter[]),
      /params must be an array of Variables or of param groups/,
    ],
    [
      "mixed params and groups",
      () => new Adam([p(), { params: [p()] }] as unknown as Parameter[]),
      /mixes Variables and param groups/,
    ],
    [
      "a parameter twice",
      () => {
        const q = p();
        return new Adam([q, q]);
      },
      /parameter 1 in param group 0 appears twice/,
    ],
    [
      "an int parameter",
      () => new Adam([new Variable(array([1, 2], { dtype: "int32" }))]),
      /has dtype int32; only float parameters/,
    ],
    ["a non-leaf", () => new Adam([pow(p(), 2)]), /is not a leaf/],
    [
      "not a Variable",
      () => new Adam([[1, 2]] as unknown as Parameter[]),
      /Adam: a param group must be an object with params/,
    ],
  ];
  it.each(cases)("%s", (_, make, message) => {
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OptimizerError);
    expect((error as Error).message).toMatch(message);
  });

  it("accepts the boundaries (lr 0, beta 0, rho 1, eps 0)", () => {
    expect(() => new Adam([withGrad([1], [1])], { lr: 0, betas: [0, 0], eps: 0 })).not.toThrow();
    expect(() => new AdaDelta([withGrad([1], [1])], { rho: 1 })).not.toThrow();
  });
});

describe("hooks and closures", () => {
  it("runs pre-hooks before the update and post-hooks after, until removed", () => {
    const p = withGrad([1], [1]);
    const optimizer = new SGD([p], { lr: 0.5 });
    const seen: string[] = [];
    const pre = optimizer.registerStepPreHook((o) => {
      expect(o).toBe(optimizer);
      seen.push(`pre ${p.data.toArray()}`);
    });
    const post = optimizer.registerStepPostHook(() => seen.push(`post ${p.data.toArray()}`));
    optimizer.registerStepPostHook(() => seen.push("post2"));
    optimizer.step();
    pre.remove();
    pre.remove();
    optimizer.step();
    post.remove();
    optimizer.step();
    expect(seen).toEqual(["pre 1", "post 0.5", "post2", "post 0", "post2", "post2"]);
  });

  it("lets a pre-hook change the lr of the coming step", () => {
    const p = withGrad([1], [1]);
    const optimizer = new SGD([p], { lr: 0.5 });
    optimizer.registerStepPreHook((o) => {
      for (const group of o.paramGroups) group.lr = 0.25;
    });
    optimizer.step();
    expect(p.data.toArray()).toEqual([0.75]);
  });

  it("step(closure) evaluates the closure with grad on and returns its loss", () => {
    const p = new Parameter(f64([2]));
    const optimizer = new SGD([p], { lr: 0.25 });
    const loss = optimizer.step(() => {
      optimizer.zeroGrad();
      const value = sum(pow(p, 2));
      value.backward();
      return value.item();
    });
    expect(loss).toBe(4);
    expect(p.data.toArray()).toEqual([1]);
  });
});

describe("the usual mistakes with params get errors that say what to pass", () => {
  // A stand-in for a model: an object with a parameters() method (optim does not depend on nn).
  class Model {
    readonly weight = new Parameter(array([1, 2], "float64"));
    parameters(): Parameter[] {
      return [this.weight];
    }
  }
  const model = new Model();

  it("passing the model itself", () => {
    expect(() => new Adam(model as never)).toThrow(OptimizerError);
    expect(() => new Adam(model as never)).toThrow(
      "Adam: params must be an array of Variables or of param groups, got a Model (pass model.parameters())",
    );
    expect(() => clipGradNorm(model as never, 1)).toThrow(
      /got a Model \(pass model.parameters\(\)\)/,
    );
  });

  it("passing model.parameters without calling it", () => {
    expect(() => new SGD(model.parameters as never, { lr: 0.1 })).toThrow(
      "SGD: params must be an array of Variables or of param groups, got a function parameters (call it: model.parameters())",
    );
  });

  it("passing namedParameters()-style pairs", () => {
    expect(() => new Adam([["weight", model.weight]] as never)).toThrow(
      "Adam: params holds [name, Variable] pairs; pass model.parameters(), not namedParameters()",
    );
  });
});

describe("hook registration", () => {
  it("rejects a non-function, naming the class and the method", () => {
    const opt = new SGD([new Parameter(array([1], "float64"))], { lr: 0.1 });
    expect(() => opt.registerStepPreHook(3 as never)).toThrow(
      "SGD.registerStepPreHook: expected a function, got 3",
    );
    expect(() => opt.registerStepPostHook(null as never)).toThrow(
      "SGD.registerStepPostHook: expected a function, got null",
    );
  });
});
