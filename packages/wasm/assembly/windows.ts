// im2col and col2im with col laid out [N·OH·OW, C·KH·KW] (rows n, oh, ow; columns c, kh, kw),
// the layout convolutions multiply. The image is read (im2col) or added into (col2im) through
// element strides; col is contiguous. im2col writes every entry of col, zeros for taps in the
// padding, so col needs no clearing; col2im skips those taps.

/** The geometry, in the order the engine passes it (ndarray's WindowGeometry). */
@unmanaged class Geometry {
  N: i32;
  C: i32;
  H: i32;
  W: i32;
  KH: i32;
  KW: i32;
  SH: i32;
  SW: i32;
  PH: i32;
  PW: i32;
  DH: i32;
  DW: i32;
  OH: i32;
  OW: i32;
  sN: i32;
  sC: i32;
  sH: i32;
  sW: i32;
}

/** The first tap k with 0 <= start + k·dilation (the window clipped to the image's start). */
@inline function firstInside(start: i32, dilation: i32): i32 {
  return start >= 0 ? 0 : (-start + dilation - 1) / dilation;
}

/** One past the last tap k with start + k·dilation < size, at most `taps`. */
@inline function endInside(start: i32, dilation: i32, size: i32, taps: i32): i32 {
  if (start >= size) return 0;
  return min(taps, (size - 1 - start) / dilation + 1);
}

@inline function windows<T>(gather: bool, g: Geometry, image: usize, col: usize): void {
  const size = sizeof<T>();
  // The geometry in locals: stores to col (or the image) could alias it, so field reads in the
  // loops would be reloaded at every tap.
  const N = g.N, C = g.C, H = g.H, W = g.W, KH = g.KH, KW = g.KW;
  const SH = g.SH, SW = g.SW, PH = g.PH, PW = g.PW, DH = g.DH, DW = g.DW, OH = g.OH, OW = g.OW;
  const sN = g.sN, sC = g.sC, sH = g.sH, sW = g.sW;
  const tapStep = DW * sW;
  // The vector path below: rows of three adjacent taps.
  const rows3 = KW == 3 && DW == 1 && sW == 1;
  const rowStep = DH * sH * 4;
  const firstThree = i32x4(-1, -1, -1, 0);
  const negativeZero = f32x4.splat(-0.0);
  const colEnd = col + <usize>N * OH * OW * C * KH * KW * size;
  let i: usize = col;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * SH - PH;
      const khLo = firstInside(h0, DH);
      const khHi = max(khLo, endInside(h0, DH, H, KH));
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * SW - PW;
        const kwLo = firstInside(w0, DW);
        const kwHi = max(kwLo, endInside(w0, DW, W, KW));
        if (isFloat32<T>() && rows3 && khLo == 0 && khHi == KH && kwLo == 0 && kwHi == 3 && i + 16 <= colEnd) {
          // A window inside the image, three taps wide over a contiguous row: one vector per
          // (c, kh) row of taps. A gather's fourth lane lands on the next row's first tap and is
          // rewritten by it; a scatter adds -0 there, which leaves every value as it was.
          let row = image + <usize>(n * sN + h0 * sH + w0) * 4;
          for (let c = 0; c < C; c++, row += <usize>sC * 4) {
            let at = row;
            for (let kh = 0; kh < KH; kh++, i += 12, at += <usize>rowStep) {
              if (gather) v128.store(i, v128.load(at));
              else {
                const taps = v128.bitselect(v128.load(i), negativeZero, firstThree);
                v128.store(at, f32x4.add(v128.load(at), taps));
              }
            }
          }
          continue;
        }
        for (let c = 0; c < C; c++) {
          const base = n * sN + c * sC + w0 * sW;
          for (let kh = 0; kh < KH; kh++, i += <usize>KW * size) {
            if (kh < khLo || kh >= khHi) {
              if (gather) for (let kw = 0; kw < KW; kw++) store<T>(i + <usize>kw * size, <T>0);
              continue;
            }
            let at = image + <usize>(base + (h0 + kh * DH) * sH + kwLo * tapStep) * size;
            if (gather) {
              for (let kw = 0; kw < kwLo; kw++) store<T>(i + <usize>kw * size, <T>0);
              for (let kw = kwLo; kw < kwHi; kw++, at += <usize>tapStep * size) {
                store<T>(i + <usize>kw * size, load<T>(at));
              }
              for (let kw = kwHi; kw < KW; kw++) store<T>(i + <usize>kw * size, <T>0);
            } else {
              for (let kw = kwLo; kw < kwHi; kw++, at += <usize>tapStep * size) {
                store<T>(at, load<T>(at) + load<T>(i + <usize>kw * size));
              }
            }
          }
        }
      }
    }
  }
}

/** Bytes of `padded` before the padded image: its geometry (18 i32s), 16-aligned. */
const PADDED_HEAD: usize = 80;

