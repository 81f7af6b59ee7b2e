import { readdirSync, readFileSync } from "node:fs";
import type { Variable, VariableLike } from "@zerograd/autograd";
import { add, toDot } from "@zerograd/autograd";
import { ones } from "@zerograd/ndarray";
import { describe, expect, it } from "vitest";
import * as nn from "../src/index";

describe("the public API", () => {
  it("exports every name DESIGN.md lists for @zerograd/nn", () => {
    const classes = [
      "Layer",
      "Linear",
      "Sequential",
      "MLP",
      "ReLU",
      "Sigmoid",
      "Tanh",
      "LeakyReLU",
      "Softmax",
      "Flatten",
      "Dropout",
      "BatchNorm1d",
      // wave 2: convolution and pooling
      "Conv1d",
      "Conv2d",
      "ConvTranspose2d",
      "MaxPool2d",
      "AvgPool2d",
      "AdaptiveAvgPool2d",
      "BatchNorm2d",
      "Identity",
      // wave 2: recurrence
      "RNN",
      "LSTM",
      "GRU",
      "RNNCell",
      "LSTMCell",
      "GRUCell",
      // wave 2: attention
      "LayerNorm",
      "Embedding",
      "GELU",
      "SiLU",
      "MultiheadAttention",
    ];
    const functions = [
      "linear",
      "relu",
      "leakyRelu",
      "sigmoid",
      "softmax",
      "logSoftmax",
      "dropout",
      "mseLoss",
      "l1Loss",
      "crossEntropy",
      "nllLoss",
      "binaryCrossEntropyWithLogits",
      "accuracy",
      "xavierUniform",
      "xavierNormal",
      "kaimingUniform",
      "kaimingNormal",
      "toSafetensors",
      "fromSafetensors",
      "conv1d",
      "conv2d",
      "convTranspose2d",
      "maxPool2d",
      "avgPool2d",
      "adaptiveAvgPool2d",
      "batchNorm",
      "layerNorm",
      "embedding",
      "gelu",
      "silu",
      "softplus",
      "scaledDotProductAttention",
    ];
    const exported = nn as Record<string, unknown>;
    for (const name of [...classes, ...functions])
      expect(typeof exported[name], name).toBe("function");
  });

  it("constructs every layer without arguments where PyTorch has defaults", () => {
    const x = ones([2, 3]);
    for (const layer of [
      new nn.ReLU(),
      new nn.Sigmoid(),
      new nn.Tanh(),
      new nn.LeakyReLU(),
      new nn.Softmax(),
      new nn.Flatten(),
      new nn.Dropout(),
      new nn.Sequential(),
    ]) {
      expect(layer.call(x).shape).toEqual([2, 3]);
    }
  });

  it("types call() after the layer's own forward (several inputs)", () => {
    class Residual extends nn.Layer {
      inner = new nn.Linear(3, 3);

      forward(x: VariableLike, skip: VariableLike): Variable {
        return add(this.inner.call(x), skip);
      }
    }
    const layer = new Residual();
    const y: Variable = layer.call(ones([2, 3]), ones([2, 3]));
    expect(y.shape).toEqual([2, 3]);
    // @ts-expect-error: forward takes two inputs
    expect(() => layer.call(ones([2, 3]))).toThrow();
  });
});

describe("class names", () => {
  it("are unique across the package's sources, so a bundler has no reason to rename one", () => {
    // esbuild renames the second of two top-level classes with one name (Linear → Linear2),
    // and constructor.name is what error messages and toDot print.
    const src = new URL("../src/", import.meta.url);
    const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(".ts"),
    );
    const declared = new Map<string, string[]>();
    for (const file of files) {
      const text = readFileSync(new URL(file, src), "utf8");
      for (const [, name] of text.matchAll(/^(?:export )?(?:abstract )?class (\w+)/gm)) {
        declared.set(name as string, [...(declared.get(name as string) ?? []), file]);
      }
    }
    expect(declared.size).toBeGreaterThan(10);
    const duplicates = [...declared].filter(([, where]) => where.length > 1);
    expect(duplicates).toEqual([]);
  });

  it("Linear's errors and linear's graph node both read Linear", () => {
    const layer = new nn.Linear(2, 3);
    expect(() => layer.loadStateDict({})).toThrow(/^Linear\.loadStateDict: missing keys/);
    const y = nn.linear(ones([1, 2]), layer.weight, layer.bias);
    expect(y.creator?.name).toBe("Linear");
    expect(toDot(y)).toMatch(/label="?Linear"?,/);
  });
});
