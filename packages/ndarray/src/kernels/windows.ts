import type { TypedArray } from "../dtype";

/**
 * The windows of an im2col / col2im call, in elements: batch N, channels C, image H×W, kernel
 * KH×KW, strides SH, SW, padding PH, PW, dilations DH, DW and the output size OH×OW.
 */
export interface WindowGeometry {
  readonly N: number;
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly KH: number;
  readonly KW: number;
  readonly SH: number;
  readonly SW: number;
  readonly PH: number;
  readonly PW: number;
  readonly DH: number;
  readonly DW: number;
  readonly OH: number;
  readonly OW: number;
}

/**
 * The JavaScript engine's im2col and col2im. Visits every window element once, with `col`
 * walked sequentially in the layout `toMatrix` selects and the image read through its strides. Mode "im2col" copies image → col; mode
 * "col2im" adds col into the image. Elements that fall into the padding are
 * skipped: their col entries stay 0, and nothing is added for them. Window ranges are clipped
 * per row, so the inner loops carry no bounds checks.
 */
export function walkWindows(
  g: WindowGeometry,
  toMatrix: boolean,
  image: TypedArray,
  imageOffset: number,
  imageStrides: readonly number[],
  col: TypedArray,
  mode: "im2col" | "col2im",
): void {
  const gather = mode === "im2col";
  const [sN, sC, sH, sW] = imageStrides as [number, number, number, number];
  const { N, C, H, W, KH, KW, SH, SW, PH, PW, DH, DW, OH, OW } = g;
  // The kernel taps k with 0 <= start + k·dilation < size: the window clipped to the image.
  const inside = (start: number, dilation: number, size: number, taps: number) => [
    Math.max(0, Math.ceil(-start / dilation)),
    Math.min(taps, Math.floor((size - 1 - start) / dilation) + 1),
  ];
  let i = 0;
  if (toMatrix) {
    // Rows (n, oh, ow), columns (c, kh, kw): the innermost run is one kernel row.
    const tapStep = DW * sW;
    for (let n = 0; n < N; n++) {
      for (let oh = 0; oh < OH; oh++) {
        const h0 = oh * SH - PH;
        const [khLo, khHi] = inside(h0, DH, H, KH) as [number, number];
        for (let ow = 0; ow < OW; ow++) {
          const w0 = ow * SW - PW;
          const [kwLo, kwHi] = inside(w0, DW, W, KW) as [number, number];
          for (let c = 0; c < C; c++) {
            const base = imageOffset + n * sN + c * sC + w0 * sW;
            for (let kh = 0; kh < KH; kh++, i += KW) {
              if (kh < khLo || kh >= khHi) continue;
              let at = base + (h0 + kh * DH) * sH + kwLo * tapStep;
              if (gather) {
                for (let kw = kwLo; kw < kwHi; kw++, at += tapStep) {
                  col[i + kw] = image[at] as number;
                }
              } else {
                for (let kw = kwLo; kw < kwHi; kw++, at += tapStep) {
                  image[at] = (image[at] as number) + (col[i + kw] as number);
                }
              }
            }
          }
        }
      }
    }
    return;
  }
  // [N, C, KH, KW, OH, OW]: the innermost run is one output row, reading every SW-th pixel.
  const step = SW * sW;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = imageOffset + n * sN + c * sC;
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++) {
          // ow such that 0 <= ow·SW − PW + kw·DW < W.
          const tap = kw * DW - PW;
          const owLo = Math.max(0, Math.ceil(-tap / SW));
          const owHi = Math.min(OW, Math.floor((W - 1 - tap) / SW) + 1);
          for (let oh = 0; oh < OH; oh++, i += OW) {
            const y = oh * SH - PH + kh * DH;
            if (y < 0 || y >= H) continue;
            let at = base + y * sH + (owLo * SW + tap) * sW;
            if (gather) {
              for (let ow = owLo; ow < owHi; ow++, at += step) col[i + ow] = image[at] as number;
            } else {
              for (let ow = owLo; ow < owHi; ow++, at += step) {
                image[at] = (image[at] as number) + (col[i + ow] as number);
              }
            }
          }
        }
      }
    }
  }
}

/**
 * The JavaScript engine's window maxima (max pooling): for each window of `image` (read through
 * `imageStrides` from `imageOffset`), its first maximum in row-major tap order into `values` and
 * that tap's flat index into the image read row-major (`[N, C, H, W]`) into `indices`, both laid
 * out `[N, C, OH, OW]`. Taps in the padding are skipped (every window holds a real tap); a NaN
 * wins its window, the first one if several. Window ranges are clipped per row and column.
 */
export function windowMaxima(
  g: WindowGeometry,
  image: TypedArray,
  imageOffset: number,
  imageStrides: readonly number[],
  values: TypedArray,
  indices: Int32Array,
): void {
  const [sn, sc, sh, sw] = imageStrides as [number, number, number, number];
  const rows = tapRanges(g.OH, g.SH, g.PH, g.DH, g.KH, g.H);
  const cols = tapRanges(g.OW, g.SW, g.PW, g.DW, g.KW, g.W);
  let out = 0;
  for (let n = 0; n < g.N; n++) {
    for (let c = 0; c < g.C; c++) {
      const plane = imageOffset + n * sn + c * sc;
      const flatPlane = (n * g.C + c) * g.H * g.W;
      for (let i = 0; i < g.OH; i++) {
        const top = rows[3 * i] as number;
        const aFirst = rows[3 * i + 1] as number;
        const aEnd = rows[3 * i + 2] as number;
        for (let j = 0; j < g.OW; j++) {
          const left = cols[3 * j] as number;
          const bFirst = cols[3 * j + 1] as number;
          const bEnd = cols[3 * j + 2] as number;
          let bestY = top + aFirst * g.DH;
          let bestX = left + bFirst * g.DW;
          let best = image[plane + bestY * sh + bestX * sw] as number;
          for (let a = aFirst; a < aEnd; a++) {
            const y = top + a * g.DH;
            const row = plane + y * sh;
            for (let b = bFirst; b < bEnd; b++) {
              const x = left + b * g.DW;
              const v = image[row + x * sw] as number;
              // The first tap seeds the search; a NaN then holds its place.
              if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
                best = v;
                bestY = y;
                bestX = x;
              }
            }
          }
          values[out] = best;
          indices[out++] = flatPlane + bestY * g.W + bestX;
        }
      }
    }
  }
}

/**
 * Per output row (or column) o of a window walk: the first input row of its window, and the
 * range [first, end) of its taps inside the image, as flat triples (empty when first >= end).
 */
export function tapRanges(
  count: number,
  stride: number,
  pad: number,
  dilation: number,
  kernel: number,
  size: number,
): Int32Array {
  const table = new Int32Array(3 * count);
  for (let o = 0; o < count; o++) {
    const from = o * stride - pad;
    table[3 * o] = from;
    table[3 * o + 1] = from >= 0 ? 0 : Math.ceil(-from / dilation);
    table[3 * o + 2] = Math.min(kernel, Math.floor((size - 1 - from) / dilation) + 1);
  }
  return table;
}
