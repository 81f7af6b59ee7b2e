import { allocate } from "../dtype";
import { ShapeError } from "../errors";
import { engine } from "../kernels/engine";
import { tapRanges, type WindowGeometry } from "../kernels/windows";
import { NDArray } from "../ndarray";
import { formatShape, shapesEqual } from "../shape";
import { astype, contiguous } from "./copy";
import { checkArray } from "./operands";

/** One integer for both spatial axes, or `[height, width]`. */
export type IntPair = number | readonly [number, number];

/**
 * The output length of a convolution or pooling window along one axis:
 * `floor((inputSize + 2·pad − dilation·(kernelSize − 1) − 1) / stride) + 1`.
 */
export function convOutputSize(
  inputSize: number,
  kernelSize: number,
  stride: number,
  pad: number,
  dilation = 1,
): number {
  return Math.floor((inputSize + 2 * pad - dilation * (kernelSize - 1) - 1) / stride) + 1;
}

function toPair(value: IntPair, name: string, min: number, op: string): [number, number] {
  const pair = typeof value === "number" ? [value, value] : value;
  if (
    !Array.isArray(pair) ||
    pair.length !== 2 ||
    !pair.every((v) => Number.isInteger(v) && v >= min)
  ) {
    throw new ShapeError(
      `${op}: ${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(value)}`,
    );
  }
  return [pair[0] as number, pair[1] as number];
}

function geometry(
  op: string,
  inputShape: readonly number[],
  kernelSize: IntPair,
  stride: IntPair,
  pad: IntPair,
  dilation: IntPair,
): WindowGeometry {
  if (inputShape.length !== 4) {
    throw new ShapeError(`${op}: expected a 4-D input [N,C,H,W], got ${formatShape(inputShape)}`);
  }
  const [n, c, h, w] = inputShape as [number, number, number, number];
  const [kh, kw] = toPair(kernelSize, "kernelSize", 1, op);
  const [sh, sw] = toPair(stride, "stride", 1, op);
  const [ph, pw] = toPair(pad, "pad", 0, op);
  const [dh, dw] = toPair(dilation, "dilation", 1, op);
  // The window's extent once dilated: dilation 1 is the kernel itself.
  const eh = dh * (kh - 1) + 1;
  const ew = dw * (kw - 1) + 1;
  if (eh > h + 2 * ph || ew > w + 2 * pw) {
    const dilated = dh === 1 && dw === 1 ? "" : ` dilated to ${formatShape([eh, ew])}`;
    throw new ShapeError(
      `${op}: kernel ${formatShape([kh, kw])}${dilated} is larger than the padded input ${formatShape([h + 2 * ph, w + 2 * pw])} (input ${formatShape(inputShape)}, pad ${formatShape([ph, pw])})`,
    );
  }
  return {
    N: n,
    C: c,
    H: h,
    W: w,
    KH: kh,
    KW: kw,
    SH: sh,
    SW: sw,
    PH: ph,
    PW: pw,
    DH: dh,
    DW: dw,
    OH: convOutputSize(h, kh, sh, ph, dh),
    OW: convOutputSize(w, kw, sw, pw, dw),
  };
}

/** The `col` shape for `g`: `[N·OH·OW, C·KH·KW]`, or `[N, C, KH, KW, OH, OW]`. */
function colShape(g: WindowGeometry, toMatrix: boolean): number[] {
  return toMatrix ? [g.N * g.OH * g.OW, g.C * g.KH * g.KW] : [g.N, g.C, g.KH, g.KW, g.OH, g.OW];
}

/**
 * Unfolds the sliding windows of an image batch into columns, so a convolution becomes one
 * matrix product (DeZero's im2col). `x` is `[N, C, H, W]` (any strides, any dtype);
 * `kernelSize`, `stride`, `pad` and `dilation` (the spacing of the kernel taps) are a number or
 * `[height, width]`; padding reads as 0. With OH = floor((H + 2·PH − DH·(KH − 1) − 1)/SH) + 1
 * (OW likewise), the result has `x`'s dtype and shape
 * `[N·OH·OW, C·KH·KW]` (rows ordered n, oh, ow; columns c, kh, kw) when `toMatrix`, else
 * `[N, C, KH, KW, OH, OW]`. Its adjoint is `col2im`. Throws ShapeError when `x` is not 4-D,
 * the kernel is larger than the padded input, or a size is not a positive integer (pad: a
 * non-negative one).
 */
