// What toOnnx writes besides the numbers: names, initializers, shapes, modes and its errors.
import {
  add,
  Function,
  mul,
  type Parameter,
  type Variable,
  type VariableLike,
} from "@zerograd/autograd";
import { array, type NDArray, Random } from "@zerograd/ndarray";
import * as nn from "@zerograd/nn";
import { describe, expect, it } from "vitest";
import { decodeOnnx, OnnxExportError, toOnnx } from "../src/index";
import { maxAbsDiff, runOrt, zerogradOutputs } from "./ort";

const rng = new Random(3);
const mlp = () => new nn.MLP([4, 5, 2], { rng });

describe("toOnnx", () => {
  it("writes parameters as initializers under their state-dict names, with their exact values", () => {
    const model = mlp();
    const graph = decodeOnnx(toOnnx(model, rng.normal(0, 1, [2, 4]))).graph;
    const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
    for (const [name, p] of model.namedParameters()) {
      const tensor = initializers.get(name);
      expect(tensor, name).toBeDefined();
      expect(tensor?.dims).toEqual(p.shape);
      expect(tensor?.dataType).toBe(1); // FLOAT
      const values = new Float32Array(new Uint8Array(tensor?.rawData as Uint8Array).buffer);
      expect(Array.from(values)).toEqual(Array.from(p.data.toTypedArray()));
    }
    expect(graph.node.map((n) => n.opType)).toEqual(["Gemm", "Relu", "Gemm", "Identity"]);
  });

  it("makes the batch axis symbolic, or keeps the traced shape with dynamicBatch false", async () => {
    const model = mlp();
    const x = rng.normal(0, 1, [3, 4]);
    const dynamic = decodeOnnx(toOnnx(model, x)).graph;
    expect(dynamic.input[0]?.type.tensorType.shape.dim).toEqual([
      { dimParam: "batch" },
      { dimValue: 4 },
    ]);
    expect(dynamic.output[0]?.type.tensorType.shape.dim).toEqual([
      { dimParam: "batch" },
      { dimValue: 2 },
    ]);
    const fixed = toOnnx(model, x, { dynamicBatch: false });
    expect(decodeOnnx(fixed).graph.input[0]?.type.tensorType.shape.dim).toEqual([
      { dimValue: 3 },
      { dimValue: 4 },
    ]);
    const same = await runOrt(fixed, { input: x });
    expect(
      maxAbsDiff(same.output as NDArray, zerogradOutputs(model, [x])[0] as NDArray),
    ).toBeLessThan(1e-6);
    await expect(runOrt(fixed, { input: rng.normal(0, 1, [5, 4]) })).rejects.toThrow(
      /dimension|Got invalid dimensions/i,
    );
  });

  it("takes several inputs and names inputs and outputs as asked", async () => {
    class Pair extends nn.Layer {
      left = new nn.Linear(3, 2, { rng });
      right = new nn.Linear(4, 2, { rng });

      forward(a: VariableLike, b: VariableLike): Variable {
        const sum = add(this.left.call(a), this.right.call(b));
        return [sum, mul(sum, 2)] as unknown as Variable; // two outputs
      }
    }
    const model = new Pair();
    const bytes = toOnnx(model, [rng.normal(0, 1, [2, 3]), rng.normal(0, 1, [2, 4])], {
      inputNames: ["a", "b"],
      outputNames: ["sum", "double"],
    });
    const graph = decodeOnnx(bytes).graph;
    expect(graph.input.map((v) => v.name)).toEqual(["a", "b"]);
    expect(graph.output.map((v) => v.name)).toEqual(["sum", "double"]);
    const a = rng.normal(0, 1, [6, 3]);
    const b = rng.normal(0, 1, [6, 4]);
    const got = await runOrt(bytes, { a, b });
    const [sum, double] = zerogradOutputs(model, [a, b]) as [NDArray, NDArray];
    expect(maxAbsDiff(got.sum as NDArray, sum)).toBeLessThan(1e-6);
    expect(maxAbsDiff(got.double as NDArray, double)).toBeLessThan(1e-6);
  });

  it("exports float64 models as doubles", async () => {
    const model = new nn.Sequential(new nn.Linear(3, 4, { dtype: "float64", rng }), new nn.Tanh());
    const x = rng.normal(0, 1, [5, 3], { dtype: "float64" });
    const bytes = toOnnx(model, x);
    expect(decodeOnnx(bytes).graph.input[0]?.type.tensorType.elemType).toBe(11); // DOUBLE
    const got = (await runOrt(bytes, { input: x })).output as NDArray;
    expect(got.dtype).toBe("float64");
    expect(maxAbsDiff(got, zerogradOutputs(model, [x])[0] as NDArray)).toBeLessThan(1e-14);
  });

  it("traces in eval mode, then restores training mode and frozen parameters", () => {
    const model = new nn.Sequential(new nn.Linear(3, 3, { rng }), new nn.Dropout(0.5));
    const weight = model.parameters()[0] as Parameter;
    weight.requiresGrad = false;
    expect(model.training).toBe(true);
    const graph = decodeOnnx(toOnnx(model, rng.normal(0, 1, [2, 3]))).graph;
    expect(graph.node.map((n) => n.opType)).toEqual(["Gemm", "Identity"]); // no dropout mask
    expect(model.training).toBe(true);
    expect(weight.requiresGrad).toBe(false);
    expect(graph.initializer.map((t) => t.name)).toContain("layers.0.weight");
  });

  it("names a Function without an ONNX mapping", () => {
    class Cube extends Function {
      forward(x: NDArray): NDArray {
        return x.mul(x).mul(x);
      }

      backward(gy: Variable): Variable {
        const x = this.inputs[0] as Variable;
        return mul(gy, mul(3, mul(x, x)));
      }
    }
    class CubeLayer extends nn.Layer {
      linear = new nn.Linear(2, 2, { rng });

      forward(x: VariableLike): Variable {
        return new Cube().apply(this.linear.call(x));
      }
    }
    const make = () => toOnnx(new CubeLayer(), rng.normal(0, 1, [2, 2]));
    expect(make).toThrow(OnnxExportError);
    expect(make).toThrow(/toOnnx: no ONNX mapping for the Function Cube \(inputs \[2,2\]\)/);
  });

  it.each([
    [
      "opset 12",
      () => toOnnx(mlp(), rng.normal(0, 1, [2, 4]), { opset: 12 }),
      /toOnnx: opset must be an integer from 13 to 21, got 12/,
    ],
    [
      "two input names for one input",
      () => toOnnx(mlp(), rng.normal(0, 1, [2, 4]), { inputNames: ["a", "b"] }),
      /toOnnx: inputNames must be 1 distinct non-empty strings/,
    ],
    [
      "repeated output names",
      () =>
        toOnnx(new nn.Identity(), [array([1]), array([2])] as never, { outputNames: ["y", "y"] }),
      /toOnnx: outputNames must be 1 distinct non-empty strings/,
    ],
    ["not a layer", () => toOnnx({} as nn.Layer, array([1])), /toOnnx: model must be a Layer/],
    [
      "a JS array as input",
      () => toOnnx(mlp(), [[1, 2, 3, 4]] as never),
      /toOnnx: example input 0 must be an NDArray or a Variable/,
    ],
  ] as const)("throws OnnxExportError for %s", (_, make, message) => {
    expect(make).toThrow(OnnxExportError);
    expect(make).toThrow(message);
  });
});
