import {
  add,
  asVariable,
  col2im,
  concat,
  expandDims,
  im2col,
  pad,
  reshape,
  slice,
  squeeze,
  transpose,
  type Variable,
  type VariableLike,
} from "@zerograd/autograd";
import { convOutputSize, formatShape, ShapeError } from "@zerograd/ndarray";
import { linear } from "./linear";

/** One integer for both spatial axes, or `[height, width]`. */
export type Pair = number | readonly [number, number];

/**
 * Zero padding of a convolution's input: a number for every side, `[height, width]`, or
 * PyTorch's `'valid'` (none) and `'same'` (as much as keeps the output the input's size at
 * stride 1; an odd total puts the extra row and column at the bottom and right).
 */
export type Padding = Pair | "valid" | "same";

/** Options of `conv2d`; each size is a number or `[height, width]`. */
export interface Conv2dOptions {
  /** The step between windows (default 1). */
  stride?: Pair;
  /** Zero padding (default 0); `'same'` needs stride 1. */
  padding?: Padding;
  /** The spacing of the kernel's taps (default 1). */
  dilation?: Pair;
  /** Split input and output channels into this many independent groups (default 1). */
  groups?: number;
}

/** Options of `conv1d`: `conv2d`'s, one number each. */
export interface Conv1dOptions {
  stride?: number;
  padding?: number | "valid" | "same";
  dilation?: number;
  groups?: number;
}

/** Options of `convTranspose2d`; each size is a number or `[height, width]`. */
export interface ConvTranspose2dOptions {
  /** The step between the input pixels' windows in the output (default 1). */
  stride?: Pair;
  /** Rows and columns cropped from each side of the full output (default 0). */
  padding?: Pair;
  /** Extra rows and columns at the bottom and right, smaller than stride or dilation (default 0). */
  outputPadding?: Pair;
  /** The spacing of the kernel's taps (default 1). */
  dilation?: Pair;
  /** Split input and output channels into this many independent groups (default 1). */
  groups?: number;
}

/** `value` as `[height, width]`, after checking that both are integers >= `min`. */
export function pairOf(value: Pair, what: string, min: number, op: string): [number, number] {
  const pair = typeof value === "number" ? [value, value] : value;
  if (
    !Array.isArray(pair) ||
    pair.length !== 2 ||
    !pair.every((v) => typeof v === "number" && Number.isInteger(v) && v >= min)
  ) {
    throw new ShapeError(
      `${op}: ${what} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(value)}`,
    );
  }
  return [pair[0] as number, pair[1] as number];
}

/** Checks `groups` against both channel counts; returns it. */
function checkGroups(
  groups: number,
  channels: number,
  outChannels: number,
  shapes: string,
  op: string,
): number {
  if (!Number.isInteger(groups) || groups < 1) {
    throw new ShapeError(`${op}: groups must be a positive integer, got ${groups} (${shapes})`);
  }
  if (channels % groups !== 0 || outChannels % groups !== 0) {
    throw new ShapeError(
      `${op}: ${channels} input and ${outChannels} output channels must both divide into ${groups} groups (${shapes})`,
    );
  }
  return groups;
}

/**
 * Adds the batch axis to an unbatched input (one rank short), so the ops below see one layout;
 * `restore` takes it off the result again.
 */
function batched(x: Variable, rank: number, what: string, shapes: string, op: string) {
  if (x.ndim !== rank && x.ndim !== rank - 1) {
    throw new ShapeError(
      `${op}: expected input ${what} or unbatched, got ${formatShape(x.shape)} (${shapes})`,
    );
  }
  const unbatched = x.ndim === rank - 1;
  return {
    input: unbatched ? expandDims(x, 0) : x,
    restore: (y: Variable) => (unbatched ? squeeze(y, 0) : y),
  };
}

/**
 * The padding before and after each spatial axis: `'same'` splits `dilation·(kernel − 1)` with
 * the odd one after (PyTorch), `'valid'` is none.
 */
