import { enableGrad, noGrad, Variable } from "@zerograd/autograd";
import {
  array,
  astype,
  contiguous,
  copy,
  formatShape,
  isFloat,
  NDArray,
  type NestedArray,
  shapesEqual,
  type TypedArray,
  zerosLike,
} from "@zerograd/ndarray";
import { OptimizerError } from "./errors";

/**
 * A parameter group as an optimizer holds it (PyTorch's `param_groups[i]`): its parameters and
 * every hyperparameter, defaults filled in. Options may be changed between steps (schedulers set
 * `lr` this way); the next `step()` uses them as they are.
 */
export type ParamGroup<Options> = Options & { params: Variable[] };

/** A parameter group as given to a constructor: its parameters and the options it overrides. */
export type ParamGroupInput<Options> = Partial<Options> & { params: Iterable<Variable> };

/**
 * What an optimizer's constructor takes: parameters (one group using the constructor's options),
 * or parameter groups, each overriding some options.
 */
export type ParamsInput<Options> = Iterable<Variable> | Iterable<ParamGroupInput<Options>>;

/**
 * One parameter's optimizer state: counts (`step`) as numbers and buffers as NDArrays with the
 * parameter's shape and dtype. Buffers are owned by the optimizer: contiguous, offset 0.
 */
export type ParamState = { [key: string]: NDArray | number | undefined };

/**
 * `stateDict()`'s result, PyTorch's layout: `state[i]` is the state of the i-th parameter counted
 * over all groups in order (missing when it has none yet), `paramGroups` the options of each group
 * with its parameters as those indices. Buffers are copies, so the dict is a snapshot.
 */
export interface OptimizerStateDict<Options> {
  state: Record<number, Record<string, NDArray | number>>;
  paramGroups: (Options & { params: number[] })[];
}

/**
 * What `loadStateDict` accepts: a `stateDict()` result, or the same after a JSON round trip with
 * buffers as nested number arrays (e.g. `JSON.stringify(dict, (k, v) => v instanceof NDArray ?
 * v.toArray() : v)`); `state` keys may then be strings.
 */
export interface OptimizerStateDictInput<Options> {
  state: Record<number | string, Record<string, NDArray | NestedArray>>;
  paramGroups: readonly (Partial<Options> & { params: readonly number[] })[];
}

/** Returned by hook registration; `remove()` unregisters the hook (a second call does nothing). */
export interface RemovableHandle {
  remove(): void;
}

let nextHookId = 0;

/**
 * Base of every optimizer, PyTorch's `torch.optim.Optimizer`: parameter groups with resolved
 * options, per-parameter state, `step()`, `zeroGrad()`, `stateDict()`/`loadStateDict()` and step
 * hooks. A subclass supplies its defaults, `checkOptions`, `initState` and `update`, the last
 * being the update rule for one parameter as loops over its values.
 *
 * `step()` runs under `noGrad` and writes each parameter's `data` in place (same NDArray, same
 * buffer), so layers and any other reference see the new values. Parameters whose `grad` is null
 * are skipped and keep their state.
 */
export abstract class Optimizer<
  Options extends object = object,
  State extends ParamState = ParamState,
