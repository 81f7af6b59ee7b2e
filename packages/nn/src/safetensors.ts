import { type DType, NDArray, type TypedArray } from "@zerograd/ndarray";
import { SafetensorsError } from "./errors";
import { type StateDict, setEntry } from "./layer";

// The safetensors format (Hugging Face): an 8-byte little-endian unsigned header length n,
// n bytes of UTF-8 JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?:
// {string: string}}, then the data buffer, each tensor row-major little-endian at its offsets
// (relative to the buffer's start). The tensors must cover the buffer exactly, without gaps or
// overlaps.

/** The dtypes this package reads: the four of ndarray, plus PyTorch's int64 (read as int32). */
export type SafetensorsDType = "F64" | "F32" | "I32" | "BOOL" | "I64";

/** One tensor's header entry. */
export interface SafetensorsTensorInfo {
  dtype: SafetensorsDType;
  shape: number[];
  /** [begin, end) in bytes, relative to the start of the data buffer. */
  dataOffsets: [number, number];
}

/** A parsed, validated header. */
export interface SafetensorsHeader {
  /** The `__metadata__` strings, or null when the file has none. */
  metadata: Record<string, string> | null;
  /** The tensors in data order. */
  tensors: [string, SafetensorsTensorInfo][];
  /** Where the data buffer starts in the file: 8 + the header length. */
  dataStart: number;
}

const ITEM_SIZE: Record<SafetensorsDType, number> = { F64: 8, F32: 4, I32: 4, BOOL: 1, I64: 8 };
const WRITTEN: Record<DType, SafetensorsDType> = {
  float64: "F64",
  float32: "F32",
  int32: "I32",
  bool: "BOOL",
};
/** The reference writer's order: larger elements first, so every tensor stays aligned. */
const WRITE_RANK: Record<DType, number> = { float64: 0, float32: 1, int32: 2, bool: 3 };
/** The reference implementation refuses headers above 100 MB. */
const MAX_HEADER = 100_000_000;
const METADATA = "__metadata__";

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Serialises a state dict (name → NDArray, e.g. `layer.stateDict()`) as safetensors bytes,
 * readable by Hugging Face's `safetensors` and PyTorch (`safetensors.torch.load`). float64,
 * float32, int32 and bool become F64, F32, I32 and BOOL. Tensors are laid out as the reference
 * writer does (by dtype, larger elements first, then by name), the header is compact JSON
 * with `__metadata__` first, padded with spaces to a multiple of 8 bytes. `metadata` must map
 * strings to strings. Throws SafetensorsError for a value that is not an NDArray, a key
 * `__metadata__`, or metadata values that are not strings.
 */
export function toSafetensors(dict: StateDict, metadata?: Record<string, string>): Uint8Array {
  const entries = Object.entries(dict);
  for (const [name, value] of entries) {
    if (!(value instanceof NDArray)) {
      throw new SafetensorsError(`toSafetensors: ${JSON.stringify(name)} is not an NDArray`);
    }
    if (name === METADATA) {
      throw new SafetensorsError(`toSafetensors: "${METADATA}" is reserved for the metadata`);
    }
  }
  if (metadata !== undefined) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== "string") {
        throw new SafetensorsError(
          `toSafetensors: metadata values must be strings, ${JSON.stringify(key)} is ${typeof value}`,
        );
      }
    }
  }
  entries.sort(
    ([a, x], [b, y]) => WRITE_RANK[x.dtype] - WRITE_RANK[y.dtype] || (a < b ? -1 : a > b ? 1 : 0),
  );
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header[METADATA] = metadata;
  let offset = 0;
  const chunks = entries.map(([name, value]) => {
    const bytes = littleEndianBytes(value.toTypedArray());
    Object.defineProperty(header, name, {
      value: {
        dtype: WRITTEN[value.dtype],
        shape: value.shape,
        data_offsets: [offset, offset + bytes.length],
      },
      enumerable: true,
    });
    offset += bytes.length;
    return bytes;
  });
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const bytes of chunks) {
    out.set(bytes, position);
    position += bytes.length;
  }
  return out;
}

/** The bytes of a row-major typed array, little-endian whatever the host. */
function littleEndianBytes(values: TypedArray): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (littleEndianHost || values.BYTES_PER_ELEMENT === 1) return bytes;
  const swapped = new Uint8Array(bytes.length);
  const size = values.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += size) {
    for (let k = 0; k < size; k++) swapped[i + k] = bytes[i + size - 1 - k] as number;
  }
  return swapped;
}

