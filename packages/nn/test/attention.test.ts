// layerNorm, gelu, silu, softplus, embedding, scaled dot-product attention and
// MultiheadAttention: values and gradients against PyTorch 1.13 (fixtures/attention.json, from
// generate_attention.py), gradCheck in float64 on contiguous and strided inputs, layers, errors.
import {
  add,
  enableGrad,
  grad,
  gradCheck,
  mul,
  sum,
  Variable,
  type VariableLike,
} from "@zerograd/autograd";
import {
  array,
  DTypeError,
  IndexError,
  type NDArray,
  Random,
  ShapeError,
  zeros,
} from "@zerograd/ndarray";
import { afterAll, describe, expect, it } from "vitest";
import {
  Embedding,
  embedding,
  GELU,
  gelu,
  Layer,
  LayerNorm,
  layerNorm,
  MultiheadAttention,
  NNError,
  SiLU,
  scaledDotProductAttention,
  silu,
  softplus,
} from "../src/index";
import { checkParameterGrads, ErrorLog, fixture, maxAbsError } from "./helpers";

interface Tensor {
  shape: number[];
  values: number[];
  dtype?: string;
}

interface OpCase {
  name: string;
  fn: string;
  args: Record<string, unknown>;
  inputs: Tensor[];
  output: Tensor;
  weight: Tensor;
  grads: (Tensor | null)[];
  indices?: Tensor;
  mask?: Tensor;
}

interface MhaCase {
  name: string;
  options: { batchFirst: boolean; bias: boolean };
  average: boolean;
  masks: { isCausal?: boolean; keyPaddingMask?: Tensor; attnMask?: Tensor };
  state: Record<string, Tensor>;
  inputs: Tensor[];
  output: Tensor;
  weights: Tensor;
  rOutput: Tensor;
  rWeights: Tensor;
  grads: Tensor[];
  paramGrads: Record<string, Tensor>;
}

interface Fixture {
  torchVersion: string;
  functional: OpCase[];
  embedding: OpCase[];
  attention: OpCase[];
  mha: MhaCase[];
}

const data = fixture<Fixture>("attention.json");
const log = new ErrorLog();
afterAll(() => console.log(`worst errors vs PyTorch ${data.torchVersion}:\n${log}`));

const f64 = (t: Tensor): NDArray => array(Float64Array.from(t.values), { shape: t.shape });
const mask = (t: Tensor): NDArray =>
  t.dtype === "bool" ? array(Uint8Array.from(t.values), { shape: t.shape, dtype: "bool" }) : f64(t);
function error(actual: Variable | NDArray, expected: Tensor): number {
  const a = actual instanceof Variable ? actual.data : actual;
  expect(a.shape).toEqual(expected.shape);
  return maxAbsError(a, f64(expected).toArray() as number[]);
}

type Op = (inputs: Variable[], c: OpCase) => Variable;
const OPS: Record<string, Op> = {
  layerNorm: ([x, w, b], c) =>
    layerNorm(x as Variable, c.args.normalizedShape as number[], w, b, {
      eps: (c.args.eps as number | undefined) ?? 1e-5,
    }),
  gelu: ([x], c) => gelu(x as Variable, { approximate: c.args.approximate as "none" | "tanh" }),
  silu: ([x]) => silu(x as Variable),
  softplus: ([x], c) => softplus(x as Variable, c.args),
  embedding: ([w], c) =>
    embedding(
      array(Int32Array.from((c.indices as Tensor).values), {
        shape: (c.indices as Tensor).shape,
      }),
      w as Variable,
      { paddingIdx: c.args.paddingIdx as number | null },
    ),
  sdpa: ([q, k, v], c) =>
    scaledDotProductAttention(q as Variable, k as Variable, v as Variable, {
      ...c.args,
      attnMask: c.mask ? mask(c.mask) : null,
    }),
};

describe("functional ops match PyTorch", () => {
  for (const group of ["functional", "embedding", "attention"] as const) {
    it.each(data[group].map((c) => [c.name, c] as const))("%s", (_, c) => {
      const inputs = c.inputs.map((t) => new Variable(f64(t)));
      const before = inputs.map((v) => [...v.data.data]);
      const y = (OPS[c.fn] as Op)(inputs, c);
      expect(log.note(`${c.fn} output`, error(y, c.output))).toBeLessThan(1e-8);
      sum(mul(y, f64(c.weight))).backward();
      c.grads.forEach((g, i) => {
        if (g === null) return;
        const v = inputs[i] as Variable;
        expect(log.note(`${c.fn} grads`, error(v.grad as Variable, g))).toBeLessThan(1e-8);
      });
      inputs.forEach((v, i) => {
        expect([...v.data.data]).toEqual(before[i]);
      });
    });
  }
});

