import * as nd from "@zerograd/ndarray";
import {
  formatShape,
  NDArray,
  onesLike,
  ShapeError,
  shapesEqual,
  zerosLike,
} from "@zerograd/ndarray";
import {
  AutogradError,
  add,
  astype,
  copy,
  type Function,
  setGradEnabled,
  Variable,
} from "./internal";

/** Options of `Variable.backward`. */
export interface BackwardOptions {
  /** Keep the gradients of intermediate Variables in their `grad` too (default false). */
  retainGrad?: boolean;
  /** Record the backward pass, so the gradients can be differentiated again (default false). */
  createGraph?: boolean;
}

type AnyFunction = Function<NDArray | NDArray[]>;

/** Where a finished gradient goes: a leaf's (or retained Variable's) `grad`, or `grad()`'s result. */
type Deliver = (x: Variable, gx: Variable) => void;

/**
 * Backpropagates from `output`: seeds it with ones and accumulates into the `grad` of every
 * leaf that requires grad (and of intermediates when asked). See `Variable.backward`.
 */
export function backward(output: Variable, options: BackwardOptions = {}): void {
  const createGraph = options.createGraph ?? false;
  const retainAll = options.retainGrad ?? false;
  if (!output.requiresGrad) {
    throw new AutogradError(
      `backward: the output ${formatShape(output.shape)} ${output.dtype} does not require grad (no input required grad, or it was computed under noGrad)`,
    );
  }
  const accumulate: Deliver = (x, gx) => {
    if (x.grad === null) x.grad = owned(gx);
    else if (
      !createGraph &&
      x.grad.creator === null &&
      x.grad.dtype === gx.dtype &&
      x.grad.data.isContiguous
    ) {
      nd.add(x.grad.data, gx.data, { out: x.grad.data }); // in place, as PyTorch accumulates
    } else x.grad = add(x.grad, gx);
  };
  const keeps = (x: Variable) => x.creator === null || retainAll || x.retainsGrad;
  setGradEnabled(createGraph, () => propagate([[output, seed(output)]], keeps, accumulate));
}

/** Options of `grad`. */
export interface GradOptions {
  /** Record the backward pass, so the returned gradients can be differentiated again. */
  createGraph?: boolean;
}

/**
 * The gradients of the sum of `outputs` (each seeded with ones, as in backward) with respect
 * to `inputs`, in the order of `inputs`, in one backward pass, without touching any `grad`
 * field. An input the outputs do not depend on gets zeros; an input that does not require grad
 * is an AutogradError. With `createGraph` the gradients are themselves recorded Variables.
 */
export function grad(
  outputs: Variable | readonly Variable[],
  inputs: Variable | readonly Variable[],
  options: GradOptions = {},
): Variable[] {
  const outs = outputs instanceof Variable ? [outputs] : [...outputs];
  const ins = inputs instanceof Variable ? [inputs] : [...inputs];
  ins.forEach((x, i) => {
    if (!x.requiresGrad) {
      throw new AutogradError(
        `grad: input ${i} ${formatShape(x.shape)} ${x.dtype} does not require grad, so it has no gradient`,
      );
    }
  });
  const wanted = new Set(ins);
  const found = new Map<Variable, Variable>();
  const collect: Deliver = (x, gx) => {
    const previous = found.get(x);
    found.set(x, previous === undefined ? owned(gx) : add(previous, gx));
  };
  outs.forEach((y, i) => {
    if (!y.requiresGrad) {
      throw new AutogradError(
        `grad: output ${i} ${formatShape(y.shape)} ${y.dtype} does not require grad`,
      );
    }
  });
  setGradEnabled(options.createGraph ?? false, () =>
    propagate(
      outs.map((y) => [y, seed(y)]),
      (x) => wanted.has(x),
      collect,
    ),
  );
  return ins.map((x) => found.get(x) ?? new Variable(zerosLike(x.data), { requiresGrad: false }));
}