> {
  /** The constructor's options over the class defaults: what a new group inherits. */
  readonly defaults: Readonly<Partial<Options>>;
  /** The parameter groups, options resolved; change `lr` etc. here between steps. */
  readonly paramGroups: ParamGroup<Options>[] = [];
  /** Per-parameter state, created at a parameter's first update. */
  readonly state = new Map<Variable, State>();
  /** State buffers that a subclass creates later than `initState` (so a state dict may lack them). */
  protected readonly lazyStateBuffers: readonly string[] = [];
  private readonly optionNames: readonly string[];
  // Hooks are stored bound to this optimizer, so the fields' types do not mention `this`
  // (which would keep an Adam from being assignable to an Optimizer<object>).
  private readonly preHooks = new Map<number, () => void>();
  private readonly postHooks = new Map<number, () => void>();

  /**
   * `classDefaults` lists every option the class knows (an `undefined` value marks a required
   * one, like SGD's lr). Throws OptimizerError for an unknown or invalid option, an empty or
   * malformed parameter list, a parameter given twice, a non-float or non-leaf parameter.
   */
  protected constructor(
    /** The class name that error messages start with. */
    protected readonly className: string,
    params: ParamsInput<Options>,
    options: Partial<Options>,
    classDefaults: Partial<Options>,
  ) {
    this.optionNames = Object.keys(classDefaults);
    this.checkKnownOptions(options, "");
    const defaults: Partial<Options> = { ...definedEntries(classDefaults) };
    Object.assign(defaults, definedEntries(options));
    this.checkOptions(defaults, "");
    this.defaults = defaults;
    for (const group of this.groupInputs(params)) this.addParamGroup(group);
  }

  /**
   * Adds a parameter group (PyTorch's `add_param_group`), e.g. layers unfrozen mid-training.
   * Options it does not give are taken from `defaults`. Throws OptimizerError like the
   * constructor, and leaves the optimizer unchanged then.
   */
  addParamGroup(group: ParamGroupInput<Options>): void {
    const where = ` in param group ${this.paramGroups.length}`;
    if (typeof group !== "object" || group === null || !("params" in group)) {
      throw new OptimizerError(`${this.className}: a param group must be an object with params`);
    }
    const { params: groupParams, ...overrides } = group;
    this.checkKnownOptions(overrides as Partial<Options>, where);
    const params = this.checkParams(groupParams, where);
    const resolved = { ...this.defaults, ...definedEntries(overrides) } as Partial<Options>;
    for (const name of this.optionNames) {
      if ((resolved as Record<string, unknown>)[name] === undefined) {
        throw new OptimizerError(
          `${this.className}: ${name} is required${where} (give it in the options or in every param group)`,
        );
      }
    }
    this.checkOptions(resolved, where);
    this.paramGroups.push({ ...cloneOptions(resolved), params } as ParamGroup<Options>);
  }

  /**
   * Performs one update of every parameter that has a gradient, under `noGrad`, writing
   * `param.data` in place. With a `closure` (which should zero the grads, compute the loss, call
   * backward and return the loss) it is called first with grad enabled and its result returned.
   * Step pre-hooks run before everything, post-hooks after. Throws OptimizerError when a
   * parameter's data is not contiguous or its gradient's shape differs from it.
   */
  step(): void;
  step<T>(closure: () => T): T;
  step<T>(closure?: () => T): T | undefined {
    for (const hook of [...this.preHooks.values()]) hook();
    const loss = closure === undefined ? undefined : enableGrad(closure);
    noGrad(() => {
      this.paramGroups.forEach((group, g) => {
        group.params.forEach((param, i) => {
          const grad = param.grad;
          if (grad === null) return;
          const where = () =>
            `${this.className}: param group ${g}, parameter ${i}${param.name === null ? "" : ` (${param.name})`}`;
          const values = updatableValues(param, where);
          const gradient = gradientValues(param, grad, where);
          let state = this.state.get(param);
          if (state === undefined) {
            state = this.initState(param, group);
            this.state.set(param, state);
          }
          this.update(param, values, gradient, state, group);
        });
      });
    });
    for (const hook of [...this.postHooks.values()]) hook();
    return loss;
  }

  /**
   * Clears the gradient of every parameter: sets it to null (default, PyTorch's `set_to_none`),
   * or with `setToNone = false` to a fresh zero gradient.
   */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        if (param.grad === null) continue;
        param.grad = setToNone
          ? null
          : new Variable(zerosLike(param.data), { requiresGrad: false });
      }
    }
  }

  /**
   * A snapshot of the optimizer: every group's options and each parameter's state, with
   * parameters as indices counted over all groups (see `OptimizerStateDict`). Buffers are copied,
   * so later steps do not change it; loading it into an optimizer built the same way resumes
   * the exact trajectory.
   */
  stateDict(): OptimizerStateDict<Options> {
    const state: Record<number, Record<string, NDArray | number>> = {};
    let index = 0;
    const paramGroups = this.paramGroups.map(({ params, ...options }) => {
      const ids = params.map((param) => {
        const entries = this.state.get(param);
        if (entries !== undefined) {
          const saved: Record<string, NDArray | number> = {};
          for (const [key, value] of Object.entries(entries)) {
            if (value !== undefined) saved[key] = value instanceof NDArray ? copy(value) : value;
          }
          state[index] = saved;
        }
        return index++;
      });
      return { ...cloneOptions(options), params: ids } as Options & { params: number[] };
    });
    return { state, paramGroups };
  }

  /**
   * Restores a state dict from `stateDict()` (or its JSON form): the options of every group and
   * the state of every parameter, matched by position, buffers copied and cast to the
   * parameter's dtype. Parameters missing from `dict.state` start fresh. Throws OptimizerError,
   * changing nothing, when the group count or sizes differ, an option is unknown or invalid, or
   * a state entry is unknown, missing or wrongly shaped.
   */
  loadStateDict(dict: OptimizerStateDictInput<Options>): void {
    const fail = (message: string): never => {
      throw new OptimizerError(`${this.className}.loadStateDict: ${message}`);
    };
    if (typeof dict !== "object" || dict === null || !Array.isArray(dict.paramGroups)) {
      fail("expected an object with paramGroups and state");
    }
    if (typeof dict.state !== "object" || dict.state === null) fail("state must be an object");
    if (dict.paramGroups.length !== this.paramGroups.length) {
      fail(
        `the dict has ${dict.paramGroups.length} param group(s), the optimizer ${this.paramGroups.length}`,
      );
    }
    const byId = new Map<number, { param: Variable; group: Partial<Options> }>();
    const newOptions = dict.paramGroups.map((saved, g) => {
      const where = ` in param group ${g}`;
      const ours = this.paramGroups[g] as ParamGroup<Options>;
      const { params: ids, ...options } = saved;
      if (!Array.isArray(ids) || ids.length !== ours.params.length) {
        fail(
          `param group ${g} has ${Array.isArray(ids) ? ids.length : "no"} parameter(s) in the dict and ${ours.params.length} in the optimizer`,
        );
      }
      this.checkKnownOptions(options as Partial<Options>, where);
      const { params: _, ...current } = ours;
      const resolved = { ...current, ...definedEntries(options) } as Partial<Options>;
      this.checkOptions(resolved, where);
      ids.forEach((id, i) => {
        byId.set(id, { param: ours.params[i] as Variable, group: resolved });
      });
      return cloneOptions(resolved);
    });
    const newState = new Map<Variable, State>();
    for (const [key, entries] of Object.entries(dict.state)) {
      const target = byId.get(Number(key));
      if (target === undefined) fail(`state has an entry for parameter ${key}, which no group has`);
      const { param, group } = target as { param: Variable; group: Partial<Options> };
      const loaded = this.loadParamState(param, group as ParamGroup<Options>, entries, key);
      if (loaded !== undefined) newState.set(param, loaded);
    }
    newOptions.forEach((options, g) => {
      Object.assign(this.paramGroups[g] as ParamGroup<Options>, options);
    });
    this.state.clear();
    for (const [param, state] of newState) this.state.set(param, state);
  }

  /**
   * Registers `hook(optimizer)` to run at the start of every `step()` (PyTorch's
   * `register_step_pre_hook`); hooks run in registration order.
   */
  registerStepPreHook(hook: (optimizer: this) => void): RemovableHandle {
    return register(`${this.className}.registerStepPreHook`, this.preHooks, hook, this);
  }

  /** Registers `hook(optimizer)` to run at the end of every `step()`, after the update. */
  registerStepPostHook(hook: (optimizer: this) => void): RemovableHandle {
    return register(`${this.className}.registerStepPostHook`, this.postHooks, hook, this);
  }

  /**
   * Throws OptimizerError naming the option and value when one of `options` (those present) is
   * invalid; `where` (e.g. " in param group 1") is appended to the option name.
   */
  protected abstract checkOptions(options: Partial<Options>, where: string): void;

  /** A parameter's fresh state, before its first update (buffers shaped and typed like it). */
  protected abstract initState(param: Variable, group: ParamGroup<Options>): State;

  /**
   * The update rule for one parameter: `values` and `grad` are its values and its gradient's, in
   * row-major order (`values` is a view of `param.data`, written in place); `state` its state,
   * `group` its options.
   */
  protected abstract update(
    param: Variable,
    values: TypedArray,
    grad: TypedArray,
    state: State,
    group: ParamGroup<Options>,
  ): void;

  private groupInputs(params: ParamsInput<Options>): ParamGroupInput<Options>[] {
    if (!isIterableObject(params) || params instanceof Variable) {
      throw new OptimizerError(
        `${this.className}: params must be an array of Variables or of param groups, got ${describe(params)}${parametersHint(params)}`,
      );
    }
    const items: unknown[] = [...(params as Iterable<unknown>)];
    if (items.some((item) => Array.isArray(item) && item[1] instanceof Variable)) {
      throw new OptimizerError(
        `${this.className}: params holds [name, Variable] pairs; pass model.parameters(), not namedParameters()`,
      );
    }
    if (items.length === 0)
      throw new OptimizerError(`${this.className}: got an empty parameter list`);
    if (items.every((item) => item instanceof Variable)) {
      return [{ params: items as Variable[] } as unknown as ParamGroupInput<Options>];
    }
    if (items.some((item) => item instanceof Variable)) {
      throw new OptimizerError(
        `${this.className}: params mixes Variables and param groups; give one or the other`,
      );
    }
    return items as ParamGroupInput<Options>[];
  }

  private checkParams(params: unknown, where: string): Variable[] {
    if (params instanceof Variable) return this.checkParams([params], where);
    if (typeof params !== "object" || params === null || !(Symbol.iterator in params)) {
      throw new OptimizerError(
        `${this.className}: params${where} must be an array of Variables, got ${describe(params)}`,
      );
    }
    const list = [...(params as Iterable<unknown>)];
    const taken = new Set(this.paramGroups.flatMap((group) => group.params));
    const seen = new Set<Variable>();
    list.forEach((param, i) => {
      if (!(param instanceof Variable)) {
        throw new OptimizerError(
          `${this.className}: parameter ${i}${where} is ${describe(param)}, not a Variable`,
        );
      }
      if (!isFloat(param.dtype)) {
        throw new OptimizerError(
          `${this.className}: parameter ${i}${where} has dtype ${param.dtype}; only float parameters can be optimized`,
        );
      }
      if (param.creator !== null) {
        throw new OptimizerError(
          `${this.className}: parameter ${i}${where} is not a leaf (it was made by ${param.creator.name}); optimize the Variables you created`,
        );
      }
      if (seen.has(param)) {
        throw new OptimizerError(`${this.className}: parameter ${i}${where} appears twice`);
      }
      if (taken.has(param)) {
        throw new OptimizerError(
          `${this.className}: parameter ${i}${where} is already in another param group`,
        );
      }
      seen.add(param);
    });
    return list as Variable[];
  }

  private checkKnownOptions(options: Partial<Options>, where: string): void {
    if (typeof options !== "object" || options === null) {
      throw new OptimizerError(`${this.className}: options must be an object`);
    }
    for (const key of Object.keys(options)) {
      if (!this.optionNames.includes(key)) {
        throw new OptimizerError(
          `${this.className}: unknown option '${key}'${where} (known: ${this.optionNames.join(", ")})`,
        );
      }
    }
  }

  private loadParamState(
    param: Variable,
    group: ParamGroup<Options>,
    entries: Record<string, NDArray | NestedArray>,
    id: string,
  ): State | undefined {
    const fail = (message: string): never => {
      throw new OptimizerError(
        `${this.className}.loadStateDict: state of parameter ${id} ${message}`,
      );
    };
    if (typeof entries !== "object" || entries === null) fail("must be an object");
    const keys = Object.keys(entries);
    if (keys.length === 0) return undefined;
    const fresh = this.initState(param, group);
    for (const key of Object.keys(fresh)) {
      if (!keys.includes(key)) fail(`lacks '${key}'`);
    }
    const state: ParamState = {};
    for (const key of keys) {
      const value = entries[key];
      const expected = fresh[key];
      if (typeof expected === "number") {
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
          fail(`has ${key} = ${describe(value)}; expected a non-negative count`);
        }
        state[key] = value as number;
      } else if (expected instanceof NDArray || this.lazyStateBuffers.includes(key)) {
        const buffer =
          value instanceof NDArray ? value : array(value as NestedArray, { dtype: param.dtype });
        if (!shapesEqual(buffer.shape, param.shape)) {
          fail(
            `has ${key} of shape ${formatShape(buffer.shape)}, the parameter ${formatShape(param.shape)}`,
          );
        }
        state[key] = astype(buffer, param.dtype);
      } else {
        fail(`has an unknown entry '${key}' (expected: ${Object.keys(fresh).join(", ")})`);
      }
    }
    return state as State;
  }
}

