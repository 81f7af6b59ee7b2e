// stateDict / loadStateDict: resuming after a save reproduces the uninterrupted run exactly,
// as PyTorch's does (the fixture's resume cases), for every optimizer.
import { Parameter, Variable } from "@zerograd/autograd";
import { array, NDArray } from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import { Adam, OptimizerError, type OptimizerStateDictInput, RMSprop, SGD } from "../src/index";
import {
  f64,
  fixture,
  makeOptimizer,
  maxAbsDiff,
  objective,
  run,
  type TrajectoryCase,
} from "./fixture";

/** A state dict as JSON text would carry it: buffers as nested arrays. */
function throughJson<T>(dict: T): OptimizerStateDictInput<object> {
  return JSON.parse(JSON.stringify(dict, (_, v) => (v instanceof NDArray ? v.toArray() : v)));
}

function resumed(testCase: TrajectoryCase, splitAt: number, json: boolean) {
  const { params, loss } = objective(testCase.objective);
  let optimizer = makeOptimizer(testCase, params);
  const first = run(optimizer, params, loss, splitAt);
  const saved = optimizer.stateDict();
  optimizer = makeOptimizer(testCase, params);
  optimizer.loadStateDict(json ? throughJson(saved) : saved);
  const second = run(optimizer, params, loss, fixture.steps - splitAt);
  return {
    saved,
    losses: [...first.losses, ...second.losses],
    params: Object.fromEntries(
      Object.keys(params).map((n) => [
        n,
        [...(first.params[n] ?? []), ...(second.params[n] ?? [])],
      ]),
    ),
  };
}

function uninterrupted(testCase: TrajectoryCase) {
  const { params, loss } = objective(testCase.objective);
  return run(makeOptimizer(testCase, params), params, loss, fixture.steps);
}

describe("the fixture's resume cases", () => {
  it.each(fixture.resume.map((c) => [c.name, c] as const))("%s", (_, testCase) => {
    expect(testCase.splitAt).toBe(10);
    const run = resumed(testCase, 10, true);
    // Our resumed run equals our uninterrupted run bit for bit, and PyTorch's run.
    expect(run).toMatchObject(uninterrupted(testCase));
    let err = 0;
    run.losses.forEach((v, i) => {
      err = Math.max(err, Math.abs(v - (testCase.losses[i] as number)));
    });
    for (const [name, values] of Object.entries(run.params)) {
      values.forEach((v, i) => {
        err = Math.max(err, maxAbsDiff(v, testCase.params[name]?.[i] ?? Number.NaN));
      });
    }
    expect(err).toBeLessThan(1e-6);
    // The state saved after 10 steps is PyTorch's (camelCase names, step as a number).
    const torchState = (
      testCase as unknown as { torchStateAfterSplit: Record<string, Record<string, unknown>> }
    ).torchStateAfterSplit;
    const names = testCase.paramGroups.flatMap((g) => g.params);
    names.forEach((name, index) => {
      const ours = run.saved.state[index] ?? {};
      const theirs = torchState[name] ?? {};
      expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
      for (const [key, value] of Object.entries(theirs)) {
        const mine = ours[key];
        const nested = mine instanceof NDArray ? mine.toArray() : (mine as number);
        expect(maxAbsDiff(nested, value as number)).toBeLessThan(1e-9);
      }
    });
  });
});

describe("every optimizer resumes exactly", () => {
  const cases = fixture.optimizers.filter((c) => c.objective === "leastSquares");
  it.each(
    cases.flatMap((c) => [[c.name, c, false] as const, [`${c.name} via JSON`, c, true] as const]),
  )("%s", (_, testCase, json) => {
    const expected = uninterrupted(testCase);
    for (const splitAt of [1, 10]) {
      expect(resumed(testCase, splitAt, json)).toMatchObject(expected);
    }
  });
});

