import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { array, arrayEqual, type DType, type NDArray, Random, zeros } from "@zerograd/ndarray";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BatchNorm1d,
  fromSafetensors,
  Linear,
  readSafetensorsHeader,
  SafetensorsError,
  Sequential,
  type StateDict,
  toSafetensors,
} from "../src/index";
import { fixture } from "./helpers";

interface WrittenTensor {
  dtype: string;
  shape: number[];
  dataOffsets: [number, number];
  values: (number | boolean)[];
}

const file = new Uint8Array(
  readFileSync(new URL("./fixtures/torch_written.safetensors", import.meta.url)),
);
const written = fixture<{
  fileSize: number;
  headerLength: number;
  metadata: Record<string, string>;
  order: string[];
  tensors: Record<string, WrittenTensor>;
}>("torch_written.json");

const DTYPES: Record<string, DType> = {
  F64: "float64",
  F32: "float32",
  I32: "int32",
  BOOL: "bool",
};

/** safetensors bytes from a header (object or raw text, padded) and a data buffer. */
function build(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const text = typeof header === "string" ? header : JSON.stringify(header);
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function expectFailure(bytes: Uint8Array, message: string | RegExp): void {
  expect(() => fromSafetensors(bytes)).toThrow(SafetensorsError);
  expect(() => fromSafetensors(bytes)).toThrow(message);
}

describe("the PyTorch-written file", () => {
  it("loads every tensor with its dtype, shape and exact values", () => {
    expect(file.length).toBe(written.fileSize);
    const dict = fromSafetensors(file);
    expect(Object.keys(dict)).toEqual(written.order);
    for (const [name, expected] of Object.entries(written.tensors)) {
      const value = dict[name] as NDArray;
      expect(value.dtype, name).toBe(DTYPES[expected.dtype]);
      expect(value.shape, name).toEqual(expected.shape);
      const values = Array.from(value.toTypedArray());
      const wanted = expected.values.map((v) => (typeof v === "boolean" ? Number(v) : v));
      values.forEach((v, i) => {
        expect(Object.is(v, wanted[i]), `${name}[${i}]: ${v} vs ${wanted[i]}`).toBe(true);
      });
    }
    expect(Object.is((dict.double as NDArray).toTypedArray()[5], -0)).toBe(true);
  });

  it("has the header the JSON describes", () => {
    const header = readSafetensorsHeader(file);
    expect(header.dataStart).toBe(8 + written.headerLength);
    expect(header.metadata).toEqual(written.metadata);
    expect(header.tensors.map(([name]) => name)).toEqual(written.order);
    for (const [name, info] of header.tensors) {
      const expected = written.tensors[name] as WrittenTensor;
      expect(info).toEqual({
        dtype: expected.dtype,
        shape: expected.shape,
        dataOffsets: expected.dataOffsets,
      });
    }
  });

  it("is reproduced byte for byte by re-encoding what was loaded", () => {
    const again = toSafetensors(fromSafetensors(file), written.metadata);
    expect(again).toEqual(file);
  });

  it("loads into a Linear(4, 3) as a state dict", () => {
    const dict = fromSafetensors(file);
    const layer = new Linear(4, 3, { rng: new Random(0) });
    layer.loadStateDict({
      weight: dict["linear.weight"] as NDArray,
      bias: dict["linear.bias"] as NDArray,
    });
    expect(Array.from(layer.weight.data.toTypedArray())).toEqual(
      written.tensors["linear.weight"]?.values,
    );
  });
});

describe("toSafetensors", () => {
  it("writes an 8-byte-aligned header and reads back a model's state dict", () => {
    const model = new Sequential(new Linear(3, 4, { rng: new Random(1) }), new BatchNorm1d(4));
    model.call(new Random(2).normal(0, 1, [8, 3]));
    const bytes = toSafetensors(model.stateDict(), { format: "pt" });
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    expect(headerLength % 8).toBe(0);
    expect(readSafetensorsHeader(bytes).metadata).toEqual({ format: "pt" });
    const copy = new Sequential(new Linear(3, 4, { rng: new Random(5) }), new BatchNorm1d(4));
    copy.loadStateDict(fromSafetensors(bytes));
    const x = new Random(3).normal(0, 1, [2, 3]);
    model.eval();
    copy.eval();
    expect(arrayEqual(copy.call(x).data, model.call(x).data)).toBe(true);
    expect(fromSafetensors(bytes)["layers.1.num_batches_tracked"]?.dtype).toBe("int32");
    expect(readSafetensorsHeader(toSafetensors({})).metadata).toBeNull();
  });

  it("round-trips any dict of arrays exactly (dtypes, 0-d, empty, strided views)", () => {
    const dtypes: DType[] = ["float32", "float64", "int32", "bool"];
    const arrayArb = fc
      .record({
        dtype: fc.constantFrom(...dtypes),
        shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
        seed: fc.integer({ min: 0, max: 1e6 }),
        transposed: fc.boolean(),
      })
      .map(({ dtype, shape, seed, transposed }) => {
        const rng = new Random(seed);
        const values = rng.normal(0, 100, shape, { dtype: "float64" });
        const x =
          dtype === "bool"
            ? values.greater(0)
            : dtype === "int32"
              ? values.astype("int32")
              : values.astype(dtype);
        return transposed ? x.transpose() : x;
      });
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), arrayArb, { maxKeys: 5 }),
        (dict) => {
          fc.pre(!("__metadata__" in dict));
          const back = fromSafetensors(toSafetensors(dict));
          expect(Object.keys(back).sort()).toEqual(Object.keys(dict).sort());
          for (const [name, value] of Object.entries(dict)) {
            const got = back[name] as NDArray;
            expect(got.dtype).toBe(value.dtype);
            expect(got.shape).toEqual(value.shape);
            expect(Array.from(got.toTypedArray())).toEqual(Array.from(value.toTypedArray()));
          }
        },
      ),
    );
  });

  it("reads from a Uint8Array subclass such as Node's Buffer, whose slice is a view", () => {
    const bytes = toSafetensors({ a: array([1, 2]), b: array([3, 4, 5], "int32") });
    const loaded = fromSafetensors(Buffer.from(bytes));
    expect(loaded.a?.toArray()).toEqual([1, 2]);
    expect(loaded.b?.toArray()).toEqual([3, 4, 5]);
  });

  it("keeps awkward names as plain keys", () => {
    const dict: StateDict = {};
    Object.defineProperty(dict, "__proto__", { value: zeros([1]), enumerable: true });
    const back = fromSafetensors(toSafetensors(dict));
    expect(Object.keys(back)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });

  it("rejects what the format cannot hold", () => {
    expect(() => toSafetensors({ w: [1, 2] as unknown as NDArray })).toThrow(SafetensorsError);
    expect(() => toSafetensors({ __metadata__: zeros([1]) })).toThrow('"__metadata__" is reserved');
    expect(() => toSafetensors({}, { epoch: 3 as unknown as string })).toThrow(
      'toSafetensors: metadata values must be strings, "epoch" is number',
    );
  });
});

