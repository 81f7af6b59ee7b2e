import { Parameter, type Variable, type VariableLike } from "@zerograd/autograd";
import { astype, formatShape, NDArray, shapesEqual, type TypedArray } from "@zerograd/ndarray";
import { NNError, StateDictError } from "./errors";

/**
 * A state dict: a name for every parameter and buffer of a layer tree (dotted, PyTorch's
 * keys) → its array. Keys keep the layer's field order.
 */
export type StateDict = Record<string, NDArray>;

/** Options of `loadStateDict`. */
export interface LoadStateDictOptions {
  /** Whether missing and unexpected keys are errors (default true). Wrong shapes always are. */
  strict?: boolean;
}

/** What `loadStateDict` reports when it succeeds (the lists are empty when `strict`). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * Non-trainable state of a layer that belongs in its state dict (PyTorch's buffers), such as
 * BatchNorm's running statistics. A layer keeps one in a field, like a Parameter:
 * `this.runningMean = new Buffer(zeros([n]))`; optimizers never see it, `stateDict` and
 * `loadStateDict` do. The layer updates `data` in place (or replaces it).
 */
export class Buffer {
  // The CommonJS build would otherwise be named Buffer2: esbuild keeps clear of Node's global
  // `Buffer` there, and `constructor.name` shows in error messages.
  static {
    // biome-ignore lint/complexity/noThisInStatic: naming the class here would make esbuild rename it too (_Buffer).
    Object.defineProperty(this, "name", { value: "Buffer" });
  }

  /** The values. */
  data: NDArray;

  /** Wraps `data` (shared, not copied). Throws TypeError for anything but an NDArray. */
  constructor(data: NDArray) {
    if (!(data instanceof NDArray))
      throw new TypeError(`Buffer: expected an NDArray, got ${typeof data}`);
    this.data = data;
  }
}

/**
 * A layer of any signature: what can be walked (parameters, buffers, sub-layers, modes) but
 * not called without knowing more.
 */
export type AnyLayer = Layer<never[], unknown>;

/** A parameter or buffer: something whose `data` a state dict names. */
type State = Parameter | Buffer;

/**
 * The key a field gets in names and state dicts: camelCase turned into PyTorch's snake_case
 * (`runningMean` → `running_mean`), so PyTorch state dicts load into layers whose fields are
 * the camelCase of PyTorch's attributes. Lowercase names are unchanged.
 */