function register<T>(
  method: string,
  hooks: Map<number, () => void>,
  hook: (optimizer: T) => void,
  optimizer: T,
): RemovableHandle {
  if (typeof hook !== "function") {
    throw new OptimizerError(`${method}: expected a function, got ${describe(hook)}`);
  }
  const id = nextHookId++;
  hooks.set(id, () => hook(optimizer));
  return { remove: () => hooks.delete(id) };
}

/** The parameter's values as a row-major run of its own buffer, to be written in place. */
function updatableValues(param: Variable, where: () => string): TypedArray {
  const data = param.data;
  if (!data.isContiguous) {
    throw new OptimizerError(
      `${where()}: data of shape ${formatShape(data.shape)} with strides ${formatShape(data.strides)} is not contiguous, so it cannot be updated in place (make the parameter from a contiguous copy)`,
    );
  }
  return data.data.subarray(data.offset, data.offset + data.size);
}

/** The gradient's values in row-major order (its own buffer when contiguous, else a copy). */
function gradientValues(param: Variable, grad: Variable, where: () => string): TypedArray {
  const shape = grad.shape;
  if (!shapesEqual(shape, param.shape)) {
    throw new OptimizerError(
      `${where()}: gradient of shape ${formatShape(shape)} for a parameter of shape ${formatShape(param.shape)}`,
    );
  }
  const data = contiguous(grad.data);
  return data.data.subarray(data.offset, data.offset + data.size);
}

