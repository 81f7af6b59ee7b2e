// The transformer layers (Embedding, LayerNorm, GELU, MultiheadAttention) and the names demo's
// GPT, exported and run in onnxruntime-node at batch sizes other than the traced one, against
// zerograd's eval-mode output. Token inputs are int32 NDArrays, passed through to forward as
// they are. The max |difference| per case is printed at the end (README.md quotes it).

import type { Variable, VariableLike } from "@zerograd/autograd";
import * as ag from "@zerograd/autograd";
import { arange, type NDArray, Random } from "@zerograd/ndarray";
import * as nn from "@zerograd/nn";
import { afterAll, describe, expect, it } from "vitest";
import { decodeOnnx, OnnxExportError, toOnnx } from "../src/index";
import { maxAbs, maxAbsDiff, runOrt, zerogradOutputs } from "./ort";

/** Self-attention as one layer (query = key = value), returning the attended values only. */
class SelfAttention extends nn.Layer {
  attention: nn.MultiheadAttention;

  constructor(
    embed: number,
    heads: number,
    readonly options: { batchFirst: boolean; isCausal: boolean; needWeights?: boolean },
    rng: Random,
  ) {
    super();
    this.attention = new nn.MultiheadAttention(embed, heads, {
      batchFirst: options.batchFirst,
      rng,
    });
    // Non-zero biases, so a wrong slice of inProjBias would show.
    this.attention.inProjBias?.data.data.set(rng.normal(0, 0.5, [3 * embed]).toTypedArray());
  }

  forward(x: VariableLike): Variable {
    const { isCausal, needWeights = false } = this.options;
    const [y, weights] = this.attention.call(x, x, x, { isCausal, needWeights });
    return (weights === null ? y : [y, weights]) as Variable;
  }
}

/** The names demo's block (apps/demo/src/names-gpt.ts): pre-LayerNorm, causal, residual. */
class Block extends nn.Layer {
  ln1: nn.LayerNorm;
  attention: nn.MultiheadAttention;
  ln2: nn.LayerNorm;
  mlp: nn.Sequential;

  constructor(embed: number, heads: number, rng: Random) {
    super();
    this.ln1 = new nn.LayerNorm(embed);
    this.attention = new nn.MultiheadAttention(embed, heads, { batchFirst: true, rng });
    this.ln2 = new nn.LayerNorm(embed);
    this.mlp = new nn.Sequential(
      new nn.Linear(embed, 4 * embed, { rng }),
      new nn.GELU(),
      new nn.Linear(4 * embed, embed, { rng }),
    );
  }

  forward(x: VariableLike): Variable {
    const h = this.ln1.call(x);
    const [attended] = this.attention.call(h, h, h, { isCausal: true, needWeights: false });
    const y = ag.add(x, attended);
    return ag.add(y, this.mlp.call(this.ln2.call(y)));
  }
}

/** The names demo's GPT: token + position embeddings, blocks, LayerNorm, Linear head. */
class Gpt extends nn.Layer<[tokens: NDArray], Variable> {
  tokenEmbedding: nn.Embedding;
  positionEmbedding: nn.Embedding;
  blocks: nn.Sequential;
  lnF: nn.LayerNorm;
  head: nn.Linear;

  constructor(vocabulary: number, context: number, embed: number, heads: number, rng: Random) {
    super();
    this.tokenEmbedding = new nn.Embedding(vocabulary, embed, { rng });
    this.positionEmbedding = new nn.Embedding(context, embed, { rng });
    this.blocks = new nn.Sequential(new Block(embed, heads, rng), new Block(embed, heads, rng));
    this.lnF = new nn.LayerNorm(embed);
    this.head = new nn.Linear(embed, vocabulary, { rng });
  }

  forward(tokens: NDArray): Variable {
    const positions = arange(0, tokens.shape[1] as number, 1, { dtype: "int32" });
    const x = ag.add(this.tokenEmbedding.call(tokens), this.positionEmbedding.call(positions));
    return this.head.call(this.lnF.call(this.blocks.call(x)));
  }
}

/** LayerNorm with trained-looking (not 1 and 0) weight and bias. */
function layerNorm(shape: number | number[], rng: Random, options: nn.LayerNormOptions = {}) {
  const ln = new nn.LayerNorm(shape, options);
  const size = typeof shape === "number" ? [shape] : shape;
  ln.weight?.data.data.set(rng.normal(1, 0.3, size).toTypedArray());
  ln.bias?.data.data.set(rng.normal(0, 0.3, size).toTypedArray());
  return ln;
}