/**
 * Parses and validates the header of safetensors bytes without reading the data. Throws
 * SafetensorsError when the bytes are too short, the header length is out of range, the
 * header is not UTF-8 JSON of the right form, a dtype is unknown, a shape does not match its
 * byte size, or the offsets leave gaps, overlap or run past the end, and for `bytes` that are
 * neither a Uint8Array nor an ArrayBuffer (a DataView, a string, ...).
 */
export function readSafetensorsHeader(bytes: Uint8Array | ArrayBuffer): SafetensorsHeader {
  return parseHeader(asBytes(bytes, "readSafetensorsHeader"), "readSafetensorsHeader");
}

/**
 * `bytes` as a Uint8Array (an ArrayBuffer is wrapped, not copied). Anything else throws
 * SafetensorsError naming `op` and what it got, before any byte is looked at. The checks go
 * by the built-in tag, so arrays and buffers from another realm (an iframe, a worker) pass.
 */
function asBytes(bytes: unknown, op: string): Uint8Array {
  const tag = Object.prototype.toString.call(bytes);
  if (bytes instanceof Uint8Array || tag === "[object Uint8Array]") return bytes as Uint8Array;
  if (bytes instanceof ArrayBuffer || tag === "[object ArrayBuffer]") {
    return new Uint8Array(bytes as ArrayBuffer);
  }
  throw new SafetensorsError(
    `${op}: expected a Uint8Array or an ArrayBuffer, got ${describeInput(bytes)}`,
  );
}

function describeInput(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "a JS array";
  if (typeof value !== "object") return `a ${typeof value}`;
  const name = (value as object).constructor?.name;
  if (!name || name === "Object") return "an object";
  return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`;
}

/** Parses and checks the header of `file`; errors name `op`. See `readSafetensorsHeader`. */
function parseHeader(file: Uint8Array, op: string): SafetensorsHeader {
  const fail = (why: string): never => {
    throw new SafetensorsError(`${op}: ${why}`);
  };
  if (file.length < 8) fail(`${file.length} bytes is too short for the 8-byte header length`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > MAX_HEADER) fail(`header length ${headerLength} exceeds ${MAX_HEADER}`);
  if (headerLength > file.length - 8) {
    fail(`header length ${headerLength} runs past the end of the ${file.length}-byte file`);
  }
  let text = "";
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(file.subarray(8, 8 + headerLength));
  } catch {
    fail("the header is not valid UTF-8");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`the header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    fail("the header must be a JSON object");
  }
  const record = parsed as Record<string, unknown>;
  let metadata: Record<string, string> | null = null;
  const tensors: [string, SafetensorsTensorInfo][] = [];
  for (const name of Object.keys(record)) {
    const entry = record[name];
    if (name === METADATA) {
      metadata = checkMetadata(entry, fail);
      continue;
    }
    tensors.push([name, checkTensor(name, entry, fail)]);
  }
  tensors.sort(
    ([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1],
  );
  const dataStart = 8 + headerLength;
  const dataLength = file.length - dataStart;
  let covered = 0;
  for (const [name, info] of tensors) {
    const [begin, end] = info.dataOffsets;
    if (begin !== covered) {
      fail(
        begin < covered
          ? `tensor ${JSON.stringify(name)} at bytes [${begin}, ${end}) overlaps the previous tensor (which ends at ${covered})`
          : `a gap in the data buffer: bytes [${covered}, ${begin}) belong to no tensor`,
      );
    }
    if (end > dataLength) {
      fail(
        `tensor ${JSON.stringify(name)} at bytes [${begin}, ${end}) runs past the ${dataLength}-byte data buffer`,
      );
    }
    covered = end;
  }
  if (covered !== dataLength) {
    fail(`the data buffer has ${dataLength} bytes but the tensors cover ${covered}`);
  }
  return { metadata, tensors, dataStart };
}

function checkMetadata(entry: unknown, fail: (why: string) => never): Record<string, string> {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    fail(`"${METADATA}" must be an object of strings`);
  }
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
    if (typeof value !== "string") fail(`metadata ${JSON.stringify(key)} is not a string`);
    Object.defineProperty(metadata, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return metadata;
}

