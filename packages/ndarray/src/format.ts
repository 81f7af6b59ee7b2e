import type { NDArray } from "./ndarray";
import { formatShape } from "./shape";

// NumPy's default print options (np.get_printoptions()).
const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const PRECISION = 8;
const PREFIX = "array(";

/**
 * NumPy-like text of an array, as NumPy 2's `repr` prints it with default print options, except
 * that shape and dtype are always given (`shape=[2,2]` in our bracket form):
 *
 * ```
 * array([[1., 2.],
 *        [3., 4.]], shape=[2,2], dtype=float32)
 * ```
 *
 * Floats share one format per array: positional with up to 8 fractional digits and a trailing
 * `.` for integral values, or scientific when a non-zero magnitude is below 1e-4, reaches 1e8
 * (1e6 for float32), or the largest is over 1000 times the smallest; `nan`, `inf`, `-inf`.
 * Each value prints its shortest round-trip digits in its own precision (a float32 0.1 prints
 * `0.1`, not `0.10000000149011612`). Columns are right-aligned; bools print as NumPy's
 * `True`/`False`; lines wrap at 75 characters; arrays of over 1000 elements show 3 items at
 * each end of every axis around `...`, and only the printed items choose the float format.
 * Works on any strided view and never throws.
 */
export function format(x: NDArray): string {
  const extras = `shape=${formatShape(x.shape)}, dtype=${x.dtype})`;
  if (x.size === 0) return `${PREFIX}[], ${extras}`;
  const summarize = x.size > THRESHOLD;
  const shown: number[] = [];
  walkShown(x, summarize, 0, x.offset, shown);
  const formatValue = formatterFor(x.dtype, shown, x.ndim === 0);
  const body = formatBlock(
    x,
    summarize,
    formatValue,
    0,
    x.offset,
    " ".repeat(PREFIX.length + 1),
    LINE_WIDTH - 1,
  );
  // NumPy moves the extras to their own line when they would overflow the last one.
  const head = `${PREFIX}${body},`;
  const lastLine = head.length - (head.lastIndexOf("\n") + 1);
  const spacer = lastLine + extras.length + 1 > LINE_WIDTH ? `\n${" ".repeat(PREFIX.length)}` : " ";
  return head + spacer + extras;
}

/** The indices printed along an axis of length `n`; `-1` stands for the `...` of a summary. */
function shownIndices(n: number, summarize: boolean): number[] {
  if (summarize && n > 2 * EDGE_ITEMS) {
    const edge = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
    return [...edge, -1, ...edge.map((i) => n - EDGE_ITEMS + i)];
  }
  return Array.from({ length: n }, (_, i) => i);
}

/** Collects the printed values: the whole format depends on them (and only on them, as in NumPy). */
function walkShown(
  x: NDArray,
  summarize: boolean,
  axis: number,
  offset: number,
  out: number[],
): void {
  if (axis === x.ndim) {
    out.push(x.data[offset] as number);
    return;
  }
  const stride = x.strides[axis] as number;
  for (const i of shownIndices(x.shape[axis] as number, summarize)) {
    if (i >= 0) walkShown(x, summarize, axis + 1, offset + i * stride, out);
  }
}

/**
 * NumPy's `_formatArray`: the innermost axis fills lines up to `width`, outer axes put one
 * sub-block per line with `ndim - axis - 1` blank lines between them; every nesting level
 * indents by one space and narrows the line by one (for its closing bracket).
 */
function formatBlock(
  x: NDArray,
  summarize: boolean,
  formatValue: (v: number) => string,
  axis: number,
  offset: number,
  indent: string,
  width: number,
): string {
  if (axis === x.ndim) return formatValue(x.data[offset] as number);
  const stride = x.strides[axis] as number;
  const indices = shownIndices(x.shape[axis] as number, summarize);
  let text = "";
  if (axis === x.ndim - 1) {
    const wordWidth = width - 1;
    let line = indent;
    indices.forEach((i, k) => {
      const word = i < 0 ? "..." : formatValue(x.data[offset + i * stride] as number);
      if (line.length + word.length > wordWidth && line.length > indent.length) {
        text += `${line.trimEnd()}\n`;
        line = indent;
      }
      line += k < indices.length - 1 ? `${word}, ` : word;
    });
    text += line;
  } else {
    const separator = `,${"\n".repeat(x.ndim - axis - 1)}`;
    text = indices
      .map((i) =>
        i < 0
          ? `${indent}...`
          : indent +
            formatBlock(
              x,
              summarize,
              formatValue,
              axis + 1,
              offset + i * stride,
              `${indent} `,
              width - 1,
            ),
      )
      .join(separator);
  }
  return `[${text.slice(indent.length)}]`;
}