/**
 * `windows` over a copy of the image with its padding made real: `padded` holds the geometry of
 * an [N, C, H + 2·PH, W + 2·PW] contiguous image, then that image, zeros around the interior.
 * Every window then lies inside it, so three-wide kernels take the vector path at the borders
 * too. A scatter adds into the copy's interior, which starts as the image, in the same order,
 * and copies it back: the sums are those of the unpadded walk, bit for bit.
 */
@inline function paddedWindows(gather: bool, g: Geometry, image: usize, col: usize, padded: usize): void {
  // The same windows over the padded image: only its size, padding and strides differ.
  const p = changetype<Geometry>(padded);
  memory.copy(padded, changetype<usize>(g), offsetof<Geometry>());
  p.H = g.H + 2 * g.PH;
  p.W = g.W + 2 * g.PW;
  p.PH = 0;
  p.PW = 0;
  p.sW = 1;
  p.sH = p.W;
  p.sC = p.H * p.W;
  p.sN = g.C * p.sC;
  const data = padded + PADDED_HEAD;
  memory.fill(data, 0, <usize>g.N * p.sN * 4);
  copyInterior(true, g, p, image, data);
  windows<f32>(gather, p, data, col);
  if (!gather) copyInterior(false, g, p, image, data);
}

/**
 * Copies the image (geometry g) into the interior of its padded copy (geometry p) at `data`
 * (`into`), or that interior back.
 */
@inline function copyInterior(into: bool, g: Geometry, p: Geometry, image: usize, data: usize): void {
  // Fields in locals: the stores could alias the geometries (see windows).
  const N = g.N, C = g.C, H = g.H, W = g.W;
  const sN = g.sN, sC = g.sC, sH = g.sH, sW = g.sW;
  const pN = p.sN, pC = p.sC, pH = p.sH;
  const corner = g.PH * pH + g.PW;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < H; y++) {
        const src = image + <usize>(n * sN + c * sC + y * sH) * 4;
        const dst = data + <usize>(n * pN + c * pC + y * pH + corner) * 4;
        for (let x = 0; x < W; x++) {
          const at = src + <usize>(x * sW) * 4;
          const to = dst + (<usize>x << 2);
          if (into) store<f32>(to, load<f32>(at));
          else store<f32>(at, load<f32>(to));
        }
      }
    }
  }
}

/**
 * im2col (gather != 0) or col2im of float32 data; `geometry` points at 18 i32s (Geometry).
 * With `padded` (not 0: room for the padded copy, see paddedWindows) the walk goes through it.
 */
export function windowsF32(gather: i32, geometry: usize, image: usize, col: usize, padded: usize): void {
  const g = changetype<Geometry>(geometry);
  if (padded != 0) {
    if (gather) paddedWindows(true, g, image, col, padded);
    else paddedWindows(false, g, image, col, padded);
  } else if (gather) windows<f32>(true, g, image, col);
  else windows<f32>(false, g, image, col);
}

/** The same for float64 data. */
export function windowsF64(gather: i32, geometry: usize, image: usize, col: usize): void {
  const g = changetype<Geometry>(geometry);
  if (gather) windows<f64>(true, g, image, col);
  else windows<f64>(false, g, image, col);
}

/**
 * Max pooling: each window's first maximum in row-major tap order (a NaN wins its window) of the
 * image, read through the geometry's strides, into `values`, and that tap's flat index into the
 * row-major [N, C, H, W] image into `indices`; both contiguous [N, C, OH, OW]. Padding taps are
 * skipped; every window holds a real tap (the caller checks).
 */