/** The entries whose value is not undefined (an explicit `undefined` means "use the default"). */
function definedEntries<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

/** A copy whose array-valued options (betas) are copied too, so groups never share them. */
function cloneOptions<T extends object>(options: T): T {
  return Object.fromEntries(
    Object.entries(options).map(([key, value]) => [key, Array.isArray(value) ? [...value] : value]),
  ) as T;
}

/** Whether `value` is an object that can be iterated (an array, a Set, a generator...). */
export function isIterableObject(value: unknown): value is Iterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.iterator in value;
}

/** A hint for the usual mistakes: passing the model, or `model.parameters` uncalled. */
export function parametersHint(value: unknown): string {
  if (typeof value === "function") return " (call it: model.parameters())";
  const maybeLayer = value as { parameters?: unknown } | null;
  if (typeof maybeLayer === "object" && typeof maybeLayer?.parameters === "function") {
    return " (pass model.parameters())";
  }
  return "";
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "function") return `a function ${value.name || "(anonymous)"}`;
  if (Array.isArray(value)) return `[${value.map(describe).join(", ")}]`;
  if (value instanceof Variable) return `a Variable ${formatShape(value.shape)}`;
  if (value instanceof NDArray) return `an NDArray ${formatShape(value.shape)}`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") {
    const name = (value as object).constructor?.name;
    return name && name !== "Object" ? `a ${name}` : "an object";
  }
  return String(value);
}

