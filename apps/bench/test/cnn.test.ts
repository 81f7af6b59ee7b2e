import { type Engine, setEngine } from "@zerograd/ndarray";
import { loadWasm } from "@zerograd/wasm";
import { beforeAll, describe, expect, test } from "vitest";
import {
  CNN_OUTPUT_SIZE,
  CNN_PARAMETERS,
  CnnTrainer,
  checkCnnStep,
  cnnData,
  cnnReference,
  gradientTolerance,
  referenceLoss,
} from "../src/cnn";
import type { Output } from "../src/impl";
import { randomFloat32 } from "../src/random";

const sizes = CNN_PARAMETERS.map(([, shape]) => shape.reduce((p, d) => p * d, 1));
const parameterCount = sizes.reduce((s, n) => s + n, 0);
/** Where each parameter's gradient starts in a step's output; its updated value is parameterCount on. */
const offsets = sizes.map((_, k) => sizes.slice(0, k).reduce((s, n) => s + n, 1));

/** `out` with entry `at` replaced by `f` of it. */
const corrupt = (out: Output, at: number, f: (v: number) => number): Output => ({
  shape: out.shape,
  at: (i) => (i === at ? f(out.at(i)) : out.at(i)),
});

/** One step on `engine` (the js engine when undefined), read back. */
function stepOn(engine?: Engine): Output {
  if (!engine) return new CnnTrainer().stepAndRead();
  const previous = setEngine(engine);
  try {
    return new CnnTrainer().stepAndRead();
  } finally {
    setEngine(previous);
  }
}

/** The flat indices of parameter k's gradient, by increasing magnitude in `out`. */
function byMagnitude(out: Output, k: number): number[] {
  const at = offsets[k] as number;
  return Array.from({ length: sizes[k] as number }, (_, i) => at + i).sort(
    (a, b) => Math.abs(out.at(a)) - Math.abs(out.at(b)),
  );
}

/** The parameters whose gradient is not cancelled to 0 by batch norm (the conv biases are). */
const live = CNN_PARAMETERS.map(([key], k) => [key, k] as const).filter(
  ([key]) => !(key.startsWith("conv") && key.endsWith(".bias")),
);

let js: Output;
beforeAll(() => {
  js = stepOn();
  expect(js.shape).toEqual([CNN_OUTPUT_SIZE]);
});

describe("the cnn step check", () => {
  test("passes a correct step on the js engine and on the wasm engine (2 threads and 1)", async () => {
    const verdict = checkCnnStep(js);
    console.log(`the active engine (js unless ZEROGRAD_ENGINE=wasm): ${verdict.detail}`);
    expect(verdict.ok, verdict.detail).toBe(true);
    for (const threads of [2, 1]) {
      const wasm = await loadWasm({ threads });
      try {
        const v = checkCnnStep(stepOn(wasm.engine));
        console.log(`wasm, ${threads} thread(s): ${v.detail}`);
        expect(v.ok, v.detail).toBe(true);
      } finally {
        wasm.stop();
      }
    }
  });

  test.each(live)("fails when one %s gradient entry is doubled or negated", (key, k) => {
    // Twenty entries spread from the median magnitude to the largest (all of a small tensor's).
    const order = byMagnitude(js, k).slice((sizes[k] as number) >> 1);
    const entries = [...new Set(order.filter((_, r) => r % Math.ceil(order.length / 20) === 0))];
    entries.push(order.at(-1) as number);
    for (const at of entries) {
      for (const f of [(v: number) => 2 * v, (v: number) => -v]) {
        const verdict = checkCnnStep(corrupt(js, at, f));
        expect(verdict.ok, `${key} entry ${at - (offsets[k] as number)}`).toBe(false);
        expect(verdict.detail).toContain(`${key} gradient entry`);
      }
    }
  });

  test.each(CNN_PARAMETERS.map(([key], k) => [key, k] as const))(
    "fails when one updated %s entry is not updated or overshoots",
    (key, k) => {
      const at = (offsets[k] as number) + parameterCount;
      const start = (cnnData().parameters.get(key) as Float32Array)[0] as number;
      const step = js.at(at) - start;
      for (const wrong of [start, start + 1.01 * step]) {
        const verdict = checkCnnStep(corrupt(js, at, () => wrong));
        expect(verdict.ok).toBe(false);
        expect(verdict.detail).toContain(`${key} entry 0 after Adam's step`);
      }
    },
  );

  test("would catch a doubled entry almost everywhere the gradient is not cancelled", () => {
    const ref = cnnReference();
    let caught = 0;
    let total = 0;
    for (const [key] of live) {
      const gradient = ref.gradients.get(key) as Float64Array;
      let mine = 0;
      gradient.forEach((g, i) => {
        if (Math.abs(g) > gradientTolerance(key, i)) mine++;
      });
      console.log(`${key}: ${mine} of ${gradient.length} entries above their tolerance`);
      caught += mine;
      total += gradient.length;
    }
    console.log(`all: ${caught} of ${total}`);
    expect(caught / total).toBeGreaterThan(0.99);
  });
});

describe("the float64 replay", () => {
  const d = cnnData();
  /** The loss's slope along `direction` in parameter `key`, by central differences. */
  const slope = (key: string, direction: ArrayLike<number>, step: number) => {
    const start = d.parameters.get(key) as Float32Array;
    const moved = (h: number) => {
      const p = new Map<string, ArrayLike<number>>(d.parameters);
      p.set(
        key,
        Float64Array.from(start, (v, i) => v + h * (direction[i] as number)),
      );
      return referenceLoss(d, p);
    };
    return (moved(step) - moved(-step)) / (2 * step);
  };

  // Small steps: the first max pool has 50,000 windows whose top two entries can swap within a
  // step of 10⁻⁵; float64 round-off still costs only about 10⁻⁷ of the slope at 10⁻⁷. Where the
  // two steps disagree, a step crossed a kink and the seed must change.
  test.each(live)(
    "gives %s's gradient: its largest entry and along a seeded direction",
    (key, k) => {
      const gradient = cnnReference().gradients.get(key) as Float64Array;
      let top = 0;
      gradient.forEach((g, i) => {
        if (Math.abs(g) > Math.abs(gradient[top] as number)) top = i;
      });
      const unit = new Float64Array(gradient.length);
      unit[top] = 1;
      const seeded = randomFloat32(gradient.length, 61 + k);
      for (const direction of [unit, seeded]) {
        let along = 0;
        let magnitude = 0;
        direction.forEach((v, i) => {
          along += v * (gradient[i] as number);
          magnitude += Math.abs(v * (gradient[i] as number));
        });
        const [a, b] = [slope(key, direction, 1e-7), slope(key, direction, 4e-8)];
        expect(Math.abs(a - b), "the probe crosses a kink").toBeLessThan(1e-5 * magnitude);
        expect(Math.abs(along - a)).toBeLessThan(1e-5 * magnitude);
      }
    },
  );

  test("gives the convolutions' biases the 0 gradient batch norm leaves them", () => {
    const ref = cnnReference();
    for (const key of ["conv1.bias", "conv2.bias"]) {
      const weights = ref.gradients.get(key.replace("bias", "weight")) as Float64Array;
      const largest = Math.max(...Array.from(weights, Math.abs));
      for (const g of ref.gradients.get(key) as Float64Array) {
        expect(Math.abs(g)).toBeLessThan(1e-12 * largest);
      }
    }
  });
});