interface Case {
  name: string;
  make: (rng: Random) => nn.Layer;
  /** An example input of a batch size. */
  input: (batch: number, rng: Random) => NDArray;
  /** The batch axis of the input and outputs (1 for [L, N, E] attention). */
  batchAxis?: number;
}

const floats =
  (...shape: number[]) =>
  (batch: number, rng: Random) =>
    rng.normal(0, 1, [batch, ...shape]);
const tokens = (vocabulary: number, length: number) => (batch: number, rng: Random) =>
  rng.integers(0, vocabulary, [batch, length]);

const CASES: Case[] = [
  {
    name: "Embedding (int32 token input [N, T])",
    make: (rng) => new nn.Embedding(11, 6, { rng }),
    input: tokens(11, 5),
  },
  {
    name: "Embedding with paddingIdx",
    make: (rng) => new nn.Embedding(7, 4, { paddingIdx: 0, rng }),
    input: tokens(7, 3),
  },
  { name: "LayerNorm(8)", make: (rng) => layerNorm(8, rng), input: floats(5, 8) },
  {
    name: "LayerNorm([4, 3]), eps 1e-3",
    make: (rng) => layerNorm([4, 3], rng, { eps: 1e-3 }),
    input: floats(2, 4, 3),
  },
  {
    name: "LayerNorm without affine",
    make: () => new nn.LayerNorm(6, { elementwiseAffine: false }),
    input: floats(6),
  },
  { name: "GELU (erf)", make: () => new nn.GELU(), input: floats(3, 7) },
  {
    name: "GELU tanh approximation",
    make: () => new nn.GELU({ approximate: "tanh" }),
    input: floats(3, 7),
  },
  {
    name: "scaledDotProductAttention, causal",
    make: () =>
      new (class extends nn.Layer {
        forward(x: VariableLike): Variable {
          const v = ag.asVariable(x);
          return nn.scaledDotProductAttention(v, ag.mul(v, 0.5), ag.tanh(v), { isCausal: true });
        }
      })(),
    input: floats(2, 5, 4),
  },
  {
    name: "MultiheadAttention self-attention, batchFirst, causal",
    make: (rng) => new SelfAttention(8, 2, { batchFirst: true, isCausal: true }, rng),
    input: floats(5, 8),
  },
  {
    name: "MultiheadAttention [L, N, E], not causal, with averaged weights",
    make: (rng) =>
      new SelfAttention(6, 3, { batchFirst: false, isCausal: false, needWeights: true }, rng),
    input: (batch, rng) => rng.normal(0, 1, [4, batch, 6]),
    batchAxis: 1,
  },
  {
    name: "transformer block (names demo): LayerNorm, causal attention, GELU MLP, residuals",
    make: (rng) => new Block(8, 2, rng),
    input: floats(6, 8),
  },
  {
    name: "names GPT: 2 blocks, width 16, 4 heads, context 9, vocabulary 27",
    make: (rng) => new Gpt(27, 9, 16, 4, rng),
    input: tokens(27, 9),
  },
];

const TRACED_BATCH = 4;
const BATCHES = [TRACED_BATCH, 1, 3, 10];
const figures: [string, number, number][] = [];

describe("transformer layers and the names GPT agree with zerograd in onnxruntime-node", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_, testCase) => {
    const rng = new Random(11);
    const model = testCase.make(rng);
    // [L, N, E] inputs have their batch on axis 1: trace them with a fixed batch.
    const dynamicBatch = (testCase.batchAxis ?? 0) === 0;
    const bytes = toOnnx(model, testCase.input(TRACED_BATCH, rng), { dynamicBatch });
    let worst = 0;
    let scale = 0;
    for (const batch of dynamicBatch ? BATCHES : [TRACED_BATCH]) {
      const x = testCase.input(batch, rng);
      const want = zerogradOutputs(model, [x]);
      const got = await runOrt(bytes, { input: x });
      const names = want.length === 1 ? ["output"] : want.map((_, i) => `output${i}`);
      expect(Object.keys(got).sort()).toEqual([...names].sort());
      want.forEach((w, i) => {
        const g = got[names[i] as string] as NDArray;
        expect(g.shape).toEqual(w.shape);
        worst = Math.max(worst, maxAbsDiff(g, w));
        scale = Math.max(scale, maxAbs(w));
      });
    }
    figures.push([testCase.name, worst, scale]);
    expect(worst).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));
  });
});