/** `owner: <name><where> must be <rule>, got <value>` */
function invalid(owner: string, name: string, where: string, rule: string, value: unknown): never {
  throw new OptimizerError(`${owner}: ${name}${where} must be ${rule}, got ${describe(value)}`);
}

/** Checks, when present, that `options[name]` is a finite number >= 0. */
export function checkNonNegative(
  owner: string,
  options: object,
  name: string,
  where: string,
): void {
  const value = (options as Record<string, unknown>)[name];
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    invalid(owner, name, where, "a finite number >= 0", value);
  }
}

/** Checks, when present, that `options[name]` is a number in [0, 1] (or [0, 1) when `open`). */
export function checkUnitInterval(
  owner: string,
  options: object,
  name: string,
  where: string,
  open = false,
): void {
  const value = (options as Record<string, unknown>)[name];
  if (value === undefined) return;
  if (typeof value !== "number" || !(value >= 0) || (open ? value >= 1 : value > 1)) {
    invalid(owner, name, where, open ? "in [0, 1)" : "in [0, 1]", value);
  }
}

/** Checks, when present, that `options[name]` is a boolean. */
export function checkBoolean(owner: string, options: object, name: string, where: string): void {
  const value = (options as Record<string, unknown>)[name];
  if (value !== undefined && typeof value !== "boolean")
    invalid(owner, name, where, "a boolean", value);
}

/** Checks, when present, that `options.betas` is a pair of numbers in [0, 1). */
export function checkBetas(owner: string, options: object, where: string): void {
  const betas = (options as Record<string, unknown>).betas;
  if (betas === undefined) return;
  if (!Array.isArray(betas) || betas.length !== 2) {
    invalid(owner, "betas", where, "a pair [beta1, beta2]", betas);
  }
  (betas as unknown[]).forEach((beta, i) => {
    if (typeof beta !== "number" || !(beta >= 0 && beta < 1)) {
      invalid(owner, `betas[${i}]`, where, "in [0, 1)", beta);
    }
  });
}