describe("stateDict", () => {
  it("is a snapshot in PyTorch's layout: param indices over all groups, options resolved", () => {
    const a = new Parameter(f64([1, 2]));
    const b = new Parameter(f64([3]));
    const optimizer = new Adam([{ params: [a] }, { params: [b], lr: 0.5 }]);
    a.grad = new Variable(f64([1, 1]), { requiresGrad: false });
    optimizer.step();
    const dict = optimizer.stateDict();
    expect(dict.paramGroups).toEqual([
      {
        lr: 1e-3,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: false,
        maximize: false,
        params: [0],
      },
      {
        lr: 0.5,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: false,
        maximize: false,
        params: [1],
      },
    ]);
    expect(Object.keys(dict.state)).toEqual(["0"]); // b has no grad, so no state yet
    const expAvg = (dict.state[0] as Record<string, NDArray>).expAvg as NDArray;
    expect(expAvg.toArray()).toEqual([1 - 0.9, 1 - 0.9]); // (1 - beta1) * g
    optimizer.step();
    expect(expAvg.toArray()).toEqual([1 - 0.9, 1 - 0.9]); // unchanged by later steps
    expect(dict.state[0]?.step).toBe(1);
    (dict.paramGroups[0] as { betas: number[] }).betas[0] = 0.5;
    expect(optimizer.paramGroups[0]?.betas).toEqual([0.9, 0.999]);
  });

  it("loading restores the groups' options (e.g. an lr a scheduler had changed)", () => {
    const p = new Parameter(f64([1]));
    const source = new SGD([p], { lr: 0.1, momentum: 0.9 });
    (source.paramGroups[0] as { lr: number }).lr = 0.025;
    const target = new SGD([p], { lr: 0.1 });
    const group = target.paramGroups[0];
    target.loadStateDict(source.stateDict());
    expect(target.paramGroups[0]).toBe(group);
    expect(target.paramGroups[0]).toMatchObject({ lr: 0.025, momentum: 0.9 });
    expect(target.paramGroups[0]?.params[0]).toBe(p);
  });

  it("casts loaded buffers to the parameter's dtype", () => {
    const p = new Parameter(array([1, 2], { dtype: "float32" }));
    const optimizer = new RMSprop([p]);
    optimizer.loadStateDict({
      state: { 0: { step: 3, squareAvg: [0.5, 0.25] } },
      paramGroups: [{ params: [0] }],
    });
    const state = optimizer.state.get(p);
    expect(state?.step).toBe(3);
    expect(state?.squareAvg.dtype).toBe("float32");
    expect(state?.squareAvg.toArray()).toEqual([0.5, 0.25]);
  });
});

describe("loadStateDict rejects a dict that does not fit, changing nothing", () => {
  const setup = () => {
    const a = new Parameter(f64([1, 2]));
    const b = new Parameter(f64([3]));
    const optimizer = new Adam([{ params: [a] }, { params: [b] }], { amsgrad: true });
    a.grad = new Variable(f64([1, -1]), { requiresGrad: false });
    b.grad = new Variable(f64([2]), { requiresGrad: false });
    optimizer.step();
    return optimizer;
  };
  const mutate = (
    edit: (dict: {
      state: Record<number, Record<string, unknown>>;
      paramGroups: Record<string, unknown>[];
    }) => void,
  ) => {
    const dict = throughJson(setup().stateDict()) as unknown as Parameters<typeof edit>[0];
    edit(dict);
    return dict;
  };
  const cases: [string, ReturnType<typeof mutate> | null, RegExp][] = [
    ["not an object", null, /expected an object with paramGroups and state/],
    [
      "a group fewer",
      mutate((d) => d.paramGroups.pop()),
      /the dict has 1 param group\(s\), the optimizer 2/,
    ],
    [
      "a group of another size",
      mutate((d) => {
        (d.paramGroups[0] as { params: number[] }).params.push(7);
      }),
      /param group 0 has 2 parameter\(s\) in the dict and 1 in the optimizer/,
    ],
    [
      "an unknown option",
      mutate((d) => {
        (d.paramGroups[1] as Record<string, unknown>).momentum = 0.9;
      }),
      /unknown option 'momentum' in param group 1/,
    ],
    [
      "an invalid option",
      mutate((d) => {
        (d.paramGroups[1] as Record<string, unknown>).lr = -1;
      }),
      /lr in param group 1 must be a finite number >= 0, got -1/,
    ],
    [
      "a state for no parameter",
      mutate((d) => {
        d.state[5] = { step: 1 };
      }),
      /state has an entry for parameter 5, which no group has/,
    ],
    [
      "a buffer of the wrong shape",
      mutate((d) => {
        (d.state[0] as Record<string, unknown>).expAvg = [1, 2, 3];
      }),
      /state of parameter 0 has expAvg of shape \[3\], the parameter \[2\]/,
    ],
    [
      "a missing buffer",
      mutate((d) => {
        delete (d.state[1] as Record<string, unknown>).maxExpAvgSq;
      }),
      /state of parameter 1 lacks 'maxExpAvgSq'/,
    ],
    [
      "an unknown entry",
      mutate((d) => {
        (d.state[1] as Record<string, unknown>).momentumBuffer = [0];
      }),
      /state of parameter 1 has an unknown entry 'momentumBuffer'/,
    ],
    [
      "a bad step count",
      mutate((d) => {
        (d.state[1] as Record<string, unknown>).step = "1";
      }),
      /has step = "1"; expected a non-negative count/,
    ],
  ];
  it.each(cases)("%s", (_, dict, message) => {
    const optimizer = setup();
    const before = throughJson(optimizer.stateDict());
    const groups = [...optimizer.paramGroups];
    expect(() =>
      optimizer.loadStateDict(dict as unknown as OptimizerStateDictInput<object>),
    ).toThrow(OptimizerError);
    expect(() =>
      optimizer.loadStateDict(dict as unknown as OptimizerStateDictInput<object>),
    ).toThrow(message);
    expect(throughJson(optimizer.stateDict())).toEqual(before);
    expect(optimizer.paramGroups).toEqual(groups);
  });
});