describe("MultiheadAttention matches PyTorch, its state dict loaded as is", () => {
  it.each(data.mha.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const mha = new MultiheadAttention(6, 2, { ...c.options, dtype: "float64" });
    expect(Object.keys(mha.stateDict()).sort()).toEqual(Object.keys(c.state).sort());
    mha.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, t]) => [k, f64(t)])));
    const [q, k, v] = c.inputs.map((t) => new Variable(f64(t))) as [Variable, Variable, Variable];
    const [out, weights] = mha.call(q, k, v, {
      isCausal: c.masks.isCausal ?? false,
      keyPaddingMask: c.masks.keyPaddingMask ? mask(c.masks.keyPaddingMask) : null,
      attnMask: c.masks.attnMask ? mask(c.masks.attnMask) : null,
      averageAttnWeights: c.average,
    });
    expect(log.note("MultiheadAttention output", error(out, c.output))).toBeLessThan(1e-8);
    expect(
      log.note("MultiheadAttention weights", error(weights as Variable, c.weights)),
    ).toBeLessThan(1e-8);
    add(sum(mul(out, f64(c.rOutput))), sum(mul(weights as Variable, f64(c.rWeights)))).backward();
    [q, k, v].forEach((x, i) => {
      expect(
        log.note("MultiheadAttention grads", error(x.grad as Variable, c.grads[i] as Tensor)),
      ).toBeLessThan(1e-8);
    });
    const params = Object.fromEntries(
      mha.namedParameters().map(([name, p]) => [name, p.grad as Variable]),
    );
    for (const [key, g] of Object.entries(c.paramGrads)) {
      expect(log.note("MultiheadAttention grads", error(params[key] as Variable, g))).toBeLessThan(
        1e-8,
      );
    }
  });
});

const rng = new Random(17);
const normal = (shape: number[]) => rng.normal(0, 1, shape, { dtype: "float64" });
const strided = (x: NDArray): NDArray => {
  const axes = x.shape.map((_, i) => i).reverse();
  return x.transpose(axes).copy().transpose(axes);
};

describe("gradCheck in float64, contiguous and strided inputs", () => {
  const cases: [string, (...xs: Variable[]) => Variable, NDArray[]][] = [
    [
      "layerNorm",
      (x, w, b) => layerNorm(x, [3, 4], w, b),
      [normal([2, 3, 4]), normal([3, 4]), normal([3, 4])],
    ],
    ["gelu", (x) => gelu(x), [normal([3, 4])]],
    ["gelu tanh", (x) => gelu(x, { approximate: "tanh" }), [normal([3, 4])]],
    ["silu", (x) => silu(x), [normal([3, 4])]],
    ["softplus", (x) => softplus(x, { beta: 2, threshold: 3 }), [normal([3, 4]).mul(3)]],
    [
      "embedding",
      (w) =>
        embedding(
          array(
            [
              [1, 3, 1],
              [0, 1, 2],
            ],
            { dtype: "int32" },
          ),
          w,
        ),
      [normal([4, 3])],
    ],
    [
      "scaledDotProductAttention",
      (q, k, v) => scaledDotProductAttention(q, k, v),
      [normal([2, 3, 4]), normal([2, 5, 4]), normal([2, 5, 3])],
    ],
    [
      "scaledDotProductAttention causal",
      (q, k, v) => scaledDotProductAttention(q, k, v, { isCausal: true }),
      [normal([1, 4, 3]), normal([1, 4, 3]), normal([1, 4, 3])],
    ],
  ];
  for (const [name, f, inputs] of cases) {
    it(name, () => {
      expect(gradCheck(f, inputs)).toBe(true);
      expect(
        gradCheck(
          f,
          inputs.map((x) => (x.ndim >= 2 ? strided(x) : x)),
        ),
      ).toBe(true);
    });
  }

  it("gelu's gradient is differentiable again", () => {
    const g = (x: Variable) =>
      enableGrad(() => grad(sum(gelu(x)), x, { createGraph: true })[0] as Variable);
    expect(gradCheck(g, [normal([2, 3])])).toBe(true);
  });

  it("the layers' parameter gradients match central differences", () => {
    const dtype = "float64";
    class SelfAttention extends Layer {
      mha = new MultiheadAttention(4, 2, { batchFirst: true, dtype, rng: new Random(1) });
      forward(x: VariableLike): Variable {
        return this.mha.call(x, x, x, { isCausal: true })[0];
      }
    }
    expect(checkParameterGrads(new SelfAttention(), normal([2, 3, 4]))).toBeLessThan(1e-6);
    const ln = new LayerNorm(4, { dtype });
    expect(checkParameterGrads(ln, normal([3, 4]))).toBeLessThan(1e-6);
  });
});

