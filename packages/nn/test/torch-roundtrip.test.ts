// Safetensors both ways with PyTorch 1.13, without Python: zerograd's files (written by
// fixtures/write_zerograd.ts) were loaded into torch modules by generate_roundtrip.py with
// strict=True after the documented key mapping, and torch's outputs and its own state dicts
// were saved. Here: the committed files are what toSafetensors writes today, zerograd's
// outputs match torch's within float32 rounding, and torch's files load back into zerograd.
import { readFileSync } from "node:fs";
import { array, arrayEqual, engine, type NDArray } from "@zerograd/ndarray";
import { afterAll, describe, expect, it } from "vitest";
import {
  fromSafetensors,
  readSafetensorsHeader,
  type StateDict,
  toSafetensors,
} from "../src/index";
import { ErrorLog, fixture, maxAbsError } from "./helpers";
import {
  type FixtureTensor,
  type KeyMapping,
  ROUND_TRIP_CASES,
  SAVED_SEED,
  toFixtureTensor,
  torchKey,
  zerogradKey,
} from "./roundtrip-models";

interface Written {
  seed: number;
  models: Record<
    string,
    {
      file: string;
      keyMapping: KeyMapping;
      inputs: Record<string, FixtureTensor>;
      outputs: Record<string, FixtureTensor>;
    }
  >;
}

interface TorchSide {
  torchVersion: string;
  models: Record<
    string,
    {
      torchFile: string;
      keys: [string, string][];
      torchDtypes: Record<string, string>;
      outputs: Record<string, FixtureTensor>;
      differences: Record<string, { maxAbsDiff: number; tolerance: number }>;
    }
  >;
}

const written = fixture<Written>("zerograd_written.json");
const torch = fixture<TorchSide>("torch_roundtrip.json");
const bytesOf = (file: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${file}`, import.meta.url)));
const nested = (t: FixtureTensor) =>
  array(Float64Array.from(t.values), { shape: t.shape }).toArray() as number[];
const FLOAT32_ULP = 2 ** -23;
const log = new ErrorLog();
/**
 * The fixtures record the JavaScript engine's results bit for bit; another engine (pnpm
 * test:wasm) sums in another order, so there they are checked within float32 rounding.
 */
const reference = engine().name.startsWith("js");
afterAll(() => console.log(`max |zerograd − PyTorch ${torch.torchVersion}| (float32):\n${log}`));

/** The saved model, the state dict it saved, and its outputs on the fixture's inputs. */
function runCase(c: (typeof ROUND_TRIP_CASES)[number]) {
  const model = c.build(SAVED_SEED);
  const bytes = toSafetensors(model.stateDict());
  const saved = fromSafetensors(bytes); // a copy: `run` moves BatchNorm's statistics
  return { model, bytes, saved, outputs: c.run(model, c.inputs()) };
}

describe.each(ROUND_TRIP_CASES.map((c) => [c.name, c] as const))("%s", (name, c) => {
  const ours = written.models[name];
  const theirs = torch.models[name];
  if (!ours || !theirs) throw new Error(`${name} is missing from the fixtures`);
  const { bytes, saved, outputs } = runCase(c);

  it("the committed file is byte for byte what toSafetensors writes now", () => {
    expect(c.build(SAVED_SEED).stateDict()).not.toEqual({});
    expect(bytes).toEqual(bytesOf(ours.file));
  });

  it("the committed inputs and zerograd outputs are what the model gives now", () => {
    for (const [input, value] of Object.entries(c.inputs())) {
      expect(toFixtureTensor(value), input).toEqual(ours.inputs[input]);
    }
    expect(Object.keys(outputs)).toEqual(Object.keys(ours.outputs));
    for (const [output, value] of Object.entries(outputs)) {
      const recorded = ours.outputs[output] as FixtureTensor;
      if (reference) {
        expect(toFixtureTensor(value), output).toEqual(recorded);
      } else {
        const scale = Math.max(1, ...recorded.values.map(Math.abs));
        const error = maxAbsError(value, nested(recorded));
        expect(error, output).toBeLessThanOrEqual(16 * FLOAT32_ULP * scale);
      }
    }
  });

  it("matches PyTorch's outputs within float32 rounding", () => {
    expect(Object.keys(theirs.outputs)).toEqual(Object.keys(outputs));
    for (const [output, value] of Object.entries(outputs)) {
      const expected = theirs.outputs[output] as FixtureTensor;
      expect(value.shape, output).toEqual(expected.shape);
      const error = log.note(`${name}.${output}`, maxAbsError(value, nested(expected)));
      const scale = Math.max(1, ...expected.values.map(Math.abs));
      expect(error, output).toBeLessThanOrEqual(16 * FLOAT32_ULP * scale);
      if (reference) expect(error, output).toBe(theirs.differences[output]?.maxAbsDiff);
    }
  });

  it("its keys become PyTorch's with the documented mapping (strict load in torch)", () => {
    const keys = readSafetensorsHeader(bytes).tensors.map(([key]) => key);
    expect(theirs.keys).toEqual(keys.map((key) => [key, torchKey(key, c.keyMapping)]));
    for (const [key, torchName] of theirs.keys) {
      expect(zerogradKey(torchName, c.keyMapping)).toBe(key);
    }
  });

  it("loads PyTorch's own state dict back (torch's keys, I64 counters) with the mapping", () => {
    const torchDict = fromSafetensors(bytesOf(theirs.torchFile));
    const renamed: StateDict = {};
    for (const [key, value] of Object.entries(torchDict)) {
      renamed[zerogradKey(key, c.keyMapping)] = value;
    }
    const fresh = c.build(SAVED_SEED + 1);
    const before = fresh.stateDict();
    expect(
      Object.keys(before).some((key) => !arrayEqual(before[key] as NDArray, saved[key] as NDArray)),
    ).toBe(true);
    expect(fresh.loadStateDict(renamed)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    for (const [key, value] of Object.entries(fresh.stateDict())) {
      expect(value.dtype, key).toBe((saved[key] as NDArray).dtype);
      expect(arrayEqual(value, saved[key] as NDArray), key).toBe(true);
    }
    const again = c.run(fresh, c.inputs());
    for (const [output, value] of Object.entries(again)) {
      expect(arrayEqual(value, outputs[output] as NDArray), output).toBe(true);
    }
  });
});

describe("the PyTorch side", () => {
  it("saved torch's int64 counters as I64 and everything else as PyTorch's dtypes", () => {
    const cnn = torch.models.cnn;
    expect(cnn?.torchDtypes["1.num_batches_tracked"]).toBe("int64");
    const header = readSafetensorsHeader(bytesOf(cnn?.torchFile ?? ""));
    const counter = header.tensors.find(([key]) => key === "1.num_batches_tracked");
    expect(counter?.[1].dtype).toBe("I64");
    expect(header.metadata).toEqual({ format: "pt" });
  });

  it("the README's Python snippet is the code generate_roundtrip.py ran", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("\n### Loading a zerograd file in PyTorch\n"));
    const snippet = /```python\n([\s\S]*?)```/.exec(section)?.[1];
    expect(snippet, "no python block under the heading").toBeDefined();
    const generator = readFileSync(
      new URL("./fixtures/generate_roundtrip.py", import.meta.url),
      "utf8",
    );
    expect(generator).toContain(snippet);
  });
});
