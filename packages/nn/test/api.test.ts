import type { Variable, VariableLike } from "@zerograd/autograd";
import { add } from "@zerograd/autograd";
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