function resolvePadding(
  padding: Padding,
  kernel: [number, number],
  dilation: [number, number],
  stride: [number, number],
  shapes: string,
  op: string,
): [[number, number], [number, number]] {
  if (padding === "valid")
    return [
      [0, 0],
      [0, 0],
    ];
  if (padding === "same") {
    if (stride[0] !== 1 || stride[1] !== 1) {
      throw new ShapeError(
        `${op}: padding 'same' needs stride 1, got stride ${formatShape(stride)} (${shapes})`,
      );
    }
    return [0, 1].map((axis) => {
      const total = (dilation[axis] as number) * ((kernel[axis] as number) - 1);
      const before = Math.floor(total / 2);
      return [before, total - before];
    }) as [[number, number], [number, number]];
  }
  if (typeof padding === "string") {
    throw new ShapeError(
      `${op}: padding must be a number, a pair, 'valid' or 'same', got "${padding}" (${shapes})`,
    );
  }
  const [ph, pw] = pairOf(padding, "padding", 0, op);
  return [
    [ph, ph],
    [pw, pw],
  ];
}

function describe(x: Variable, weight: Variable, bias: Variable | null): string {
  return `input ${formatShape(x.shape)}, weight ${formatShape(weight.shape)}${bias ? `, bias ${formatShape(bias.shape)}` : ""}`;
}

function checkBias(bias: Variable | null, outChannels: number, shapes: string, op: string): void {
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new ShapeError(`${op}: bias must be 1-D with ${outChannels} elements (${shapes})`);
  }
}

/** Adds a per-channel bias `[C]` to `[N, C, H, W]`. */
function addChannelBias(y: Variable, bias: Variable | null): Variable {
  return bias === null ? y : add(y, reshape(bias, [1, -1, 1, 1]));
}

/**
 * 2-D cross-correlation, PyTorch's `F.conv2d`: x `[N, C, H, W]` (or unbatched `[C, H, W]`),
 * weight `[outChannels, C/groups, kH, kW]`, bias `[outChannels]` (optional); the result is
 * `[N, outChannels, OH, OW]` with OH = floor((H + padTop + padBottom − dilation·(kH − 1) − 1) /
 * stride) + 1. It is one im2col and one matrix product per group (DeZero's recipe), so its
 * speed is GEMM's, and its gradient is the chain rule through those ops. Throws ShapeError
 * naming the shapes for a wrong rank, a channel count that does not match the weight, bad
 * groups, a kernel larger than the padded input, or bad sizes.
 */
export function conv2d(
  x: VariableLike,
  weight: VariableLike,
  bias?: VariableLike | null,
  options: Conv2dOptions = {},
): Variable {
  const op = "conv2d";
  const w = asVariable(weight);
  const b = bias === undefined || bias === null ? null : asVariable(bias);
  const xv = asVariable(x);
  const shapes = describe(xv, w, b);
  const { input, restore } = batched(xv, 4, "[N, C, H, W]", shapes, op);
  if (w.ndim !== 4)
    throw new ShapeError(`${op}: weight must be 4-D [out, C/groups, kH, kW] (${shapes})`);
  const [outChannels, groupChannels, kh, kw] = w.shape as [number, number, number, number];
  const channels = input.shape[1] as number;
  const groups = checkGroups(options.groups ?? 1, channels, outChannels, shapes, op);
  if (groupChannels * groups !== channels) {
    throw new ShapeError(
      `${op}: the input's ${channels} channels do not match the weight's ${groupChannels} per group × ${groups} groups (${shapes})`,
    );
  }
  checkBias(b, outChannels, shapes, op);
  const stride = pairOf(options.stride ?? 1, "stride", 1, op);
  const dilation = pairOf(options.dilation ?? 1, "dilation", 1, op);
  const [[top, bottom], [left, right]] = resolvePadding(
    options.padding ?? 0,
    [kh, kw],
    dilation,
    stride,
    shapes,
    op,
  );
  // im2col pads symmetrically; an uneven 'same' gets its padding as an explicit op.
  const symmetric = top === bottom && left === right;
  const padded = symmetric
    ? input
    : pad(input, [
        [0, 0],
        [0, 0],
        [top, bottom],
        [left, right],
      ]);
  const [n, , h, wd] = padded.shape as [number, number, number, number];
  const padPair: [number, number] = symmetric ? [top, left] : [0, 0];
  for (const [axis, size, k] of [
    [0, h, kh],
    [1, wd, kw],
  ] as const) {
    if ((dilation[axis] as number) * (k - 1) + 1 > size + 2 * (padPair[axis] as number)) {
      throw new ShapeError(
        `${op}: kernel ${formatShape([kh, kw])} (dilation ${formatShape(dilation)}) is larger than the padded input (${shapes}, padding ${formatShape([top, left])})`,
      );
    }
  }
  const oh = convOutputSize(h, kh, stride[0], padPair[0], dilation[0]);
  const ow = convOutputSize(wd, kw, stride[1], padPair[1], dilation[1]);
  // [N·OH·OW, C·kH·kW], columns ordered (c, kh, kw): group g's channels are one column block.
  const col = im2col(padded, [kh, kw], stride, padPair, true, dilation);
  const rows = groupChannels * kh * kw;
  const matrix = reshape(w, [outChannels, rows]);
  let y: Variable;
  if (groups === 1) {
    y = linear(col, matrix, b);
  } else {
    const perGroup = outChannels / groups;
    const parts: Variable[] = [];
    for (let g = 0; g < groups; g++) {
      parts.push(
        linear(
          slice(col, [null, [g * rows, (g + 1) * rows]]),
          slice(matrix, [[g * perGroup, (g + 1) * perGroup]]),
        ),
      );
    }
    y = concat(parts, 1);
    if (b !== null) y = add(y, b);
  }
  return restore(transpose(reshape(y, [n, oh, ow, outChannels]), [0, 3, 1, 2]));
}

