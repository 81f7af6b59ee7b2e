// Every ```ts block of the guide runs here, chapter by chapter (the blocks of a chapter in one
// scope, in order), and what each block prints is compared with the values its comments
// promise. The blocks are type-checked too, so a reader can paste them into a TypeScript file.
import * as autograd from "@zerograd/autograd";
import * as data from "@zerograd/data";
import * as ndarray from "@zerograd/ndarray";
import * as nn from "@zerograd/nn";
import * as optim from "@zerograd/optim";
import { beforeAll, describe, expect, it } from "vitest";
import { runBlocks, typecheckBlocks } from "../../test-support/run-blocks";

const modules = {
  "@zerograd/ndarray": ndarray,
  "@zerograd/autograd": autograd,
  "@zerograd/nn": nn,
  "@zerograd/optim": optim,
  "@zerograd/data": data,
};

/** What one block prints: one entry per console.log (an array when it logs several values). */
interface Block {
  topic: string;
  prints: unknown[];
}

/** A number as the guide shows it when its comment says ≈. */
const near = (value: number, digits = 4) => expect.closeTo(value, digits);

const tanhDot = `digraph g {
  1 [label="y", color=orange, style=filled]
  2 [label="Square", color=lightblue, style=filled, shape=box]
  3 [label="", color=orange, style=filled]
  3 -> 2
  2 -> 1
  4 [label="Exp", color=lightblue, style=filled, shape=box]
  5 [label="", color=orange, style=filled]
  5 -> 4
  4 -> 3
  6 [label="Square", color=lightblue, style=filled, shape=box]
  7 [label="x", color=orange, style=filled]
  7 -> 6
  6 -> 5
}
`;