describe("layers", () => {
  it("LayerNorm, Embedding and MultiheadAttention have PyTorch's fields and keys", () => {
    expect(Object.keys(new LayerNorm([2, 3]).stateDict())).toEqual(["weight", "bias"]);
    expect(new LayerNorm(3, { elementwiseAffine: false }).parameters()).toHaveLength(0);
    expect(new LayerNorm(3, { bias: false }).bias).toBeNull();
    const emb = new Embedding(5, 3, { paddingIdx: -1, rng: new Random(0) });
    expect(emb.paddingIdx).toBe(4);
    expect([...emb.weight.data.data.subarray(12, 15)]).toEqual([0, 0, 0]);
    expect(emb.call(array([[4, 0]], { dtype: "int32" })).shape).toEqual([1, 2, 3]);
    const mha = new MultiheadAttention(8, 2, { rng: new Random(0) });
    expect(Object.keys(mha.stateDict())).toEqual([
      "in_proj_weight",
      "in_proj_bias",
      "out_proj.weight",
      "out_proj.bias",
    ]);
    expect([...(mha.inProjBias as Variable).data.data].every((v) => v === 0)).toBe(true);
    const bound = Math.sqrt(6 / (8 + 24));
    expect(Math.max(...[...mha.inProjWeight.data.data].map(Math.abs))).toBeLessThanOrEqual(bound);
    const [out, weights] = mha.call(zeros([5, 2, 8]), zeros([4, 2, 8]), zeros([4, 2, 8]));
    expect(out.shape).toEqual([5, 2, 8]);
    expect(weights?.shape).toEqual([2, 5, 4]);
    const [, none] = mha.call(zeros([5, 8]), zeros([5, 8]), zeros([5, 8]), { needWeights: false });
    expect(none).toBeNull();
    expect(new GELU({ approximate: "tanh" }).call(array([1])).shape).toEqual([1]);
    expect(new SiLU().call(array([1])).item()).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
  });

  it("an Embedding's padding row gets no gradient; repeated indices add up", () => {
    const emb = new Embedding(3, 2, { paddingIdx: 0, dtype: "float64", rng: new Random(0) });
    sum(emb.call(array([0, 1, 1, 0], { dtype: "int32" }))).backward();
    expect((emb.weight.grad as Variable).toArray()).toEqual([
      [0, 0],
      [2, 2],
      [0, 0],
    ]);
  });

  it("bad arguments raise typed errors naming the layer or op and the shapes", () => {
    expect(() => new MultiheadAttention(6, 4)).toThrow(
      "MultiheadAttention: embedDim 6 must be divisible by numHeads 4",
    );
    expect(() => new MultiheadAttention(4, 2, { dropout: 1 })).toThrow(NNError);
    expect(() => new Embedding(0, 3)).toThrow(
      "Embedding: numEmbeddings must be a positive integer, got 0",
    );
    expect(() => new Embedding(3, 3, { paddingIdx: 3 })).toThrow(NNError);
    expect(() => new LayerNorm([])).toThrow(NNError);
    expect(() => new GELU({ approximate: "fast" as "tanh" })).toThrow(NNError);
    expect(() => softplus(array([1]), { beta: 0 })).toThrow(NNError);
    const x = normal([2, 3]);
    const before = [...x.data];
    expect(() => layerNorm(x, [4])).toThrow(
      "layerNorm: input [2,3] does not end with normalizedShape [4]",
    );
    expect(() => layerNorm(x, [3], zeros([2]))).toThrow(ShapeError);
    expect(() => embedding(array([0.5]), zeros([3, 2]))).toThrow(DTypeError);
    expect(() => embedding(array([3], { dtype: "int32" }), zeros([3, 2]))).toThrow(
      "embedding: index 3 at flat position 0 is out of range for 3 embeddings (indices [1], weight [3,2])",
    );
    expect(() => embedding(array([3], { dtype: "int32" }), zeros([3, 2]))).toThrow(IndexError);
    expect(() =>
      scaledDotProductAttention(zeros([2, 3, 4]), zeros([2, 5, 3]), zeros([2, 5, 4])),
    ).toThrow(
      "scaledDotProductAttention: k must be [..., S, 4] and v [..., S, Ev] with the same S (q [2,3,4], k [2,5,3], v [2,5,4])",
    );
    expect(() =>
      scaledDotProductAttention(zeros([3, 4]), zeros([5, 4]), zeros([5, 4]), {
        attnMask: zeros([2, 2], "bool"),
      }),
    ).toThrow("scaledDotProductAttention: attnMask [2,2] does not broadcast to the scores [3,5]");
    const mha = new MultiheadAttention(4, 2);
    expect(() => mha.call(zeros([3, 2, 5]), zeros([3, 2, 5]), zeros([3, 2, 5]))).toThrow(
      ShapeError,
    );
    expect(() =>
      mha.call(zeros([3, 2, 4]), zeros([3, 2, 4]), zeros([3, 2, 4]), {
        keyPaddingMask: zeros([3, 2], "bool"),
      }),
    ).toThrow("MultiheadAttention: keyPaddingMask [3,2] must be [2, 3]");
    expect([...x.data]).toEqual(before);
  });
});
