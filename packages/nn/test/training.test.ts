// The seeds' training loops, as tests. The SGD steps are written by hand: nn does not depend
// on @zerograd/optim.
import { noGrad, type Parameter, type Variable } from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { array, NDArray, Random } from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import { accuracy, crossEntropy, Linear, MLP, mseLoss, Sequential } from "../src/index";

/** p ← p − lr·∇p, in place. */
function sgdStep(parameters: Parameter[], lr: number): void {
  noGrad(() => {
    for (const p of parameters) {
      if (p.grad !== null) nd.sub(p.data, nd.mul(p.grad.data, lr), { out: p.data });
    }
  });
}

/**
 * The book's spiral (DeZero's `get_spiral`): `perClass` points on each of `classes` arms,
 * point i of arm j at radius i/perClass and angle 4j + 4·i/perClass + N(0, 0.2²), shuffled.
 */
function spiral(rng: Random, perClass = 100, classes = 3): { x: NDArray; t: NDArray } {
  const n = perClass * classes;
  const x = new Float32Array(n * 2);
  const t = new Int32Array(n);
  for (let j = 0; j < classes; j++) {
    for (let i = 0; i < perClass; i++) {
      const rate = i / perClass;
      const theta = j * 4 + 4 * rate + (rng.normal(0, 0.2).item() as number);
      const k = perClass * j + i;
      x[2 * k] = rate * Math.sin(theta);
      x[2 * k + 1] = rate * Math.cos(theta);
      t[k] = j;
    }
  }
  const order = rng.permutation(n);
  return { x: nd.take(new NDArray(x, [n, 2]), order, 0), t: nd.take(new NDArray(t, [n]), order) };
}

describe("training loops converge", () => {
  it("XOR-like regression with Sequential(Linear(2, 3), Linear(3, 1)): the loss falls at every step", () => {
    const rng = new Random(0);
    const model = new Sequential(
      new Linear(2, 3, { dtype: "float64", rng }),
      new Linear(3, 1, { dtype: "float64", rng }),
    );
    const x = array(
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      { dtype: "float64" },
    );
    const y = array([[0], [1], [1], [0]], { dtype: "float64" });
    const losses: number[] = [];
    for (let step = 0; step < 10; step++) {
      const loss = mseLoss(model.call(x), y);
      losses.push(loss.item());
      model.zeroGrad();
      loss.backward();
      sgdStep(model.parameters(), 0.1);
    }
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1] as number);
    expect(losses[9]).toBeLessThan(0.9 * (losses[0] as number));
  });

  it("a 3-class spiral classifier reaches at least 95% training accuracy", () => {
    const { x, t } = spiral(new Random(1984));
    expect(x.shape).toEqual([300, 2]);
    const model = new MLP([2, 32, 3], { rng: new Random(1) });
    const parameters = model.parameters();
    const velocity = parameters.map((p) => nd.zerosLike(p.data));
    const lr = 0.2;
    const momentum = 0.9;
    let loss: Variable | null = null;
    for (let epoch = 0; epoch < 500; epoch++) {
      loss = crossEntropy(model.call(x), t);
      model.zeroGrad();
      loss.backward();
      noGrad(() => {
        parameters.forEach((p, i) => {
          const v = velocity[i] as NDArray;
          nd.add(nd.mul(v, momentum, { out: v }), (p.grad as Variable).data, { out: v });
          nd.sub(p.data, nd.mul(v, lr), { out: p.data });
        });
      });
    }
    const trained = accuracy(
      noGrad(() => model.call(x)),
      t,
    );
    console.log(`spiral: loss ${loss?.item().toFixed(4)}, training accuracy ${trained}`);
    expect(trained).toBeGreaterThanOrEqual(0.95);
  });
});