export function fieldKey(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * Base class of every layer (PyTorch's `Module`, DeZero's `Layer`). A subclass keeps its
 * parameters (`Parameter`), buffers (`Buffer`) and sub-layers (`Layer`, or arrays of them
 * such as Sequential's `layers`) in its own fields, and implements `forward`. Nothing needs
 * registering: the fields are found in field order (`Object.keys`, i.e. the order in which
 * the constructor creates them), recursively.
 *
 * Exactly these are found: own enumerable fields holding a `Parameter`, a `Buffer` or a
 * `Layer`, and the `Parameter`, `Buffer` and `Layer` elements of an array field (TypeScript's
 * `private`/`readonly` fields are ordinary fields and count). Not found, so neither trained,
 * saved nor switched by `train`/`eval`: `#private` fields, getters, non-enumerable or
 * symbol-keyed properties, arrays nested in arrays, `Map`s, `Set`s, plain objects and plain
 * `Variable`s (PyTorch likewise ignores modules in plain lists and dicts). Keep sub-layers in
 * plain fields, an array field or a `Sequential`.
 *
 * Names are dotted paths of field keys: `layers.0.weight` for element 0 of an array field
 * `layers`. A field's key is its name in snake_case (`runningMean` → `running_mean`, see
 * `fieldKey`), so names and state dicts match PyTorch's. Two fields with the same key
 * (`fooBar` and `foo_bar`) make every method that looks for the parts (`namedParameters`,
 * `stateDict`, `children`, ...) throw NNError naming both fields and the key; so does a
 * layer that contains itself.
 *
 * Run a layer with `layer.call(x)` or `layer.forward(x)` (the same thing; `call` is the form
 * containers use, PyTorch's `module(x)`).
 *
 * The type parameters say what `forward` takes and gives; the defaults (Variables in, one
 * Variable out) are what `Layer` alone means, and what Sequential chains. A layer with other
 * inputs or outputs names them: a recurrent layer is a
 * `Layer<[x: VariableLike, h0?: VariableLike], [Variable, Variable]>`. `AnyLayer` is the type
 * of a layer whose signature is unknown (the parts `children` returns).
 */
export abstract class Layer<Inputs extends unknown[] = VariableLike[], Output = Variable> {
  /** Whether the layer is in training mode (Dropout drops, BatchNorm uses batch statistics). */
  training = true;

  /** The output for `inputs`. */
  abstract forward(...inputs: Inputs): Output;

  /** Runs `forward` (PyTorch's `module(x)`). */
  call(...inputs: Parameters<this["forward"]>): ReturnType<this["forward"]> {
    return this.forward(...(inputs as Inputs)) as ReturnType<this["forward"]>;
  }

  /** Every parameter of this layer and its sub-layers, in field order, each once. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * `[name, parameter]` for every parameter, in field order (depth first), with dotted names
   * such as `layers.0.weight`. A parameter reachable twice (a shared layer) is listed once,
   * under its first name.
   */
  namedParameters(): [string, Parameter][] {
    return this.namedOnce(Parameter);
  }

  /** `[name, buffer]` for every buffer, in field order (depth first), each once. */
  namedBuffers(): [string, Buffer][] {
    return this.namedOnce(Buffer);
  }

  /** `[name, part]` for every part of one kind, in field order, each under its first name. */
  private namedOnce<T extends State>(kind: abstract new (data: NDArray) => T): [string, T][] {
    const seen = new Set<T>();
    const result: [string, T][] = [];
    for (const [name, state] of this.namedStates()) {
      if (state instanceof kind && !seen.has(state)) {
        seen.add(state);
        result.push([name, state]);
      }
    }
    return result;
  }

  /** The direct sub-layers, in field order (array fields in index order). */
  children(): AnyLayer[] {
    const result: AnyLayer[] = [];
    for (const [, value] of ownEntries(this)) if (isLayer(value)) result.push(value);
    return result;
  }

  /** Sets every parameter's gradient to null (PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.clearGrad();
  }

  /** Sets training mode on this layer and every sub-layer; returns this. */
  train(mode = true): this {
    const visit = (layer: AnyLayer, seen: Set<AnyLayer>) => {
      if (seen.has(layer)) return;
      seen.add(layer);
      layer.training = mode;
      for (const child of layer.children()) visit(child, seen);
    };
    visit(this, new Set());
    return this;
  }

  /** Sets evaluation mode (`train(false)`) on this layer and every sub-layer; returns this. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Every parameter's and buffer's array under its dotted name, in field order: PyTorch's
   * `state_dict` (BatchNorm1d gives `weight bias running_mean running_var
   * num_batches_tracked`). The arrays are the live ones, not copies (as in PyTorch): copy them
   * to keep a snapshot while training goes on.
   */
  stateDict(): StateDict {
    const dict: StateDict = {};
    for (const [name, state] of this.namedStates()) setEntry(dict, name, state.data);
    return dict;
  }

  /**
   * Copies `dict`'s arrays into this layer's parameters and buffers, in place (cast to each
   * one's dtype, as PyTorch's `copy_`), so optimizers holding the parameters keep working; a
   * parameter whose data is a non-contiguous view gets new data instead.
   * Checks everything first and throws `StateDictError` listing every problem, leaving the
   * layer untouched: keys missing from `dict` and keys the layer lacks (when `strict`, the
   * default), and values that are not NDArrays or have another shape (always, naming both
   * shapes). Returns the missing and unexpected keys. Throws TypeError when `dict` is not an
   * object.
   */
  loadStateDict(dict: StateDict, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const owner = this.constructor.name;
    if (typeof dict !== "object" || dict === null) {
      throw new TypeError(
        `${owner}.loadStateDict: expected a state dict object, got ${String(dict)}`,
      );
    }
    const states = this.namedStates();
    const known = new Set(states.map(([name]) => name));
    const missingKeys: string[] = [];
    const mismatchedKeys: string[] = [];
    const shapeProblems: string[] = [];
    const copies: [State, NDArray][] = [];
    for (const [name, state] of states) {
      if (!Object.hasOwn(dict, name)) {
        if (!missingKeys.includes(name)) missingKeys.push(name);
        continue;
      }
      const value = dict[name];
      if (!(value instanceof NDArray)) {
        mismatchedKeys.push(name);
        shapeProblems.push(`${name}: expected an NDArray, got ${describe(value)}`);
      } else if (!shapesEqual(value.shape, state.data.shape)) {
        mismatchedKeys.push(name);
        shapeProblems.push(
          `${name}: the layer has shape ${formatShape(state.data.shape)}, the dict ${formatShape(value.shape)}`,
        );
      } else copies.push([state, value]);
    }
    const unexpectedKeys = Object.keys(dict).filter((key) => !known.has(key));
    const problems = [
      ...(strict && missingKeys.length > 0 ? [`missing keys: ${missingKeys.join(", ")}`] : []),
      ...(strict && unexpectedKeys.length > 0
        ? [`unexpected keys: ${unexpectedKeys.join(", ")}`]
        : []),
      ...shapeProblems,
    ];
    if (problems.length > 0) {
      throw new StateDictError(
        `${owner}.loadStateDict: ${problems.join("; ")}`,
        missingKeys,
        unexpectedKeys,
        mismatchedKeys,
      );
    }
    // Cast everything before writing anything, so a failing cast cannot leave a half-loaded layer.
    const values = copies.map(([state, value]) => astype(value, state.data.dtype).toTypedArray());
    copies.forEach(([state], i) => {
      writeInto(state, values[i] as TypedArray);
    });
    return { missingKeys, unexpectedKeys };
  }

  /** `[name, parameter or buffer]` for every state entry, in field order, duplicates kept. */
  private namedStates(): [string, State][] {
    const result: [string, State][] = [];
    const path = new Set<AnyLayer>();
    const visit = (layer: AnyLayer, prefix: string) => {
      path.add(layer);
      for (const [key, value] of ownEntries(layer, prefix)) {
        const name = prefix + key;
        if (isLayer(value)) {
          if (path.has(value)) {
            throw new NNError(
              `${this.constructor.name}: field ${name} refers back to an enclosing layer (${value.constructor.name}); layers must form a tree`,
            );
          }
          visit(value, `${name}.`);
        } else result.push([name, value]);
      }
      path.delete(layer);
    };
    visit(this, "");
    return result;
  }
}

/**
 * The parameters, buffers and sub-layers in a layer's own fields, with their keys, in order.
 * Throws NNError when two fields holding parts map to the same key (`fooBar` and `foo_bar`
 * both give `foo_bar`), naming both fields, the key and where the layer sits (`path`).
 */
function ownEntries(layer: AnyLayer, path = ""): [string, State | AnyLayer][] {
  const result: [string, State | AnyLayer][] = [];
  const fieldOfKey = new Map<string, string>();
  const record = layer as unknown as Record<string, unknown>;
  for (const field of Object.keys(record)) {
    const value = record[field];
    const key = fieldKey(field);
    const before = result.length;
    if (isPart(value)) result.push([key, value]);
    else if (Array.isArray(value)) {
      value.forEach((element, i) => {
        if (isPart(element)) result.push([`${key}.${i}`, element]);
      });
    }
    if (result.length === before) continue;
    const other = fieldOfKey.get(key);
    if (other !== undefined) {
      const where = path === "" ? "" : ` (at ${path.slice(0, -1)})`;
      throw new NNError(
        `${layer.constructor.name}${where}: the fields ${other} and ${field} both map to the key ${key}; rename one of them (names and state-dict keys must be unique)`,
      );
    }
    fieldOfKey.set(key, field);
  }
  return result;
}

/**
 * Whether `value` is a layer. Outside the class on purpose: a class that names itself in its
 * body is renamed (`_Layer`) by the bundler, and `Layer.name` would say so.
 */
function isLayer(value: unknown): value is AnyLayer {
  return value instanceof Layer;
}

function isPart(value: unknown): value is State | AnyLayer {
  return value instanceof Parameter || value instanceof Buffer || value instanceof Layer;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a JS array";
  if (typeof value === "object") return (value as object).constructor?.name ?? "an object";
  return typeof value;
}

/** Defines `dict[key]` as an own property even for keys like `__proto__`. */
export function setEntry(dict: StateDict, key: string, value: NDArray): void {
  Object.defineProperty(dict, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Writes row-major `values` into `state.data`: in place when it is contiguous, else as a new array. */
function writeInto(state: State, values: TypedArray): void {
  const target = state.data;
  if (target.isContiguous) target.data.set(values, target.offset);
  else state.data = new NDArray(values, target.shape);
}