/**
 * 1-D cross-correlation, PyTorch's `F.conv1d`: x `[N, C, L]` (or unbatched `[C, L]`), weight
 * `[outChannels, C/groups, K]`, bias `[outChannels]`; the result is `[N, outChannels, OL]`.
 * It is `conv2d` on a height-1 image. Throws ShapeError as `conv2d` does.
 */
export function conv1d(
  x: VariableLike,
  weight: VariableLike,
  bias?: VariableLike | null,
  options: Conv1dOptions = {},
): Variable {
  const op = "conv1d";
  const w = asVariable(weight);
  const b = bias === undefined || bias === null ? null : asVariable(bias);
  const xv = asVariable(x);
  const shapes = describe(xv, w, b);
  const { input, restore } = batched(xv, 3, "[N, C, L]", shapes, op);
  if (w.ndim !== 3)
    throw new ShapeError(`${op}: weight must be 3-D [out, C/groups, K] (${shapes})`);
  const one = (value: number | undefined, what: string, min: number): number => {
    const v = value ?? min;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      throw new ShapeError(
        `${op}: ${what} must be an integer >= ${min}, got ${JSON.stringify(value)} (${shapes})`,
      );
    }
    return v;
  };
  const padding = options.padding ?? 0;
  const y = conv2d(expandDims(input, 2), expandDims(w, 2), b, {
    stride: [1, one(options.stride, "stride", 1)],
    padding: typeof padding === "string" ? padding : [0, one(padding, "padding", 0)],
    dilation: [1, one(options.dilation, "dilation", 1)],
    groups: options.groups ?? 1,
  });
  return restore(squeeze(y, 2));
}

/**
 * The transposed 2-D convolution, PyTorch's `F.conv_transpose2d` (the gradient of `conv2d`
 * with respect to its input): x `[N, C, H, W]` (or unbatched), weight
 * `[C, outChannels/groups, kH, kW]`, bias `[outChannels]`; the result is
 * `[N, outChannels, OH, OW]` with OH = (H − 1)·stride − 2·padding + dilation·(kH − 1) +
 * outputPadding + 1. Each input pixel scatters weight·value into its window: one matrix product
 * and one col2im. Throws ShapeError for a wrong rank or channel count, bad groups, an
 * `outputPadding` not smaller than stride or dilation, or an empty output.
 */
