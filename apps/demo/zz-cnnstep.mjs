import { relu, reshape } from "@zerograd/autograd";
import * as nd from "@zerograd/ndarray";
import { BatchNorm2d, Conv2d, crossEntropy, Layer, Linear, MaxPool2d } from "@zerograd/nn";
import { Adam } from "@zerograd/optim";
import { useWasm } from "@zerograd/wasm";

class DigitCnn extends Layer {
  constructor([c1, c2]) {
    super();
    this.conv1 = new Conv2d(1, c1, 3, { padding: 1 });
    this.bn1 = new BatchNorm2d(c1);
    this.conv2 = new Conv2d(c1, c2, 3, { padding: 1 });
    this.bn2 = new BatchNorm2d(c2);
    this.pool = new MaxPool2d(2);
    this.fc = new Linear(c2 * 49, 10);
  }
  forward(images) {
    const x = reshape(images, [-1, 1, 28, 28]);
    const h1 = this.pool.call(relu(this.bn1.call(this.conv1.call(x))));
    const h2 = this.pool.call(relu(this.bn2.call(this.conv2.call(h1))));
    return this.fc.call(reshape(h2, [h2.shape[0], -1]));
  }
}
const ENG = process.env.ENG ?? "js";
const N = Number(process.env.N ?? 40);
if (ENG !== "js") await useWasm({ threads: Number(process.env.T ?? 2) });
const rng = nd.Random ? new nd.Random(0) : undefined;
const model = new DigitCnn([8, 16]);
const opt = new Adam(model.parameters(), { lr: 0.005 });
const x = new nd.NDArray(
  Float32Array.from({ length: 32 * 784 }, (_, i) => ((i * 7919) % 255) / 255),
  [32, 784],
);
const t = new nd.NDArray(
  Int32Array.from({ length: 32 }, (_, i) => i % 10),
  [32],
);
const stats = new Map();
if (process.env.SEAM) {
  const e = nd.engine();
  const wrap = (name, keyf) => {
    const f = e[name].bind(e);
    e[name] = (...a) => {
      const t0 = performance.now();
      f(...a);
      const dt = performance.now() - t0;
      if (!counting) return;
      const k = name + " " + keyf(...a);
      const s = stats.get(k) ?? [0, 0];
      s[0] += dt;
      s[1]++;
      stats.set(k, s);
    };
  };
  const tn = (a) => a.constructor.name.replace("Array", "");
  wrap(
    "map",
    (fn, shape, out, inputs) =>
      `${fn.name} [${shape}] ${tn(out)}<-${inputs.map((x) => tn(x.data) + "/" + x.strides).join(",")}`,
  );
  wrap(
    "reduce",
    (fn, shape, x, acc) => `${fn.name} [${shape}] ${tn(x.data)}/${x.strides} acc ${acc}`,
  );
  wrap("gemm", (m, n, k) => `${m}x${n}x${k}`);
}
let counting = false;
const step = () => {
  const loss = crossEntropy(model.call(x), t);
  opt.zeroGrad();
  loss.backward();
  opt.step();
  return loss;
};
for (let i = 0; i < 5; i++) step();
const times = [];
counting = true;
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  step();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
if (process.env.SEAM) {
  let tot = 0;
  for (const [k, [t, c]] of [...stats].sort((a, b) => b[1][0] - a[1][0]).slice(0, 45)) {
    console.log((t / N).toFixed(3).padStart(7), String(c / N).padStart(4), k);
  }
  for (const [, [t]] of stats) tot += t;
  console.log("seam total/step", (tot / N).toFixed(2));
}
console.log(ENG, "median", times[N >> 1].toFixed(2), "min", times[0].toFixed(2));
process.exit(0);