export function im2col(
  x: NDArray,
  kernelSize: IntPair,
  stride: IntPair = 1,
  pad: IntPair = 0,
  toMatrix = true,
  dilation: IntPair = 1,
): NDArray {
  checkArray(x, "im2col");
  const g = geometry("im2col", x.shape, kernelSize, stride, pad, dilation);
  const shape = colShape(g, toMatrix);
  const col = allocate(x.dtype, g.N * g.C * g.KH * g.KW * g.OH * g.OW);
  engine().windows(g, toMatrix, x.data, x.offset, x.strides, col, "im2col");
  return new NDArray(col, shape);
}

/**
 * The adjoint of `im2col`: folds columns back into an image of `inputShape` = `[N, C, H, W]`,
 * adding the entries of overlapping windows and dropping those that fall into the padding.
 * `col` must have the shape `im2col` gives for these arguments (`[N·OH·OW, C·KH·KW]` when
 * `toMatrix`, else `[N, C, KH, KW, OH, OW]`); the result has its dtype (bool entries combine
 * with logical or). Throws ShapeError for a wrong `col` shape, an `inputShape` that is not
 * 4-D, or the conditions `im2col` rejects.
 */
export function col2im(
  col: NDArray,
  inputShape: readonly number[],
  kernelSize: IntPair,
  stride: IntPair = 1,
  pad: IntPair = 0,
  toMatrix = true,
  dilation: IntPair = 1,
): NDArray {
  checkArray(col, "col2im");
  if (!Array.isArray(inputShape) || !inputShape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(
      `col2im: inputShape must be a list of non-negative integers, got ${JSON.stringify(inputShape)}`,
    );
  }
  const g = geometry("col2im", inputShape, kernelSize, stride, pad, dilation);
  const expected = colShape(g, toMatrix);
  if (!shapesEqual(col.shape, expected)) {
    throw new ShapeError(
      `col2im: col of shape ${formatShape(col.shape)} does not match ${formatShape(expected)} for input ${formatShape(inputShape)} (kernel ${formatShape([g.KH, g.KW])}, stride ${formatShape([g.SH, g.SW])}, pad ${formatShape([g.PH, g.PW])}, dilation ${formatShape([g.DH, g.DW])})`,
    );
  }
  if (col.dtype === "bool") {
    return astype(
      col2im(astype(col, "int32"), inputShape, kernelSize, stride, pad, toMatrix, dilation),
      "bool",
    );
  }
  const src = contiguous(col);
  const columns =
    src.offset === 0 ? src.data : src.data.subarray(src.offset, src.offset + src.size);
  const image = allocate(col.dtype, g.N * g.C * g.H * g.W);
  const strides = [g.C * g.H * g.W, g.H * g.W, g.W, 1];
  engine().windows(g, toMatrix, image, 0, strides, columns, "col2im");
  return new NDArray(image, inputShape);
}

/**
 * Max pooling's building block (PyTorch's `max_pool2d_with_indices`): for each window of `x`
 * (`[N, C, H, W]`, any strides and dtype; windows as `im2col` takes them, padding read as −∞),
 * its first maximum in row-major tap order and that element's flat index into `x` read
 * row-major. A NaN wins its window, as in PyTorch. Returns `[values, indices]`, both
 * `[N, C, OH, OW]`: values of `x`'s dtype, indices int32. Throws ShapeError for the conditions
 * `im2col` rejects and for a window that lies entirely in the padding.
 */
export function windowMaxima(
  x: NDArray,
  kernelSize: IntPair,
  stride: IntPair = 1,
  pad: IntPair = 0,
  dilation: IntPair = 1,
): [NDArray, NDArray] {
  checkArray(x, "windowMaxima");
  const g = geometry("windowMaxima", x.shape, kernelSize, stride, pad, dilation);
  for (const [axis, ranges] of [
    ["row", tapRanges(g.OH, g.SH, g.PH, g.DH, g.KH, g.H)],
    ["column", tapRanges(g.OW, g.SW, g.PW, g.DW, g.KW, g.W)],
  ] as const) {
    for (let o = 0; 3 * o < ranges.length; o++) {
      if ((ranges[3 * o + 1] as number) >= (ranges[3 * o + 2] as number)) {
        throw new ShapeError(
          `windowMaxima: window ${axis} ${o} lies entirely in the padding (input ${formatShape(x.shape)}, kernel ${formatShape([g.KH, g.KW])}, stride ${formatShape([g.SH, g.SW])}, pad ${formatShape([g.PH, g.PW])}, dilation ${formatShape([g.DH, g.DW])})`,
        );
      }
    }
  }
  const shape = [g.N, g.C, g.OH, g.OW];
  const size = g.N * g.C * g.OH * g.OW;
  const values = allocate(x.dtype, size);
  const indices = new Int32Array(size);
  if (size > 0) engine().windowMaxima(g, x.data, x.offset, x.strides, values, indices);
  return [new NDArray(values, shape), new NDArray(indices, shape)];
}