/**
 * A gradient in a contiguous buffer of its own. Backward passes one gradient to several inputs
 * (add gives both its output's gradient; sum's is a broadcast view), so storing it as it comes
 * would let an in-place update of one `grad` change another. With grad mode on (createGraph)
 * the copy is recorded, so the gradient stays differentiable.
 */
function owned(g: Variable): Variable {
  return copy(g);
}

function seed(y: Variable): Variable {
  return new Variable(onesLike(y.data), { requiresGrad: false });
}

/**
 * The backward walk. Functions are taken from a max-heap on generation, so a Function runs
 * only after every Function that consumes its outputs (all have higher generations) has
 * added its share of their gradients. No recursion: a chain of any length works.
 */
function propagate(
  roots: readonly (readonly [Variable, Variable])[],
  keeps: (x: Variable) => boolean,
  deliver: Deliver,
): void {
  const pending = new Map<Variable, Variable>();
  const queue = new FunctionQueue();
  const receive = (x: Variable, gx: Variable) => {
    if (x.creator === null) {
      if (keeps(x)) deliver(x, gx);
      return;
    }
    const previous = pending.get(x);
    pending.set(x, previous === undefined ? gx : add(previous, gx));
    queue.push(x.creator);
  };
  for (const [y, gy] of roots) receive(y, gy);
  for (let f = queue.pop(); f !== undefined; f = queue.pop()) {
    const gys = f.outputs.map((y) => {
      const gy = pending.get(y);
      pending.delete(y);
      if (gy !== undefined && keeps(y)) deliver(y, gy);
      return gy ?? new Variable(zerosLike(y.data), { requiresGrad: false });
    });
    const gxs = normalize(f, f.backward(...gys));
    for (let i = 0; i < gxs.length; i++) {
      const x = f.inputs[i] as Variable;
      const gx = gxs[i];
      if (gx === null || gx === undefined || !x.requiresGrad) continue;
      receive(x, checked(f, i, x, gx));
    }
  }
}

function normalize(f: AnyFunction, result: unknown): (Variable | null)[] {
  const list = Array.isArray(result) ? result : [result];
  if (list.length !== f.inputs.length) {
    throw new AutogradError(
      `backward: ${f.name} returned ${list.length} gradient(s) for its ${f.inputs.length} input(s)`,
    );
  }
  return list.map((g, i) => {
    if (g === null || g === undefined || g instanceof Variable) return g ?? null;
    if (g instanceof NDArray) return new Variable(g, { requiresGrad: false });
    throw new AutogradError(
      `backward: ${f.name} returned a ${typeof g} as the gradient of input ${i} (expected a Variable or null)`,
    );
  });
}

/** The gradient `gx` of input `i` of `f`, after checking its shape and casting it to the input's dtype. */
function checked(f: AnyFunction, i: number, x: Variable, gx: Variable): Variable {
  const expected = x.shape;
  const got = gx.shape;
  if (!shapesEqual(got, expected)) {
    throw new ShapeError(
      `backward: ${f.name} returned a gradient of shape ${formatShape(got)} for its input ${i} of shape ${formatShape(expected)}`,
    );
  }
  return gx.dtype === x.dtype ? gx : astype(gx, x.dtype);
}

/** A binary max-heap of Functions on generation; a Function is queued at most once. */
class FunctionQueue {
  private readonly heap: AnyFunction[] = [];
  private readonly queued = new Set<AnyFunction>();

  push(f: AnyFunction): void {
    if (this.queued.has(f)) return;
    this.queued.add(f);
    const heap = this.heap;
    let i = heap.length;
    heap.push(f);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as AnyFunction).generation >= f.generation) break;
      heap[i] = heap[parent] as AnyFunction;
      i = parent;
    }
    heap[i] = f;
  }

  pop(): AnyFunction | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length &&
        (heap[right] as AnyFunction).generation > (heap[left] as AnyFunction).generation
          ? right
          : left;
      if ((heap[child] as AnyFunction).generation <= last.generation) break;
      heap[i] = heap[child] as AnyFunction;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
