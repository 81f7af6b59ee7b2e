// Runs exported models in onnxruntime-node and compares them with zerograd (test helper).
import { noGrad, type Variable } from "@zerograd/autograd";
import { array, type NDArray } from "@zerograd/ndarray";
import type { Layer } from "@zerograd/nn";
import * as ort from "onnxruntime-node";

const ORT_TYPES = { float32: "float32", float64: "float64", int32: "int32", bool: "bool" } as const;

/** An onnxruntime tensor holding `x`'s values. */
export function toOrt(x: NDArray): ort.Tensor {
  const data = x.dtype === "bool" ? Array.from(x.toTypedArray(), (v) => v !== 0) : x.toTypedArray();
  return new ort.Tensor(ORT_TYPES[x.dtype], data as Float32Array, [...x.shape]);
}

/** Runs `bytes` in onnxruntime with one feed per input name; returns the outputs as NDArrays. */
export async function runOrt(
  bytes: Uint8Array,
  feeds: Record<string, NDArray>,
): Promise<Record<string, NDArray>> {
  const session = await ort.InferenceSession.create(bytes);
  const results = await session.run(
    Object.fromEntries(Object.entries(feeds).map(([name, x]) => [name, toOrt(x)])),
  );
  const out: Record<string, NDArray> = {};
  for (const [name, tensor] of Object.entries(results)) {
    const dtype =
      tensor.type === "float64" ? "float64" : tensor.type === "int32" ? "int32" : "float32";
    out[name] = array(tensor.data as Float32Array, { dtype, shape: [...tensor.dims] });
  }
  await session.release();
  return out;
}

/** zerograd's eval-mode output(s) of `model` on `inputs`, flattened. */
export function zerogradOutputs(model: Layer, inputs: NDArray[]): NDArray[] {
  model.eval();
  const result = noGrad(() => (model.call as (...xs: NDArray[]) => unknown)(...inputs));
  const flat: NDArray[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else flat.push((v as Variable).data);
  };
  walk(result);
  return flat;
}

/** The largest |a − b| over two arrays of one shape (Infinity when the shapes differ). */
export function maxAbsDiff(a: NDArray, b: NDArray): number {
  if (a.shape.join() !== b.shape.join()) return Number.POSITIVE_INFINITY;
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs((x[i] as number) - (y[i] as number));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return worst;
}

/** The largest |x| of an array (the scale a float32 rounding bound is relative to). */
export function maxAbs(a: NDArray): number {
  let m = 0;
  for (const v of a.toTypedArray()) m = Math.max(m, Math.abs(v as number));
  return m;
}