function checkTensor(
  name: string,
  entry: unknown,
  fail: (why: string) => never,
): SafetensorsTensorInfo {
  const what = `tensor ${JSON.stringify(name)}`;
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    fail(`${what} must be an object with dtype, shape and data_offsets`);
  }
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== "string" || !Object.hasOwn(ITEM_SIZE, dtype)) {
    fail(
      `${what} has dtype ${JSON.stringify(dtype)}; this reader supports F64, F32, I32, I64 and BOOL`,
    );
  }
  const isCount = (d: unknown) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(`${what} has shape ${JSON.stringify(shape)}; expected a list of non-negative integers`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every(isCount) ||
    offsets[0] > offsets[1]
  ) {
    fail(
      `${what} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 <= begin <= end`,
    );
  }
  const info: SafetensorsTensorInfo = {
    dtype: dtype as SafetensorsDType,
    shape: [...(shape as number[])],
    dataOffsets: [offsets[0] as number, offsets[1] as number],
  };
  const elements = info.shape.reduce((a, b) => a * b, 1);
  const expected = elements * ITEM_SIZE[info.dtype];
  const [begin, end] = info.dataOffsets;
  if (end - begin !== expected) {
    fail(
      `${what}: ${info.dtype} of shape [${info.shape.join(",")}] needs ${expected} bytes, data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return info;
}

/**
 * Reads safetensors bytes (a `Uint8Array` or `ArrayBuffer`) into a state dict (name →
 * NDArray, in data order), ready for `loadStateDict`: F64, F32, I32 and BOOL as float64,
 * float32, int32 and bool arrays; I64 (PyTorch's default integer, e.g. BatchNorm's
 * `num_batches_tracked`) as int32 when every value fits. The arrays own their memory (no
 * view into `bytes`). Everything is checked before anything is returned: corrupt or truncated
 * bytes throw SafetensorsError (see `readSafetensorsHeader`), as do BOOL bytes other than
 * 0/1 and I64 values outside int32, and so does anything but a Uint8Array or an ArrayBuffer
 * (a DataView, a string, ...), naming what it got; there is never a partial result. Use
 * `readSafetensorsHeader` for the metadata.
 */
export function fromSafetensors(bytes: Uint8Array | ArrayBuffer): StateDict {
  const file = asBytes(bytes, "fromSafetensors");
  const { tensors, dataStart } = parseHeader(file, "fromSafetensors");
  const dict: StateDict = {};
  for (const [name, info] of tensors) {
    const [begin, end] = info.dataOffsets;
    // A copy into a fresh, plain buffer: `slice` on a Uint8Array subclass (Node's Buffer)
    // returns a view of the whole file instead.
    const raw = new Uint8Array(file.subarray(dataStart + begin, dataStart + end));
    setEntry(dict, name, new NDArray(decode(name, info.dtype, raw), info.shape));
  }
  return dict;
}

/** The values of one tensor from its own copy of its little-endian bytes. */
function decode(name: string, dtype: SafetensorsDType, raw: Uint8Array): TypedArray {
  const view = new DataView(raw.buffer);
  const fail = (why: string): never => {
    throw new SafetensorsError(`fromSafetensors: tensor ${JSON.stringify(name)} ${why}`);
  };
  switch (dtype) {
    case "BOOL":
      raw.forEach((b, i) => {
        if (b > 1) fail(`has byte ${b} at element ${i}; BOOL bytes must be 0 or 1`);
      });
      return raw;
    case "I64": {
      const values = new Int32Array(raw.length / 8);
      for (let i = 0; i < values.length; i++) {
        const value = view.getBigInt64(8 * i, true);
        if (value < -2147483648n || value > 2147483647n) {
          fail(
            `has I64 value ${value} at element ${i}, outside int32 (the widest integer dtype here)`,
          );
        }
        values[i] = Number(value);
      }
      return values;
    }
    case "F64":
      return littleEndianHost
        ? new Float64Array(raw.buffer)
        : readWith(raw, 8, (i) => view.getFloat64(i, true), Float64Array);
    case "F32":
      return littleEndianHost
        ? new Float32Array(raw.buffer)
        : readWith(raw, 4, (i) => view.getFloat32(i, true), Float32Array);
    case "I32":
      return littleEndianHost
        ? new Int32Array(raw.buffer)
        : readWith(raw, 4, (i) => view.getInt32(i, true), Int32Array);
  }
}

function readWith<T extends Float64Array | Float32Array | Int32Array>(
  raw: Uint8Array,
  size: number,
  read: (byteOffset: number) => number,
  Kind: new (length: number) => T,
): T {
  const values = new Kind(raw.length / size);
  for (let i = 0; i < values.length; i++) values[i] = read(i * size);
  return values;
}
