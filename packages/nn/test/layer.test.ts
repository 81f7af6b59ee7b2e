import { Parameter, Variable, type VariableLike } from "@zerograd/autograd";
import {
  array,
  arrayEqual,
  copy,
  type NDArray,
  ones,
  Random,
  ShapeError,
  zeros,
} from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import {
  BatchNorm1d,
  Buffer,
  Dropout,
  fieldKey,
  Layer,
  Linear,
  MLP,
  NNError,
  ReLU,
  relu,
  Sequential,
  StateDictError,
} from "../src/index";
import { fixture } from "./helpers";

const rng = () => new Random(7);

/** A layer with every kind of field, in a deliberate order. */
class Custom extends Layer {
  scale = new Parameter(ones([2]));
  hiddenLayer = new Linear(2, 3, { rng: rng() });
  note = "not a part";
  heads = [new Linear(3, 1, { rng: rng() }), new Linear(3, 1, { bias: false, rng: rng() })];
  stepCount = new Buffer(zeros([], "int32"));
  cache: NDArray | null = null;

  forward(x: VariableLike): Variable {
    return this.hiddenLayer.call(x);
  }
}

describe("Layer finds its parts in field order", () => {
  it("names nested Sequential and MLP parameters with dotted paths", () => {
    const model = new Sequential(
      new Linear(2, 3, { rng: rng() }),
      new ReLU(),
      new Sequential(new Linear(3, 4, { rng: rng() }), new MLP([4, 5, 1], { rng: rng() })),
    );
    expect(model.namedParameters().map(([name]) => name)).toEqual([
      "layers.0.weight",
      "layers.0.bias",
      "layers.2.layers.0.weight",
      "layers.2.layers.0.bias",
      "layers.2.layers.1.layers.0.weight",
      "layers.2.layers.1.layers.0.bias",
      "layers.2.layers.1.layers.1.weight",
      "layers.2.layers.1.layers.1.bias",
    ]);
    const inner = model.layers[2] as Sequential;
    const mlp = inner.layers[1] as MLP;
    expect(model.parameters()).toEqual([
      (model.layers[0] as Linear).weight,
      (model.layers[0] as Linear).bias,
      (inner.layers[0] as Linear).weight,
      (inner.layers[0] as Linear).bias,
      mlp.layers[0]?.weight,
      mlp.layers[0]?.bias,
      mlp.layers[1]?.weight,
      mlp.layers[1]?.bias,
    ]);
    expect(model.children()).toEqual(model.layers);
  });

  it("takes fields in declaration order, arrays by index, and names them in snake_case", () => {
    const layer = new Custom();
    expect(layer.namedParameters().map(([name]) => name)).toEqual([
      "scale",
      "hidden_layer.weight",
      "hidden_layer.bias",
      "heads.0.weight",
      "heads.0.bias",
      "heads.1.weight",
    ]);
    expect(Object.keys(layer.stateDict())).toEqual([
      "scale",
      "hidden_layer.weight",
      "hidden_layer.bias",
      "heads.0.weight",
      "heads.0.bias",
      "heads.1.weight",
      "step_count",
    ]);
    expect(layer.namedBuffers().map(([name]) => name)).toEqual(["step_count"]);
    expect(layer.children()).toEqual([layer.hiddenLayer, ...layer.heads]);
  });

  it("finds exactly the fields the README lists, and nothing in other containers", () => {
    const part = (name: string) => new Parameter(ones([1]), { name });
    class Hidden extends Layer {
      // found: own enumerable fields holding a Parameter, Buffer, Layer or an array of them
      // (TypeScript's `private` and `readonly` are ordinary fields)
      private readonly tsPrivate = part("tsPrivate");
      mixed = [new Linear(1, 1, { bias: false, rng: rng() }), "skipped", part("inArray")];
      // not found
      #hashPrivate = part("hashPrivate");
      nested = [[part("nested")]];
      map = new Map([["a", part("map")]]);
      plain = { inner: new Linear(1, 1, { rng: rng() }) };
      variable = new Variable(ones([1]));
      nothing: Parameter | null = null;

      constructor() {
        super();
        Object.defineProperty(this, "hiddenField", { value: part("nonEnumerable") });
        (this as unknown as Record<symbol, Parameter>)[Symbol("s")] = part("symbol");
      }

      get viaGetter(): Parameter {
        return this.#hashPrivate;
      }

      forward(x: VariableLike): Variable {
        return relu(x).mul(this.tsPrivate);
      }
    }
    const layer = new Hidden();
    expect(Object.keys(layer.stateDict())).toEqual(["ts_private", "mixed.0.weight", "mixed.2"]);
    expect(layer.children()).toEqual([layer.mixed[0]]);
  });

  it("fieldKey turns camelCase into PyTorch's snake_case", () => {
    expect(fieldKey("weight")).toBe("weight");
    expect(fieldKey("runningMean")).toBe("running_mean");
    expect(fieldKey("numBatchesTracked")).toBe("num_batches_tracked");
    expect(fieldKey("weightIhL0")).toBe("weight_ih_l0");
  });

  it("lists a shared parameter once, but keeps both names in the state dict (as PyTorch)", () => {
    const shared = new Linear(2, 2, { rng: rng() });
    const model = new Sequential(shared, new ReLU(), shared);
    expect(model.parameters()).toHaveLength(2);
    expect(model.namedParameters().map(([n]) => n)).toEqual(["layers.0.weight", "layers.0.bias"]);
    expect(Object.keys(model.stateDict())).toEqual([
      "layers.0.weight",
      "layers.0.bias",
      "layers.2.weight",
      "layers.2.bias",
    ]);
  });

  it("rejects a layer that contains itself", () => {
    const outer = new Sequential(new ReLU());
    outer.layers.push(outer);
    expect(() => outer.namedParameters()).toThrow(NNError);
    expect(() => outer.namedParameters()).toThrow(/layers\.1 refers back to an enclosing layer/);
  });

  it("rejects two fields that map to the same key, naming both and the key", () => {
    class Clash extends Layer {
      fooBar = new Parameter(ones([2]));
      foo_bar = new Parameter(zeros([2]));
      forward(x: VariableLike): Variable {
        return relu(x);
      }
    }
    const message = /Clash: the fields fooBar and foo_bar both map to the key foo_bar/;
    const layer = new Clash();
    for (const discover of [
      () => layer.namedParameters(),
      () => layer.parameters(),
      () => layer.stateDict(),
      () => layer.children(),
      () => layer.loadStateDict({}),
    ]) {
      expect(discover).toThrow(NNError);
      expect(discover).toThrow(message);
    }
    // Nested, the message says where the layer sits; an array field clashes too.
    class Holder extends Layer {
      headLayers = [new Linear(1, 1, { rng: rng() })];
      head_layers = new Linear(1, 1, { rng: rng() });
      forward(x: VariableLike): Variable {
        return relu(x);
      }
    }
    const model = new Sequential(new ReLU(), new Holder());
    expect(() => model.stateDict()).toThrow(
      /Holder \(at layers\.1\): the fields headLayers and head_layers both map to the key head_layers/,
    );
  });

  it("lets a clashing field through when it holds no part", () => {
    class Quiet extends Layer {
      fooBar = new Parameter(ones([2]));
      foo_bar: Parameter | null = null;
      forward(x: VariableLike): Variable {
        return relu(x);
      }
    }
    expect(Object.keys(new Quiet().stateDict())).toEqual(["foo_bar"]);
  });

  it("call and forward give the same result", () => {
    const layer = new Linear(3, 2, { rng: rng() });
    const x = new Random(1).normal(0, 1, [4, 3]);
    expect(arrayEqual(layer.call(x).data, layer.forward(x).data)).toBe(true);
  });

  it("a layer can name other inputs and outputs (a tuple in, a tuple out)", () => {
    class Pair extends Layer<
      [x: VariableLike, state?: [VariableLike, VariableLike]],
      [Variable, Variable]
    > {
      inner = new Linear(2, 2, { rng: rng() });
      forward(x: VariableLike, state?: [VariableLike, VariableLike]): [Variable, Variable] {
        const y = this.inner.call(x);
        return state === undefined ? [y, y] : [y.add(state[0]), y.add(state[1])];
      }
    }
    const pair = new Pair();
    const [a, b]: [Variable, Variable] = pair.call(ones([1, 2]), [ones([1, 2]), zeros([1, 2])]);
    expect(a.data.sub(b.data).toArray()).toEqual([[1, 1]]);
    expect(pair.call(ones([1, 2]))[0].shape).toEqual([1, 2]);
    // @ts-expect-error: the state is a pair, not one array
    expect(() => pair.call(ones([1, 2]), ones([1, 2]))).toThrow();
    // The walkers see it like any layer; Sequential's type only takes Variable-to-Variable layers.
    class Holder extends Layer {
      pair = new Pair();
      forward(x: VariableLike): Variable {
        return this.pair.call(x)[0];
      }
    }
    const holder = new Holder();
    expect(holder.children()).toEqual([holder.pair]);
    expect(Object.keys(holder.stateDict())).toEqual(["pair.inner.weight", "pair.inner.bias"]);
    expect(holder.eval().pair.training).toBe(false);
    // @ts-expect-error: Sequential chains layers of one Variable to one Variable
    new Sequential(new Pair());
  });
});