describe("fromSafetensors rejects corrupt bytes", () => {
  it("every truncation of a valid file", () => {
    for (let length = 0; length < file.length; length++) {
      expect(() => fromSafetensors(file.subarray(0, length)), `length ${length}`).toThrow(
        SafetensorsError,
      );
    }
  });

  it("bad header lengths and headers that are not JSON objects", () => {
    expectFailure(new Uint8Array(5), "5 bytes is too short for the 8-byte header length");
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setUint32(4, 1, true); // 2^32
    expectFailure(huge, "header length 4294967296 exceeds 100000000");
    const past = build({});
    new DataView(past.buffer).setUint32(0, 40, true);
    expectFailure(past, "header length 40 runs past the end of the 10-byte file");
    expectFailure(build('{"a": '), /the header is not valid JSON/);
    expectFailure(build("[1, 2]"), "the header must be a JSON object");
    const badUtf8 = build('{"x":1}');
    badUtf8[10] = 0xff;
    expectFailure(badUtf8, "the header is not valid UTF-8");
  });

  it("bad entries: dtype, shape, offsets, metadata", () => {
    const data = new Uint8Array(8);
    const tensor = (extra: object) =>
      build({ t: { dtype: "F32", shape: [2], data_offsets: [0, 8], ...extra } }, data);
    expect(Array.from(fromSafetensors(tensor({})).t?.toTypedArray() ?? [])).toEqual([0, 0]);
    expectFailure(
      tensor({ dtype: "F16" }),
      'tensor "t" has dtype "F16"; this reader supports F64, F32, I32, I64 and BOOL',
    );
    expectFailure(
      tensor({ shape: [3] }),
      'tensor "t": F32 of shape [3] needs 12 bytes, data_offsets [0, 8] hold 8',
    );
    expectFailure(tensor({ shape: [-2] }), 'tensor "t" has shape [-2]');
    expectFailure(tensor({ data_offsets: [8, 0] }), "expected [begin, end] with 0 <= begin <= end");
    expectFailure(tensor({ data_offsets: [0] }), "data_offsets [0]");
    expectFailure(build({ t: "F32" }, data), 'tensor "t" must be an object');
    expectFailure(build({ __metadata__: { a: 1 } }), 'metadata "a" is not a string');
    expectFailure(build({ __metadata__: [] }), '"__metadata__" must be an object of strings');
  });

  it("offsets that overlap, leave gaps or run past the data", () => {
    const data = new Uint8Array(12);
    const two = (a: [number, number], b: [number, number], bytes = data) =>
      build(
        {
          a: { dtype: "I32", shape: [(a[1] - a[0]) / 4], data_offsets: a },
          b: { dtype: "I32", shape: [(b[1] - b[0]) / 4], data_offsets: b },
        },
        bytes,
      );
    expect(Object.keys(fromSafetensors(two([0, 4], [4, 12])))).toEqual(["a", "b"]);
    expectFailure(
      two([0, 8], [4, 12]),
      'tensor "b" at bytes [4, 12) overlaps the previous tensor (which ends at 8)',
    );
    expectFailure(
      two([0, 4], [8, 12]),
      "a gap in the data buffer: bytes [4, 8) belong to no tensor",
    );
    expectFailure(
      two([0, 4], [4, 16]),
      'tensor "b" at bytes [4, 16) runs past the 12-byte data buffer',
    );
    expectFailure(two([0, 4], [4, 8]), "the data buffer has 12 bytes but the tensors cover 8");
  });

  it("BOOL bytes other than 0/1; I64 read as int32 when it fits", () => {
    expectFailure(
      build({ m: { dtype: "BOOL", shape: [2], data_offsets: [0, 2] } }, new Uint8Array([1, 2])),
      'tensor "m" has byte 2 at element 1; BOOL bytes must be 0 or 1',
    );
    const i64 = new Uint8Array(16);
    const view = new DataView(i64.buffer);
    view.setBigInt64(0, -5n, true);
    view.setBigInt64(8, 2147483647n, true);
    const header = { n: { dtype: "I64", shape: [2], data_offsets: [0, 16] } };
    const n = fromSafetensors(build(header, i64)).n as NDArray;
    expect(n.dtype).toBe("int32");
    expect(n.toArray()).toEqual([-5, 2147483647]);
    view.setBigInt64(8, 2147483648n, true);
    expectFailure(
      build(header, i64),
      'tensor "n" has I64 value 2147483648 at element 1, outside int32',
    );
  });

  it("accepts an ArrayBuffer and a view into a larger buffer", () => {
    const padded = new Uint8Array(file.length + 16);
    padded.set(file, 16);
    const view = padded.subarray(16);
    expect(Object.keys(fromSafetensors(view))).toEqual(written.order);
    expect(Object.keys(fromSafetensors(file.slice().buffer))).toEqual(written.order);
    // From another realm (an iframe, a worker): instanceof fails there, the built-in tag does not.
    const foreign = runInNewContext("new Uint8Array(values)", { values: [...file] });
    expect(foreign instanceof Uint8Array).toBe(false);
    expect(Object.keys(fromSafetensors(foreign))).toEqual(written.order);
    const foreignBuffer = runInNewContext("new Uint8Array(values).buffer", { values: [...file] });
    expect(Object.keys(fromSafetensors(foreignBuffer))).toEqual(written.order);
    expect(
      arrayEqual(
        fromSafetensors(view).ints as NDArray,
        array(written.tensors.ints?.values as number[], "int32"),
      ),
    ).toBe(true);
  });

  it("rejects anything but a Uint8Array or an ArrayBuffer, saying what it got", () => {
    const bad: [unknown, string][] = [
      [new DataView(file.slice().buffer), "a DataView"],
      [new Float32Array(4), "a Float32Array"],
      ["not bytes", "a string"],
      [[1, 2, 3], "a JS array"],
      [null, "null"],
      [undefined, "undefined"],
    ];
    for (const [value, got] of bad) {
      for (const [read, op] of [
        [fromSafetensors, "fromSafetensors"],
        [readSafetensorsHeader, "readSafetensorsHeader"],
      ] as const) {
        const call = () => read(value as Uint8Array);
        expect(call).toThrow(SafetensorsError);
        expect(call).toThrow(`${op}: expected a Uint8Array or an ArrayBuffer, got ${got}`);
      }
    }
  });
});
