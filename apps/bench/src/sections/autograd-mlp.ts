import type { Scalar, Tensor, Variable as TfVariable } from "@tensorflow/tfjs-core";
import type { Impl, Library, Tf } from "../impl";
import {
  AutogradMlp,
  CLASSES,
  checkMlp,
  HIDDEN,
  INPUT,
  lossAndGradients,
  lossOutput,
  type MlpData,
  mlpData,
  ndForward,
  ndMlp,
  ndStep,
} from "../mlp";
import { fmt, type Lookup } from "../results";
import type { BenchCase, Section } from "../section";

const BATCH = 128;
const STEP_ID = "autograd-mlp/step";
const FORWARD_ID = "autograd-mlp/forward";
/** The target: autograd's step at most this many times the hand-written one. */
export const MLP_STEP_LIMIT = 1.25;

/** The tfjs network: the parameters as `tf.variable`s, x and the one-hot labels as tensors. */
function tfjsMlp(tf: Tf, d: MlpData) {
  const x = tf.tensor2d(d.x, [d.batch, INPUT]);
  const oneHot = tf.tensor2d(d.oneHot, [d.batch, CLASSES]);
  const params: TfVariable[] = [
    tf.variable(tf.tensor2d(d.w1, [INPUT, HIDDEN])),
    tf.variable(tf.tensor1d(d.b1)),
    tf.variable(tf.tensor2d(d.w2, [HIDDEN, CLASSES])),
    tf.variable(tf.tensor1d(d.b2)),
  ];
  const [w1, b1, w2, b2] = params as [TfVariable, TfVariable, TfVariable, TfVariable];
  const loss = (): Scalar => {
    const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const out = tf.add(tf.matMul(h, w2), b2);
    return tf.mean(tf.sub(tf.logSumExp(out, 1), tf.sum(tf.mul(out, oneHot), 1))) as Scalar;
  };
  return { inputs: [x, oneHot, ...params], params, loss };
}

const stepCase: BenchCase = {
  id: STEP_ID,
  label: `784-128-10 MLP, batch ${BATCH}, float32: forward + backward (loss and 4 gradients)`,
  family: "autograd",
  collect: false,
  // A zg-wasm target compares this step with tfjs-wasm's.
  alongsideTfjsWasm: true,
  names: {
    zerograd: "autograd",
    js: "by hand",
    "tfjs-cpu": "tfjs-cpu",
    "tfjs-wasm": "tfjs-wasm",
  },
  zerograd() {
    const model = new AutogradMlp(mlpData(BATCH));
    return {
      call: () => model.step(),
      callAndRead() {
        const loss = model.step().item();
        const grads = model.gradients().map((g) => g.toTypedArray());
        return { output: lossAndGradients(loss, grads), release() {} };
      },
      dispose() {},
    };
  },
  js() {
    const m = ndMlp(mlpData(BATCH));
    return {
      call: () => ndStep(m).gradients,
      callAndRead() {
        const { loss, gradients } = ndStep(m);
        const grads = gradients.map((g) => g.toTypedArray());
        return { output: lossAndGradients(loss.item(), grads), release() {} };
      },
      dispose() {},
    };
  },
  tfjs(tf: Tf): Impl {
    const net = tfjsMlp(tf, mlpData(BATCH));
    const step = () => tf.variableGrads(net.loss, net.params);
    const release = ({ value, grads }: ReturnType<typeof step>) => {
      value.dispose();
      for (const g of Object.values(grads)) g.dispose();
    };
    return {
      call() {
        const result = step();
        release(result);
        return result;
      },
      callAndRead() {
        const result = step();
        const loss = result.value.dataSync()[0] as number;
        const grads = net.params.map((p) => (result.grads[p.name] as Tensor).dataSync());
        return { output: lossAndGradients(loss, grads), release: () => release(result) };
      },
      dispose() {
        for (const t of net.inputs) t.dispose();
      },
    };
  },
  check: (out) => checkMlp(out, mlpData(BATCH), true),
};

const forwardCase: BenchCase = {
  id: FORWARD_ID,
  label: `the same MLP, forward only (loss)`,
  family: "autograd",
  collect: false,
  names: {
    zerograd: "autograd fwd",
    js: "ndarray fwd",
    "tfjs-cpu": "tfjs-cpu fwd",
    "tfjs-wasm": "tfjs-wasm fwd",
  },
  zerograd() {
    const model = new AutogradMlp(mlpData(BATCH));
    return {
      // The graph is recorded (the parameters require grad) and dropped with the loss.
      call: () => model.forward(),
      callAndRead: () => ({ output: lossOutput(model.forward().item()), release() {} }),
      dispose() {},
    };
  },
  js() {
    const m = ndMlp(mlpData(BATCH));
    return {
      call: () => ndForward(m),
      callAndRead: () => ({ output: lossOutput(ndForward(m).item()), release() {} }),
      dispose() {},
    };
  },
  tfjs(tf: Tf): Impl {
    const net = tfjsMlp(tf, mlpData(BATCH));
    return {
      call() {
        const loss = tf.tidy(net.loss);
        loss.dispose();
        return loss;
      },
      callAndRead() {
        const loss = tf.tidy(net.loss);
        const value = loss.dataSync()[0] as number;
        return { output: lossOutput(value), release: () => loss.dispose() };
      },
      dispose() {
        for (const t of net.inputs) t.dispose();
      },
    };
  },
  check: (out) => checkMlp(out, mlpData(BATCH), false),
};

const medianMs = (lookup: Lookup, id: string, lib: Library): number | undefined => {
  const r = lookup(id, lib);
  return r?.timing && r.check?.ok ? r.timing.medianMs : undefined;
};

function summary(lookup: Lookup): string[] {
  const ratio = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined ? `${fmt(a / b)}×` : "n/a";
  const step = (lib: Library) => medianMs(lookup, STEP_ID, lib);
  const forward = (lib: Library) => medianMs(lookup, FORWARD_ID, lib);
  const backward = (lib: Library) => {
    const s = step(lib);
    const f = forward(lib);
    return s !== undefined && f !== undefined ? s - f : undefined;
  };
  const ms = (x: number | undefined) => (x === undefined ? "n/a" : `${fmt(x)} ms`);
  return [
    "ratios of medians:",
    `  autograd step / hand-written step      ${ratio(step("zerograd"), step("js")).padStart(7)}   (target < ${MLP_STEP_LIMIT})`,
    `  autograd forward / ndarray forward     ${ratio(forward("zerograd"), forward("js")).padStart(7)}`,
    `  autograd step / ndarray forward        ${ratio(step("zerograd"), forward("js")).padStart(7)}`,
    `  backward alone (step − forward): autograd ${ms(backward("zerograd"))}, by hand ${ms(backward("js"))}`,
    `  tfjs-cpu step / autograd step          ${ratio(step("tfjs-cpu"), step("zerograd")).padStart(7)}`,
    `  tfjs-wasm step / autograd step         ${ratio(step("tfjs-wasm"), step("zerograd")).padStart(7)}`,
  ];
}

/** Forward + backward of a 784-128-10 MLP: autograd ops against the same step by hand. */
export const autogradMlpSection: Section = {
  name: "autograd-mlp",
  title: `MLP 784-128-10 training step (no update), batch ${BATCH}, float32`,
  cases: () => [stepCase, forwardCase],
  tfjsGradients: true,
  summary: (lookup) => summary(lookup),
};

export { STEP_ID as MLP_STEP_ID };