describe("zeroGrad, train and eval", () => {
  it("zeroGrad clears every gradient", () => {
    const model = new MLP([2, 3, 1], { rng: rng() });
    model
      .call(ones([4, 2]))
      .sum()
      .backward();
    expect(model.parameters().every((p) => p.grad !== null)).toBe(true);
    model.zeroGrad();
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it("train/eval propagate to every sub-layer and return the layer", () => {
    const dropout = new Dropout(0.5, { rng: rng() });
    const bn = new BatchNorm1d(3);
    const model = new Sequential(new Linear(2, 3, { rng: rng() }), new Sequential(bn, dropout));
    const all = [model, ...model.children(), bn, dropout];
    expect(all.every((l) => l.training)).toBe(true);
    expect(model.eval()).toBe(model);
    expect(all.every((l) => !l.training)).toBe(true);
    expect(model.train()).toBe(model);
    expect(all.every((l) => l.training)).toBe(true);
    model.train(false);
    expect(all.some((l) => l.training)).toBe(false);
  });
});

describe("stateDict and loadStateDict", () => {
  it("round-trips into a fresh model, in place", () => {
    const source = new Sequential(new Linear(2, 3, { rng: new Random(1) }), new BatchNorm1d(3));
    source.call(new Random(2).normal(0, 1, [5, 2])); // moves the running statistics
    const target = new Sequential(new Linear(2, 3, { rng: new Random(9) }), new BatchNorm1d(3));
    const weight = (target.layers[0] as Linear).weight;
    const weightArray = weight.data;
    const dict = source.stateDict();
    expect(Object.keys(dict)).toEqual([
      "layers.0.weight",
      "layers.0.bias",
      "layers.1.weight",
      "layers.1.bias",
      "layers.1.running_mean",
      "layers.1.running_var",
      "layers.1.num_batches_tracked",
    ]);
    expect(target.loadStateDict(dict)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    for (const [key, value] of Object.entries(target.stateDict())) {
      expect(arrayEqual(value, dict[key] as NDArray), key).toBe(true);
      expect(value).not.toBe(dict[key]); // copied, not shared
    }
    expect(weight.data).toBe(weightArray); // same array object: optimizers keep working
    expect((target.layers[1] as BatchNorm1d).numBatchesTracked.data.item()).toBe(1);
  });

  it("stateDict gives the live arrays", () => {
    const layer = new Linear(2, 2, { rng: rng() });
    expect(layer.stateDict().weight).toBe(layer.weight.data);
    expect(Object.keys(new Linear(2, 2, { bias: false }).stateDict())).toEqual(["weight"]);
  });

  it("casts to each parameter's dtype (PyTorch's copy_)", () => {
    const layer = new Linear(2, 1, { rng: rng() });
    layer.loadStateDict({
      weight: array([[0.1, 0.2]], { dtype: "float64" }),
      bias: array([3], { dtype: "int32" }),
    });
    expect(layer.weight.dtype).toBe("float32");
    expect(layer.weight.data.toArray()).toEqual([[Math.fround(0.1), Math.fround(0.2)]]);
    expect(layer.bias?.data.toArray()).toEqual([3]);
  });

  it("lists missing and unexpected keys and wrong shapes, and changes nothing", () => {
    const layer = new Sequential(
      new Linear(2, 3, { rng: rng() }),
      new Linear(3, 1, { rng: rng() }),
    );
    const before = Object.values(layer.stateDict()).map((a) => copy(a));
    const dict = {
      "layers.0.weight": zeros([3, 2]),
      "layers.0.bias": zeros([2]),
      "layers.1.weight": zeros([1, 3]),
      "layers.2.weight": zeros([1]),
      extra: zeros([1]),
    };
    let error: StateDictError | undefined;
    try {
      layer.loadStateDict(dict);
    } catch (e) {
      error = e as StateDictError;
    }
    expect(error).toBeInstanceOf(StateDictError);
    expect(error?.message).toBe(
      "Sequential.loadStateDict: missing keys: layers.1.bias; unexpected keys: layers.2.weight, extra; layers.0.bias: the layer has shape [3], the dict [2]",
    );
    expect(error?.missingKeys).toEqual(["layers.1.bias"]);
    expect(error?.unexpectedKeys).toEqual(["layers.2.weight", "extra"]);
    expect(error?.mismatchedKeys).toEqual(["layers.0.bias"]);
    Object.values(layer.stateDict()).forEach((a, i) => {
      expect(arrayEqual(a, before[i] as NDArray)).toBe(true);
    });
  });

  it("non-strict loading skips missing and unexpected keys but not wrong shapes", () => {
    const layer = new Linear(2, 1, { rng: rng() });
    const result = layer.loadStateDict(
      { weight: ones([1, 2]), other: ones([3]) },
      { strict: false },
    );
    expect(result).toEqual({ missingKeys: ["bias"], unexpectedKeys: ["other"] });
    expect(layer.weight.data.toArray()).toEqual([[1, 1]]);
    expect(() => layer.loadStateDict({ weight: ones([2, 1]) }, { strict: false })).toThrow(
      "Linear.loadStateDict: weight: the layer has shape [1,2], the dict [2,1]",
    );
    expect(() =>
      layer.loadStateDict({ weight: [[1, 2]] as unknown as NDArray, bias: ones([1]) }),
    ).toThrow("weight: expected an NDArray, got a JS array");
    expect(() => layer.loadStateDict(null as unknown as Record<string, NDArray>)).toThrow(
      TypeError,
    );
  });

  it("writes into a non-contiguous parameter by replacing its array", () => {
    const layer = new Linear(2, 2, { rng: rng() });
    layer.weight.data = layer.weight.data.T;
    layer.loadStateDict({
      weight: array([
        [1, 2],
        [3, 4],
      ]),
      bias: zeros([2]),
    });
    expect(layer.weight.data.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});

describe("Linear", () => {
  interface Bound {
    inFeatures: number;
    outFeatures: number;
    weightBound: number;
    biasBound: number;
  }
  const bounds = fixture<{ linear: { initBounds: Bound[] } }>("nn.json").linear.initBounds;

  it.each(bounds.map((b) => [b.inFeatures, b.outFeatures, b] as const))(
    "Linear(%i, %i) draws from PyTorch's U(−1/√in, 1/√in)",
    (inFeatures, outFeatures, b) => {
      const layer = new Linear(inFeatures, outFeatures, { rng: new Random(inFeatures) });
      expect(layer.weight.shape).toEqual([outFeatures, inFeatures]);
      expect(layer.bias?.shape).toEqual([outFeatures]);
      expect(layer.weight.dtype).toBe("float32");
      const w = layer.weight.data.abs().max().item();
      const bias = (layer.bias as Parameter).data.abs().max().item();
      expect(w).toBeLessThanOrEqual(b.weightBound * (1 + 1e-7));
      expect(bias).toBeLessThanOrEqual(b.biasBound * (1 + 1e-7));
      if (inFeatures * outFeatures >= 1000) {
        expect(w).toBeGreaterThan(0.99 * b.weightBound); // the whole range is used
        // U(−b, b) has standard deviation b/√3
        const std = layer.weight.data.std().item();
        expect(Math.abs(std / (b.weightBound / Math.sqrt(3)) - 1)).toBeLessThan(0.02);
      }
      // the draw is exactly uniform(−bound, bound) for the weight, then for the bias
      const again = new Random(inFeatures);
      const bound = 1 / Math.sqrt(inFeatures);
      expect(
        arrayEqual(layer.weight.data, again.uniform(-bound, bound, [outFeatures, inFeatures])),
      ).toBe(true);
      expect(
        arrayEqual((layer.bias as Parameter).data, again.uniform(-bound, bound, [outFeatures])),
      ).toBe(true);
    },
  );

  it("is reproducible with a seeded rng and differs without one", () => {
    const a = new Linear(5, 4, { rng: new Random(3) });
    const b = new Linear(5, 4, { rng: new Random(3) });
    expect(arrayEqual(a.weight.data, b.weight.data)).toBe(true);
    const c = new Linear(5, 4);
    const d = new Linear(5, 4);
    expect(arrayEqual(c.weight.data, d.weight.data)).toBe(false);
  });

  it("takes dtype and bias options and rejects bad sizes and inputs", () => {
    const layer = new Linear(3, 2, { dtype: "float64", bias: false, rng: rng() });
    expect(layer.weight.dtype).toBe("float64");
    expect(layer.bias).toBeNull();
    expect(layer.parameters()).toEqual([layer.weight]);
    expect(() => new Linear(2.5, 2)).toThrow(NNError);
    expect(() => new Linear(2, -1)).toThrow(
      "Linear: outFeatures must be a non-negative integer, got -1",
    );
    expect(() => layer.call(ones([4, 5]))).toThrow(ShapeError);
    expect(() => layer.call(ones([4, 5]))).toThrow(
      "linear: the last axis of x must have the weight's 3 input features (x [4,5], weight [2,3])",
    );
  });

  it("gives the weight a contiguous [out, in] gradient", () => {
    const layer = new Linear(3, 2, { rng: rng() });
    layer
      .call(ones([4, 3]))
      .sum()
      .backward();
    const g = (layer.weight.grad as Variable).data;
    expect(g.shape).toEqual([2, 3]);
    expect(g.strides).toEqual([3, 1]);
    expect(g.toArray()).toEqual([
      [4, 4, 4],
      [4, 4, 4],
    ]);
  });
});

describe("MLP and Sequential", () => {
  it("MLP puts the activation between layers and not after the last", () => {
    const calls: number[][] = [];
    const mlp = new MLP([2, 4, 3, 1], {
      rng: rng(),
      activation: (v) => {
        calls.push([...v.shape]);
        return v;
      },
    });
    expect(mlp.layers.map((l) => [l.inFeatures, l.outFeatures])).toEqual([
      [2, 4],
      [4, 3],
      [3, 1],
    ]);
    expect(mlp.call(ones([5, 2])).shape).toEqual([5, 1]);
    expect(calls).toEqual([
      [5, 4],
      [5, 3],
    ]);
    expect(() => new MLP([3])).toThrow(NNError);
    // the default activation is relu: negative pre-activations give 0 before the last layer
    const relu = new MLP([1, 1, 1], { dtype: "float64", rng: rng() });
    relu.loadStateDict({
      "layers.0.weight": array([[-1]]),
      "layers.0.bias": array([0]),
      "layers.1.weight": array([[1]]),
      "layers.1.bias": array([0.5]),
    });
    expect(relu.call(array([[2]], { dtype: "float64" })).data.toArray()).toEqual([[0.5]]);
  });

  it("Sequential without layers is the identity; it rejects non-layers", () => {
    const x = new Variable(ones([2]));
    expect(new Sequential().call(x)).toBe(x);
    expect(() => new Sequential(new ReLU(), {} as Layer)).toThrow(
      "Sequential: argument 1 is not a Layer",
    );
  });
});

describe("BatchNorm1d options", () => {
  it("rejects a momentum that is not a number in [0, 1], naming the option and value", () => {
    for (const [momentum, shown] of [
      [null, "null"],
      [-0.1, "-0.1"],
      [1.5, "1.5"],
      [Number.NaN, "NaN"],
      [Number.POSITIVE_INFINITY, "Infinity"],
      ["0.1", '"0.1"'],
    ] as const) {
      const build = () => new BatchNorm1d(3, { momentum: momentum as unknown as number });
      expect(build).toThrow(NNError);
      expect(build).toThrow(
        `BatchNorm1d: momentum must be a finite number in [0, 1], got ${shown}`,
      );
    }
    // PyTorch's momentum=None (a cumulative average) is not supported, and the error says so.
    expect(() => new BatchNorm1d(3, { momentum: null as unknown as number })).toThrow(
      /got null \(PyTorch's momentum=None, a cumulative moving average, is not supported\)/,
    );
  });

  it("accepts momentum 0 and 1 at the ends of the range", () => {
    const x = array([
      [1, 2],
      [3, 6],
    ]);
    const frozen = new BatchNorm1d(2, { momentum: 0 });
    frozen.call(x);
    expect(frozen.runningMean.data.toArray()).toEqual([0, 0]);
    const latest = new BatchNorm1d(2, { momentum: 1 });
    latest.call(x);
    expect(latest.runningMean.data.toArray()).toEqual([2, 4]);
  });

  it("rejects an eps that is not a positive finite number", () => {
    for (const [eps, shown] of [
      [0, "0"],
      [-1e-5, "-0.00001"],
      [Number.NaN, "NaN"],
      [Number.POSITIVE_INFINITY, "Infinity"],
      [null, "null"],
    ] as const) {
      const build = () => new BatchNorm1d(3, { eps: eps as unknown as number });
      expect(build).toThrow(NNError);
      expect(build).toThrow(`BatchNorm1d: eps must be a positive finite number, got ${shown}`);
    }
  });

  it("rejects a numFeatures that is not a positive integer", () => {
    for (const n of [0, -2, 2.5, Number.NaN]) {
      expect(() => new BatchNorm1d(n)).toThrow(
        `BatchNorm1d: numFeatures must be a positive integer, got ${n}`,
      );
    }
  });
});