const chapters: Record<string, Block[]> = {
  "01-arrays.md": [
    {
      topic: "creation",
      prints: [
        [[2, 3], "float32"],
        "int32",
        [
          [0, 0],
          [0, 0],
        ],
        [0, 0.25, 0.5, 0.75, 1],
        [
          [1, 0],
          [0, 1],
        ],
        [5, 1, 4, 5, 2],
      ],
    },
    {
      topic: "dtype promotion",
      prints: ["float32", "float64", "int32", [2.5, 5, 7.5], [0.5, 1, 1.5], "float32"],
    },
    {
      topic: "views share memory",
      prints: [
        [
          [3, 2],
          [1, 3],
        ],
        true,
        [
          [1, 3],
          [4, 6],
        ],
        [
          [10, 20, 30],
          [40, 50, 60],
        ],
        [
          [10, 30],
          [40, 60],
        ],
        false,
      ],
    },
    {
      topic: "broadcasting",
      prints: [
        [
          [11, 21, 31],
          [12, 22, 32],
        ],
        [2, 4, 3],
        [0, 1],
      ],
    },
    { topic: "sumTo", prints: [[[2, 2, 2]]] },
    {
      topic: "reductions",
      prints: [
        [5, 7, 9],
        [3, 6],
        21,
        [],
        [2, 2],
        [
          [-1, 0, 1],
          [-1, 0, 1],
        ],
      ],
    },
    {
      topic: "matmul",
      prints: [
        [
          [14, 32],
          [32, 77],
        ],
        32,
        [2, 5, 3, 2],
      ],
    },
    {
      topic: "typed errors",
      prints: [
        true,
        "matmul: [32,784]·[10,128]: inner dimensions differ (784 vs 10)",
        true,
        "sum: axis 2 is out of bounds for an array of shape [2,3]",
      ],
    },
  ],
  "02-variables.md": [
    {
      topic: "a Variable and its graph",
      prints: [
        "variable(1.64872127, shape=[], dtype=float64, creator=Square)",
        ["Square", 3],
        [true, true],
      ],
    },
    // the book's values; numericalGrad agrees to about 1e-10
    {
      topic: "backward vs numericalGrad",
      prints: [3.297442541400256, near(3.2974425415721598, 9)],
    },
    {
      topic: "broadcast gradients",
      prints: [
        [
          [2, 2, 2],
          [[3], [3]],
        ],
      ],
    },
    { topic: "gradients accumulate", prints: [2, 9, 7] },
    { topic: "your own Function", prints: [[1, Math.E], true] },
    {
      topic: "a wrong gradient shape is caught",
      prints: ["backward: BadExp returned a gradient of shape [] for its input 0 of shape [2]"],
    },
    { topic: "noGrad", prints: [[null, false], "AutogradError"] },
    { topic: "toDot", prints: [tanhDot] },
  ],
  "03-higher-order.md": [
    { topic: "the second derivative", prints: [[24, true], 44] },
    {
      topic: "Newton's method",
      prints: [
        [
          2, 1.4545454545454546, 1.1510467893775467, 1.0253259289766978, 1.0009084519430513,
          1.0000012353089454, 1.000000000002289, 1,
        ],
      ],
    },
    { topic: "gradient descent for comparison", prints: [264] },
    {
      topic: "derivatives of tanh",
      prints: [
        [
          near(0.41997434161402614, 12),
          near(-0.6397000084492246, 12),
          near(0.6216266807712961, 12),
          near(0.6650910447505025, 12),
        ],
        [5, 8, 20, 50],
      ],
    },
    { topic: "double backprop", prints: [100] },
    { topic: "grad()", prints: [[100, null]] },
    { topic: "gradCheck of a second derivative", prints: [true] },
  ],
  "04-layers.md": [
    {
      topic: "Linear",
      prints: [
        [[2, 3], [2]],
        [2, 2],
        [
          ["weight", [2, 3]],
          ["bias", [2]],
        ],
      ],
    },
    {
      topic: "a layer finds its fields",
      prints: [
        ["hidden_layer.weight", "hidden_layer.bias", "output_layer.weight", "output_layer.bias"],
        [2, 1],
      ],
    },
    {
      topic: "Sequential and MLP",
      prints: [
        ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"],
        ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"],
      ],
    },
    {
      topic: "crossEntropy",
      prints: [
        near(Math.log(3), 6),
        [
          ["-0.3333", "0.1667", "0.1667"],
          ["0.1667", "0.1667", "-0.3333"],
        ],
      ],
    },
    { topic: "gradients of every parameter", prints: [[[16, 3], [16], [3, 16], [3]]] },
    { topic: "safetensors round trip", prints: [{ step: "1" }, false, true] },
    {
      topic: "loadStateDict checks first",
      prints: [true, ["layers.0.weight", "layers.0.bias", "layers.1.weight"]],
    },
  ],
  "05-optimizers.md": [
    { topic: "one step", prints: [[0.002, 1.6], true] },
    {
      topic: "SGD, momentum and Adam on Rosenbrock",
      prints: [
        [near(0.6837), near(0.466)],
        [near(0.9974), near(0.9949)],
        [near(0.9267), near(0.8584)],
      ],
    },
    {
      topic: "unknown options",
      prints: [
        true,
        "SGD: unknown option 'weight_decay' (known: lr, momentum, dampening, nesterov, weightDecay, maximize)",
      ],
    },
    {
      topic: "parameter groups",
      prints: [
        [
          [0.01, 0.9],
          [0.1, 0.9],
        ],
      ],
    },
    {
      topic: "schedulers",
      prints: [
        [
          [0.01, 0.1],
          [0.01, 0.1],
          [0.005, 0.05],
          [0.005, 0.05],
          [0.0025, 0.025],
        ],
        ["1.000", "0.854", "0.500", "0.146", "0.000"],
      ],
    },
    { topic: "clipGradNorm", prints: [5, [near(0.6, 6), near(0.8, 6)]] },
  ],
  "06-training.md": [
    {
      topic: "datasets and batches",
      prints: [[240, 60], ["float32", "int32"], 8, [32, 32, 32, 32, 32, 32, 32, 16]],
    },
    // float32 training: the last printed digit may differ with another Math.exp
    {
      topic: "the training loop",
      prints: [
        [near(0.5464, 3), near(0.3566, 3), near(0.2417, 3), near(0.1846, 3), near(0.1335, 3)],
      ],
    },
    { topic: "measuring", prints: [["0.963", "0.967"]] },
  ],
  "07-cnns.md": [
    {
      topic: "a convolution by hand",
      prints: [
        [
          [
            [
              [0, 1, 0],
              [0, 1, 0],
              [0, 1, 0],
            ],
          ],
        ],
        [1, 1, 3, 4],
      ],
    },
    {
      topic: "shapes through a network",
      prints: [
        [[8, 1, 3, 3], [8]],
        [5, 8, 14, 14],
        ["weight", "bias"],
      ],
    },
    {
      topic: "im2col",
      prints: [[9, 2], [[0, 1]]],
    },
    // float32 training: compared to 2 decimals, which another engine's exp also meets
    {
      topic: "training a small CNN",
      prints: [[near(0.77, 2), near(0.248, 2), near(0.046, 2)], 1],
    },
  ],
  "08-rnns.md": [
    // the closed form tanh(1), tanh(0.5·tanh(1)), …, to float32's digits
    {
      topic: "the recurrence, by hand",
      prints: [
        [
          near(Math.tanh(1), 6),
          near(Math.tanh(0.5 * Math.tanh(1)), 6),
          near(Math.tanh(0.5 * Math.tanh(0.5 * Math.tanh(1))), 6),
        ],
        [1, 1],
      ],
    },
    {
      topic: "shapes",
      prints: [
        [
          [2, 7, 5],
          [2, 2, 5],
          [2, 2, 5],
        ],
        [
          [7, 2, 5],
          [1, 2, 5],
        ],
      ],
    },
    {
      topic: "state dicts",
      prints: [
        ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"],
        [
          [20, 3],
          [20, 5],
        ],
        [15, 5],
      ],
    },
    { topic: "a cell along a sequence", prints: [true] },
    {
      topic: "SeqDataLoader",
      prints: [
        5,
        [
          [0, 5],
          [1, 6],
          [2, 7],
          [3, 8],
          [4, 9],
        ],
      ],
    },
    // float32 training: compared to 2 decimals, as chapter 7
    {
      topic: "truncated BPTT on the sin curve",
      prints: [[near(0.502, 2), near(0.135, 2), near(0.043, 2), near(0.022, 2)], near(0.005, 2)],
    },
  ],
  "09-attention.md": [
    {
      topic: "scaled dot-product attention",
      prints: [
        [
          [0.768, 0.045, 0.187],
          [0.045, 0.768, 0.187],
          [0.333, 0.333, 0.333],
        ],
      ],
    },
    {
      topic: "bool, float and causal masks",
      prints: [
        [
          [1, 0, 0],
          [0.056, 0.944, 0],
          [0.333, 0.333, 0.333],
        ],
        [true, true],
      ],
    },
    {
      topic: "MultiheadAttention",
      prints: [
        ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"],
        [[24, 8], 4],
        [
          [2, 5, 8],
          [2, 5, 5],
        ],
      ],
    },
    {
      topic: "keyPaddingMask",
      prints: [
        0,
        [
          [1, 1, 1, 1, 1],
          [1, 1, 1, 1, 1],
        ],
      ],
    },
    {
      topic: "LayerNorm and GELU",
      prints: [
        [
          [-1.342, -0.447, 0.447, 1.342],
          [-1.342, -0.447, 0.447, 1.342],
        ],
        ["weight", "bias"],
        [[-0.004, -0.159, 0, 0.841, 2.996]],
        [[-0.004, -0.159, 0, 0.841, 2.996]],
      ],
    },
    {
      topic: "a pre-LN transformer block",
      prints: [
        [2, 5, 8],
        [12, 872],
      ],
    },
    { topic: "positions", prints: [true, false] },
    // float32 training: compared to 2 decimals, which another engine's exp also meets
    {
      topic: "causal language modelling",
      prints: [[near(3.437, 2), near(0.586, 2), near(0.467, 2), near(0.464, 2), near(0.463, 2)]],
    },
    { topic: "the causal mask hides the future", prints: [true] },
    {
      topic: "sampling with a temperature",
      prints: [
        [0.5, [0.867, 0.117, 0.016]],
        [1, [0.665, 0.245, 0.09]],
        [2, [0.506, 0.307, 0.186]],
        [660, 251, 89],
        ["elijah", "elijah", "olivia", "mia", "mia", "ethan"],
      ],
    },
  ],
};

const url = (file: string) => new URL(`../guide/${file}`, import.meta.url);

describe.each(Object.entries(chapters))("guide/%s", (file, blocks) => {
  let printed: unknown[][] = [];
  // generous: chapters 5 and 6 train for a fraction of a second, but CI machines are shared
  beforeAll(() => {
    printed = runBlocks(url(file), modules);
  }, 60_000);

  it("has an expectation for every block", () => {
    expect(printed.map((_, i) => blocks[i]?.topic ?? "(new block)")).toEqual(
      blocks.map((b) => b.topic),
    );
  });

  blocks.forEach(({ topic, prints }, index) => {
    it(`block ${index + 1} (${topic}) prints what its comments say`, () => {
      expect(printed[index]).toEqual(prints);
    });
  });
});

describe("the guide's code", () => {
  it("type-checks as TypeScript, chapter by chapter", () => {
    const problems = typecheckBlocks(
      Object.keys(chapters).map(url),
      new URL("../tsconfig.json", import.meta.url),
    );
    expect(problems).toEqual([]);
  }, 60_000);
});