@inline function maxima<T>(g: Geometry, image: usize, values: usize, indices: usize): void {
  // The geometry in locals: stores to values and indices could alias it, so field reads in the
  // loops would be reloaded at every tap.
  const N = g.N, C = g.C, H = g.H, W = g.W, KH = g.KH, KW = g.KW, SH = g.SH, SW = g.SW;
  const PH = g.PH, PW = g.PW, DH = g.DH, DW = g.DW, OH = g.OH, OW = g.OW;
  const sN = g.sN, sC = g.sC, sH = g.sH, sW = g.sW;
  const size = sizeof<T>();
  // Windows ow in [simdLo, simdHi) lie inside the image's width: there, float32 windows go
  // four at a time.
  const simdLo = (PW + SW - 1) / SW;
  const reach = W - 1 + PW - (KW - 1) * DW;
  const simdHi = reach < 0 ? 0 : min(OW, reach / SW + 1);
  let out: usize = 0;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = n * sN + c * sC;
      const flatPlane = (n * C + c) * H * W;
      for (let oh = 0; oh < OH; oh++) {
        const h0 = oh * SH - PH;
        const khLo = firstInside(h0, DH);
        const khHi = endInside(h0, DH, H, KH);
        for (let ow = 0; ow < OW; ow++) {
          if (isFloat32<T>() && ow >= simdLo && ow < simdHi && simdHi - simdLo >= 4) {
            // The last group of a row overlaps the one before it (those windows are written
            // twice, alike) rather than leaving up to three windows to the scalar loop.
            const first = min(ow, simdHi - 4);
            const at = out - (ow - first);
            const rowAt = image + <usize>(plane + h0 * sH) * 4;
            maxima4(rowAt, first * SW - PW, khLo, khHi, DH, KW, DW, SW, sH, sW,
              flatPlane + h0 * W + first * SW - PW, W, values + at * 4, indices + at * 4);
            out = at + 4;
            ow = first + 3;
            continue;
          }
          const w0 = ow * SW - PW;
          const kwLo = firstInside(w0, DW);
          const kwHi = endInside(w0, DW, W, KW);
          const bestY = h0 + khLo * DH;
          const bestX = w0 + kwLo * DW;
          let best = load<T>(image + <usize>(plane + bestY * sH + bestX * sW) * size);
          let bestAt = flatPlane + bestY * W + bestX;
          for (let kh = khLo; kh < khHi; kh++) {
            const y = h0 + kh * DH;
            const row = plane + y * sH;
            for (let kw = kwLo; kw < kwHi; kw++) {
              const x = w0 + kw * DW;
              const v = load<T>(image + <usize>(row + x * sW) * size);
              // The first tap seeds the search; a NaN then holds its place. Selects, not
              // branches: which tap wins is data, and mispredicted jumps cost more than the taps.
              const wins: bool = (v > best) | ((v != v) & (best == best));
              best = select<T>(v, best, wins);
              bestAt = select<i32>(flatPlane + y * W + x, bestAt, wins);
            }
          }
          store<T>(values + out * size, best);
          store<i32>(indices + out * 4, bestAt);
          out++;
        }
      }
    }
  }
}

/** Whether T is f32 (a compile-time constant). */
@inline function isFloat32<T>(): bool {
  return isFloat<T>() && sizeof<T>() == 4;
}

/**
 * Four float32 windows side by side, all inside the image's width: lane j is the window whose
 * first column is w0 + j·SW. `row` is the address of image row h0 (taps kh in [khLo, khHi)
 * lie inside the height), `at` the flat [N, C, H, W] index of (h0, w0). Same rule as the
 * scalar loop: the first tap seeds each lane, a later one wins when greater, or NaN over a
 * number.
 */
@inline function maxima4(
  row: usize,
  w0: i32,
  khLo: i32,
  khHi: i32,
  DH: i32,
  KW: i32,
  DW: i32,
  SW: i32,
  sH: i32,
  sW: i32,
  at: i32,
  W: i32,
  values: usize,
  indices: usize,
): void {
  const step = SW * sW;
  const lanes = i32x4(0, SW, 2 * SW, 3 * SW);
  let best = f32x4.splat(0);
  let bestAt = i32x4.splat(0);
  for (let kh = khLo; kh < khHi; kh++) {
    const y = kh * DH;
    for (let kw = 0; kw < KW; kw++) {
      const x = w0 + kw * DW;
      const p = row + <usize>(y * sH + x * sW) * 4;
      let v: v128;
      if (step == 1) v = v128.load(p);
      // Reads one element past the last lane's: the staged image is followed by the outputs.
      else if (step == 2) v = v128.shuffle<f32>(v128.load(p), v128.load(p + 16), 0, 2, 4, 6);
      else {
        const s = <usize>step * 4;
        v = f32x4.splat(load<f32>(p));
        v = f32x4.replace_lane(v, 1, load<f32>(p + s));
        v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * s));
        v = f32x4.replace_lane(v, 3, load<f32>(p + 3 * s));
      }
      const index = i32x4.add(i32x4.splat(at + y * W + kw * DW), lanes);
      if (kh == khLo && kw == 0) {
        best = v;
        bestAt = index;
        continue;
      }
      const wins = v128.or(
        f32x4.gt(v, best),
        v128.and(f32x4.ne(v, v), f32x4.eq(best, best)),
      );
      best = v128.bitselect(v, best, wins);
      bestAt = v128.bitselect(index, bestAt, wins);
    }
  }
  v128.store(values, best);
  v128.store(indices, bestAt);
}

/** Max pooling of float32 data; `geometry` points at 18 i32s (Geometry). */
export function windowMaxF32(geometry: usize, image: usize, values: usize, indices: usize): void {
  maxima<f32>(changetype<Geometry>(geometry), image, values, indices);
}

/** The same for float64 data. */
export function windowMaxF64(geometry: usize, image: usize, values: usize, indices: usize): void {
  maxima<f64>(changetype<Geometry>(geometry), image, values, indices);
}