describe("int32 inputs", () => {
  it("are declared INT32 graph inputs with a symbolic batch and feed Gather directly", () => {
    const model = new nn.Embedding(5, 3, { rng: new Random(0) });
    const graph = decodeOnnx(toOnnx(model, new Random(1).integers(0, 5, [2, 4]))).graph;
    expect(graph.input[0]?.type.tensorType.elemType).toBe(6); // INT32
    expect(graph.input[0]?.type.tensorType.shape.dim).toEqual([
      { dimParam: "batch" },
      { dimValue: 4 },
    ]);
    expect(graph.output[0]?.type.tensorType.shape.dim).toEqual([
      { dimParam: "batch" },
      { dimValue: 4 },
      { dimValue: 3 },
    ]);
    expect(graph.node.map((n) => n.opType)).toEqual(["Gather", "Identity"]);
    expect(graph.node[0]?.input).toEqual(["weight", "input"]);
  });

  it("fix the GPT's sequence length at the traced one (positions and the causal mask are constants)", async () => {
    const rng = new Random(2);
    const model = new Gpt(10, 6, 8, 2, rng);
    const bytes = toOnnx(model, rng.integers(0, 10, [2, 6]));
    const dims = decodeOnnx(bytes).graph.input[0]?.type.tensorType.shape.dim;
    expect(dims).toEqual([{ dimParam: "batch" }, { dimValue: 6 }]);
    await expect(runOrt(bytes, { input: rng.integers(0, 10, [2, 4]) })).rejects.toThrow(
      /invalid dimensions/i,
    );
  });

  it("are used as the graph input also where autograd wraps them as a constant", async () => {
    // take's indices, and the int array times a float (cast, as ndarray promotes): both are
    // the input itself.
    const model = new (class extends nn.Layer {
      weight = new ag.Parameter(new Random(3).normal(0, 1, [6]));
      forward(indices: NDArray): Variable {
        return ag.mul(ag.take(this.weight, indices, 0), indices);
      }
    })();
    const x = new Random(4).integers(0, 6, [3, 5]);
    const bytes = toOnnx(model, x);
    const y = new Random(5).integers(0, 6, [7, 5]);
    const got = (await runOrt(bytes, { input: y })).output as NDArray;
    expect(maxAbsDiff(got, zerogradOutputs(model, [y])[0] as NDArray)).toBe(0);
  });

  it("raise OnnxExportError when the model reshapes or slices them with ndarray (outside the trace)", () => {
    const model = new (class extends nn.Layer<[tokens: NDArray], Variable> {
      embedding = new nn.Embedding(5, 3, { rng: new Random(0) });
      forward(tokens: NDArray): Variable {
        return this.embedding.call(tokens.reshape([-1]));
      }
    })();
    expect(() => toOnnx(model, new Random(1).integers(0, 5, [2, 4]))).toThrow(OnnxExportError);
    expect(() => toOnnx(model, new Random(1).integers(0, 5, [2, 4]))).toThrow(
      /Embedding uses int32 \[8\], a view of input input \[2,4\]/,
    );
  });
});

describe("inputs the recorded graph does not read", () => {
  it("raise OnnxExportError instead of exporting a model that ignores them", () => {
    // Ops on an int array alone record nothing (nothing requires grad): a constant of the trace.
    const model = new (class extends nn.Layer<[tokens: NDArray], Variable> {
      weight = new ag.Parameter(new Random(3).normal(0, 1, [4]));
      forward(tokens: NDArray): Variable {
        return ag.mul(this.weight, ag.astype(ag.sum(tokens, 1, true), "float32"));
      }
    })();
    expect(() => toOnnx(model, new Random(1).integers(0, 5, [2, 4]))).toThrow(
      /the outputs do not depend on input input \(int32 \[2,4\]\)/,
    );
    const detached = new (class extends nn.Layer {
      forward(x: VariableLike): Variable {
        return ag.add(
          ag.noGrad(() => ag.mul(x, 2)),
          new ag.Parameter(new Random(0).normal(0, 1, [3])),
        );
      }
    })();
    expect(() => toOnnx(detached, new Random(1).normal(0, 1, [2, 3]))).toThrow(OnnxExportError);
  });
});

afterAll(() => {
  const rows = figures.map(
    ([name, worst, scale]) => `| ${name} | ${worst.toExponential(2)} | ${scale.toPrecision(3)} |`,
  );
  console.log(
    ["| model | max abs difference | max abs value |", "| --- | --- | --- |", ...rows].join("\n"),
  );
});
