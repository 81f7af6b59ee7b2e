import {
  type ArrayInput,
  array,
  astype,
  contiguous,
  formatShape,
  isFloat,
  NDArray,
  Random,
} from "@zerograd/ndarray";
import { GradCheckError, mul, sum, Variable } from "./internal";

/** Options of `numericalGrad`. */
export interface NumericalGradOptions {
  /** The step of the central differences (default 1e-6). */
  eps?: number;
}

/** Options of `gradCheck`: PyTorch's gradcheck defaults. */
export interface GradCheckOptions extends NumericalGradOptions {
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance, against the numerical value (default 1e-3). */
  rtol?: number;
}

/** What `numericalGrad` and `gradCheck` take as an input value. */
export type CheckInput = Variable | NDArray | ArrayInput;

/**
 * A float64 input whose elements can be nudged in place: the same shape and, when no two
 * elements share memory, the same strides as the original (so a transposed or sliced view
 * reaches the op as one), over a private copy of the buffer.
 */
class Probe {
  readonly variable: Variable;
  readonly positions: Int32Array;

  constructor(value: CheckInput, requiresGrad: boolean) {
    const source =
      value instanceof Variable
        ? value.data
        : value instanceof NDArray
          ? value
          : array(value, "float64");
    let x: NDArray;
    if (source.dtype === "float64" && !overlaps(source)) {
      x = new NDArray(source.data.slice(), source.shape, source.strides, source.offset);
    } else {
      x = contiguous(astype(source, "float64"));
      if (x.data === source.data) x = new NDArray(x.data.slice(), x.shape, x.strides, x.offset);
    }
    this.variable = new Variable(x, { requiresGrad });
    this.positions = elementPositions(x);
  }

  get buffer(): Float64Array {
    return this.variable.data.data as Float64Array;
  }
}

/** Whether some elements of x share memory (a broadcast view with stride 0). */
function overlaps(x: NDArray): boolean {
  return x.shape.some((d, i) => d > 1 && x.strides[i] === 0);
}

/** The buffer position of every element of x, in row-major order. */
function elementPositions(x: NDArray): Int32Array {
  const positions = new Int32Array(x.size);
  const index = new Array<number>(x.ndim).fill(0);
  let position = x.offset;
  for (let k = 0; k < x.size; k++) {
    positions[k] = position;
    for (let d = x.ndim - 1; d >= 0; d--) {
      position += x.strides[d] as number;
      if (++(index[d] as number) < (x.shape[d] as number)) break;
      position -= (x.strides[d] as number) * (x.shape[d] as number);
      index[d] = 0;
    }
  }
  return positions;
}

/** Central differences of `total` for every element of `probe`, restoring each afterwards. */
function differentiate(total: () => number, probe: Probe, eps: number): Float64Array {
  const buffer = probe.buffer;
  const result = new Float64Array(probe.positions.length);
  // Grad mode stays on: f may itself differentiate (grad with createGraph), as a check of a
  // second derivative does.
  probe.positions.forEach((p, k) => {
    const original = buffer[p] as number;
    buffer[p] = original + eps;
    const up = total();
    buffer[p] = original - eps;
    const down = total();
    buffer[p] = original;
    result[k] = (up - down) / (2 * eps);
  });
  return result;
}

/**
 * The gradient of `sum(f(x))` at x by central differences, (f(x + ε) − f(x − ε)) / 2ε per
 * element, in float64. The result is a float64 array of x's shape.
 */
export function numericalGrad(
  f: (x: Variable) => Variable,
  x: CheckInput,
  options: NumericalGradOptions = {},
): NDArray {
  const probe = new Probe(x, false);
  const total = () => sum(f(probe.variable)).item();
  const grad = differentiate(total, probe, options.eps ?? 1e-6);
  return new NDArray(grad, probe.variable.shape);
}

/**
 * Checks backward against central differences, PyTorch's gradcheck: every float input is
 * taken in float64 (keeping a strided view's layout), the output is projected on fixed random
 * weights (so every output element counts, each differently), and every element of every
 * float input must satisfy |analytical − numerical| ≤ atol + rtol·|numerical|. Non-float
 * inputs (indices) are passed through as constants. Returns true, or throws GradCheckError
 * naming the input and its worst element.
 */
export function gradCheck(
  f: (...xs: Variable[]) => Variable,
  inputs: readonly CheckInput[],
  options: GradCheckOptions = {},
): true {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  const probes = inputs.map((x) => (isFloatInput(x) ? new Probe(x, true) : null));
  const variables = inputs.map((x, i) => probes[i]?.variable ?? constantOf(x));
  const y = f(...variables);
  const weights = new Random(0).uniform(0.5, 1.5, y.shape, { dtype: "float64" });
  const projected = () => sum(mul(f(...variables), weights)).item();
  sum(mul(y, weights)).backward();
  probes.forEach((probe, i) => {
    if (probe === null) return;
    const numerical = differentiate(projected, probe, eps);
    const analytical =
      probe.variable.grad?.data.toTypedArray() ?? new Float64Array(numerical.length);
    let worst = -1;
    let worstExcess = 0;
    numerical.forEach((n, k) => {
      const a = analytical[k] as number;
      if (Number.isNaN(a) && Number.isNaN(n)) return;
      const excess = Math.abs(a - n) - (atol + rtol * Math.abs(n));
      const measured = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
      if (measured > worstExcess) {
        worst = k;
        worstExcess = measured;
      }
    });
    if (worst >= 0) {
      const shape = probe.variable.shape;
      const index = unravel(worst, shape);
      const a = analytical[worst] as number;
      const n = numerical[worst] as number;
      throw new GradCheckError(
        `gradCheck: input ${i} ${formatShape(shape)}, element [${index.join(",")}]: backward gives ${a}, central differences give ${n} (atol ${atol}, rtol ${rtol})`,
        i,
        index,
        a,
        n,
      );
    }
  });
  return true;
}

function isFloatInput(x: CheckInput): boolean {
  if (x instanceof Variable) return isFloat(x.dtype);
  if (x instanceof NDArray) return isFloat(x.dtype);
  return isFloat(array(x).dtype);
}

function constantOf(x: CheckInput): Variable {
  if (x instanceof Variable) return new Variable(x.data, { requiresGrad: false });
  return new Variable(x instanceof NDArray ? x : array(x), { requiresGrad: false });
}

/** The multi-index of row-major element k of `shape`. */
function unravel(k: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] as number;
    index[d] = k % size;
    k = Math.floor(k / size);
  }
  return index;
}