function formatterFor(
  dtype: NDArray["dtype"],
  values: number[],
  scalar: boolean,
): (v: number) => string {
  switch (dtype) {
    case "bool":
      // NumPy pads True to the width of False, except for a 0-d array.
      return (v) => (v ? (scalar ? "True" : " True") : "False");
    case "int32": {
      let width = 0;
      for (const v of values) width = Math.max(width, String(v).length);
      return (v) => String(v).padStart(width);
    }
    default:
      return floatFormatter(values, dtype === "float32");
  }
}

/** NumPy's FloatingFormat with floatmode "maxprec", precision 8, no suppression (NumPy 2.4). */
function floatFormatter(values: number[], float32: boolean): (v: number) => string {
  const finite = values.filter(Number.isFinite);
  // Like NumPy, compare in the array's precision (a float32 1e-4 is not below 1e-4), and switch
  // float32 to scientific from 1e6 up (10 ** its 6 reliable decimal digits).
  const round = float32 ? Math.fround : (v: number) => v;
  let scientific = false;
  let largest = 0;
  let smallest = Number.POSITIVE_INFINITY;
  for (const v of finite) {
    if (v === 0) continue;
    largest = Math.max(largest, Math.abs(v));
    smallest = Math.min(smallest, Math.abs(v));
  }
  if (largest > 0) {
    scientific =
      largest >= (float32 ? 1e6 : 1e8) ||
      smallest < round(1e-4) ||
      round(largest / smallest) > 1000;
  }
  const parts = (d: Decimal) => (scientific ? scientificParts(d) : positionalParts(d));

  let padLeft = 0;
  let padRight = 0;
  let fracDigits = 0;
  let exponentDigits = 2;
  for (const v of finite) {
    const p = parts(displayDigits(v, float32, scientific));
    padLeft = Math.max(padLeft, p.int.length);
    fracDigits = Math.max(fracDigits, p.frac.length);
    exponentDigits = Math.max(exponentDigits, p.exponent.length - 1);
  }
  if (finite.length > 0) padRight = scientific ? exponentDigits + 2 + fracDigits : fracDigits;
  if (finite.length < values.length) {
    const negInf = values.some((v) => v === Number.NEGATIVE_INFINITY) ? 1 : 0;
    padLeft = Math.max(padLeft, 3 + negInf - (padRight + 1));
  }
  const width = padLeft + padRight + 1;

  return (v) => {
    if (Number.isNaN(v)) return "nan".padStart(width);
    if (!Number.isFinite(v)) return (v > 0 ? "inf" : "-inf").padStart(width);
    if (scientific) {
      // Every value shows `fracDigits` digits: those past its shortest form are its exact digits
      // (0.1 in float32 becomes 1.0000000e-01 next to a value that needs them).
      const p = parts(paddedDigits(v, float32, fracDigits));
      const sign = p.exponent.charAt(0);
      const exponent = p.exponent.slice(1).padStart(exponentDigits, "0");
      return `${p.int.padStart(padLeft)}.${p.frac.padEnd(fracDigits, "0")}e${sign}${exponent}`;
    }
    const p = parts(displayDigits(v, float32, false));
    return `${p.int.padStart(padLeft)}.${p.frac.padEnd(padRight)}`;
  };
}

/** A decimal value: sign, significant digits `d1d2...` (no trailing zeros) and `d1.d2... × 10^exponent`. */
interface Decimal {
  negative: boolean;
  digits: string;
  exponent: number;
}

/**
 * The digits NumPy's Dragon4 prints: the shortest digits that round-trip in the value's own
 * precision, unless they run past the precision limit (8 fractional digits in positional mode,
 * 8 after the leading digit in scientific mode), in which case the exact value is rounded there.
 */
function displayDigits(v: number, float32: boolean, scientific: boolean): Decimal {
  const short = shortestDigits(v, float32);
  if (scientific) {
    return short.digits.length <= PRECISION + 1
      ? short
      : roundAt(exactDigits(v), short.exponent - PRECISION);
  }
  const lastPlace = short.exponent - short.digits.length + 1;
  return lastPlace >= -PRECISION ? short : roundAt(exactDigits(v), -PRECISION);
}

/**
 * Shortest round-trip digits, ties to even. A float64 uses JavaScript's own shortest form; a
 * float32 takes the exact value rounded to 1, 2, ... 9 digits until `Math.fround` maps it back.
 */
function shortestDigits(v: number, float32: boolean): Decimal {
  const negative = v < 0 || Object.is(v, -0);
  const magnitude = Math.abs(v);
  if (magnitude === 0) return { negative, digits: "0", exponent: 0 };
  if (!float32) {
    const [mantissa = "0", exponent = "0"] = magnitude.toExponential().split("e");
    return { negative, digits: mantissa.replace(".", ""), exponent: Number(exponent) };
  }
  const exact = exactDigits(v);
  for (let precision = 1; ; precision++) {
    const nearest = roundAt(exact, exact.exponent - precision + 1);
    if (precision >= 9 || Math.fround(decimalValue(nearest)) === magnitude) return nearest;
    // Just above a power of two the gap below is half the gap above, so when the nearest
    // candidate lies below and misses, the next one up may still round-trip.
    if (decimalValue(nearest) < magnitude) {
      const place = exact.exponent - precision + 1;
      const up = String(Number(nearest.digits.padEnd(precision, "0")) + 1);
      if (Math.fround(Number(`${up}e${place}`)) === magnitude) {
        return { negative, digits: up.replace(/0+$/, ""), exponent: place + up.length - 1 };
      }
    }
  }
}

