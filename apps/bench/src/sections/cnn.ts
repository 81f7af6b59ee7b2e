import { CNN_BATCH, CNN_LR, CnnTrainer, checkCnnStep } from "../cnn";
import type { Library } from "../impl";
import { fmt, type Lookup } from "../results";
import type { BenchCase, Section } from "../section";

export const CNN_STEP_ID = "cnn/step";

/**
 * One full training step of the demo's CNN (DigitCnn([8, 16]), see ../cnn.ts) on each engine.
 * Every row builds its own model from the same seeded weights; the first step is checked, the
 * timed steps then go on training on the same batch (as a training loop would, minus the data).
 */
const stepCase: BenchCase = {
  id: CNN_STEP_ID,
  label: `demo CNN conv(8)-bn-relu-pool-conv(16)-bn-relu-pool-linear(10), batch ${CNN_BATCH}, float32: crossEntropy, backward, Adam (lr ${CNN_LR})`,
  family: "autograd",
  collect: false,
  // A step records about 40 ops and runs ~15 distinct kernels: give V8 a few calls to settle.
  warmup: 6,
  names: { zerograd: "js engine", wasm: "zg-wasm", "wasm-1t": "zg-wasm 1t" },
  zerograd() {
    const trainer = new CnnTrainer();
    return {
      call: () => trainer.step(),
      callAndRead: () => ({ output: trainer.stepAndRead(), release() {} }),
      dispose() {},
    };
  },
  check: (out) => checkCnnStep(out),
};

const medianMs = (lookup: Lookup, lib: Library): number | undefined => {
  const r = lookup(CNN_STEP_ID, lib);
  return r?.timing && r.check?.ok ? r.timing.medianMs : undefined;
};

function summary(lookup: Lookup): string[] {
  const js = medianMs(lookup, "zerograd");
  const line = (lib: Library, label: string) => {
    const mine = medianMs(lookup, lib);
    const ratio = mine !== undefined && js !== undefined ? `${fmt(js / mine)}×` : "n/a";
    return `  js engine step / ${label} step ${ratio.padStart(9)}`;
  };
  return [
    "ratios of medians (> 1: the wasm engine is faster):",
    `${line("wasm", "zg-wasm (2 threads)")}   (target ≥ 3)`,
    line("wasm-1t", "zg-wasm 1 thread   "),
  ];
}

/** The demo's CNN, one training step, on the js engine and on @zerograd/wasm. */
export const cnnSection: Section = {
  name: "cnn",
  title: `demo CNN (DigitCnn [8,16]) training step, batch ${CNN_BATCH}, float32`,
  cases: () => [stepCase],
  summary: (lookup) => summary(lookup),
};