export function convTranspose2d(
  x: VariableLike,
  weight: VariableLike,
  bias?: VariableLike | null,
  options: ConvTranspose2dOptions = {},
): Variable {
  const op = "convTranspose2d";
  const w = asVariable(weight);
  const b = bias === undefined || bias === null ? null : asVariable(bias);
  const xv = asVariable(x);
  const shapes = describe(xv, w, b);
  const { input, restore } = batched(xv, 4, "[N, C, H, W]", shapes, op);
  if (w.ndim !== 4)
    throw new ShapeError(`${op}: weight must be 4-D [C, out/groups, kH, kW] (${shapes})`);
  const [channels, groupOut, kh, kw] = w.shape as [number, number, number, number];
  if (input.shape[1] !== channels) {
    throw new ShapeError(
      `${op}: the input's ${input.shape[1]} channels do not match the weight's ${channels} (${shapes})`,
    );
  }
  const groups = checkGroups(
    options.groups ?? 1,
    channels,
    groupOut * (options.groups ?? 1),
    shapes,
    op,
  );
  const outChannels = groupOut * groups;
  checkBias(b, outChannels, shapes, op);
  const stride = pairOf(options.stride ?? 1, "stride", 1, op);
  const padding = pairOf(options.padding ?? 0, "padding", 0, op);
  const outputPadding = pairOf(options.outputPadding ?? 0, "outputPadding", 0, op);
  const dilation = pairOf(options.dilation ?? 1, "dilation", 1, op);
  const [n, , h, wd] = input.shape as [number, number, number, number];
  const kernel: [number, number] = [kh, kw];
  const outSize = [0, 1].map((axis) => {
    const size = axis === 0 ? h : wd;
    const k = kernel[axis] as number;
    const s = stride[axis] as number;
    const d = dilation[axis] as number;
    const extra = outputPadding[axis] as number;
    if (extra >= Math.max(s, d)) {
      throw new ShapeError(
        `${op}: outputPadding ${formatShape(outputPadding)} must be smaller than stride ${formatShape(stride)} or dilation ${formatShape(dilation)} (${shapes})`,
      );
    }
    return (size - 1) * s - 2 * (padding[axis] as number) + d * (k - 1) + extra + 1;
  }) as [number, number];
  if (outSize[0] < 1 || outSize[1] < 1) {
    throw new ShapeError(
      `${op}: the output ${formatShape(outSize)} would be empty (${shapes}, padding ${formatShape(padding)})`,
    );
  }
  // col2im's window count for the output; it exceeds H only when outputPadding >= stride, where
  // the extra windows belong to input pixels that do not exist: zero rows added to x.
  const windows = [0, 1].map((axis) =>
    convOutputSize(
      outSize[axis] as number,
      kernel[axis] as number,
      stride[axis] as number,
      padding[axis] as number,
      dilation[axis] as number,
    ),
  ) as [number, number];
  const source =
    windows[0] > h || windows[1] > wd
      ? pad(input, [
          [0, 0],
          [0, 0],
          [0, windows[0] - h],
          [0, windows[1] - wd],
        ])
      : input;
  // Rows (n, h, w) by channels; each row times the weight gives its window's (o, kh, kw).
  const pixels = reshape(transpose(source, [0, 2, 3, 1]), [-1, channels]);
  const perGroupIn = channels / groups;
  const taps = groupOut * kh * kw;
  const matrix = reshape(w, [channels, taps]);
  const cols: Variable[] = [];
  for (let g = 0; g < groups; g++) {
    const inputs =
      groups === 1 ? pixels : slice(pixels, [null, [g * perGroupIn, (g + 1) * perGroupIn]]);
    const weights = groups === 1 ? matrix : slice(matrix, [[g * perGroupIn, (g + 1) * perGroupIn]]);
    // linear(x, Wᵀ) = x·W: [rows, C/groups]·[C/groups, taps].
    cols.push(linear(inputs, transpose(weights)));
  }
  const col = groups === 1 ? (cols[0] as Variable) : concat(cols, 1);
  const image = col2im(
    col,
    [n, outChannels, outSize[0], outSize[1]],
    kernel,
    stride,
    padding,
    true,
    dilation,
  );
  return restore(addChannelBias(image, b));
}