function decimalValue(d: Decimal): number {
  return Number(`${d.digits.charAt(0)}.${d.digits.slice(1)}e${d.exponent}`);
}

/** The exact decimal expansion of a finite double (every double is a terminating decimal). */
function exactDigits(v: number): Decimal {
  const negative = v < 0 || Object.is(v, -0);
  let mantissa = Math.abs(v);
  if (mantissa === 0) return { negative, digits: "0", exponent: 0 };
  let binaryExponent = 0;
  while (!Number.isInteger(mantissa)) {
    mantissa *= 2; // exact: only the exponent changes
    binaryExponent--;
  }
  // m·2^-k = (m·5^k)·10^-k
  const scaled = BigInt(mantissa) * 5n ** BigInt(-binaryExponent);
  const text = scaled.toString();
  return {
    negative,
    digits: text.replace(/0+$/, ""),
    exponent: text.length - 1 + binaryExponent,
  };
}

/** `d` cut after the decimal place 10^place, and that cut plus one unit in that place. */
function bracketAt(d: Decimal, place: number): [Decimal, Decimal] {
  const keep = Math.max(0, d.exponent - place + 1);
  const head = d.digits.slice(0, keep).padEnd(keep, "0");
  const headDigits = head.replace(/0+$/, "");
  const down = headDigits
    ? { ...d, digits: headDigits }
    : { negative: d.negative, digits: "0", exponent: 0 };
  // A carry out of all nines adds a digit in front.
  const units = (BigInt(head || "0") + 1n).toString();
  const up = {
    negative: d.negative,
    digits: units.replace(/0+$/, ""),
    exponent: place + units.length - 1,
  };
  return [down, up];
}

/** `d` rounded to the decimal place 10^place, ties to even (Dragon4's rounding). */
function roundAt(d: Decimal, place: number): Decimal {
  const keep = d.exponent - place + 1;
  if (keep >= d.digits.length) return d;
  const [down, up] = bracketAt(d, place);
  if (keep < 0) return down;
  const first = d.digits.charAt(keep);
  const tie = first === "5" && d.digits.length === keep + 1;
  const odd = keep > 0 && Number(d.digits.charAt(keep - 1)) % 2 === 1;
  return first > "5" || (first === "5" && (!tie || odd)) ? up : down;
}

/**
 * `v` with exactly `fracDigits` digits after its leading one, as Dragon4 pads a scientific
 * value: digits past the shortest form are the exact value's, and the last one is rounded to
 * the side that still reads back as `v` when only one side does (which differs from plain
 * rounding only at powers of two, where the gap below is half the gap above).
 */
function paddedDigits(v: number, float32: boolean, fracDigits: number): Decimal {
  const short = displayDigits(v, float32, true);
  if (short.digits.length > fracDigits) return short;
  const exact = exactDigits(v);
  const place = exact.exponent - fracDigits;
  if (exact.digits.length <= fracDigits + 1) return exact;
  const readsBack = (d: Decimal) =>
    (float32 ? Math.fround(decimalValue(d)) : decimalValue(d)) === Math.abs(v);
  const [down, up] = bracketAt(exact, place);
  if (readsBack(down) !== readsBack(up)) return readsBack(down) ? down : up;
  return roundAt(exact, place);
}

interface Parts {
  int: string;
  frac: string;
  exponent: string;
}

function positionalParts(d: Decimal): Parts {
  const sign = d.negative ? "-" : "";
  const before = d.digits === "0" ? 1 : d.exponent + 1; // digits before the point
  let int: string;
  let frac: string;
  if (before <= 0) {
    int = "0";
    frac = "0".repeat(-before) + d.digits;
  } else if (before >= d.digits.length) {
    int = d.digits + "0".repeat(before - d.digits.length);
    frac = "";
  } else {
    int = d.digits.slice(0, before);
    frac = d.digits.slice(before);
  }
  return { int: sign + int, frac, exponent: "" };
}

function scientificParts(d: Decimal): Parts {
  const exponent = d.digits === "0" ? 0 : d.exponent;
  return {
    int: (d.negative ? "-" : "") + d.digits.charAt(0),
    frac: d.digits.slice(1),
    exponent: (exponent < 0 ? "-" : "+") + String(Math.abs(exponent)).padStart(2, "0"),
  };
}
