/**
 * Stores the transpose of the 4 × 4 float32 block whose rows are r0..r3: its four columns as
 * vectors `pitch` bytes apart from `dst`.
 */
@inline export function transposeStore(
  r0: v128,
  r1: v128,
  r2: v128,
  r3: v128,
  dst: usize,
  pitch: usize,
): void {
  const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i64>(t0, t2, 0, 2));
  v128.store(dst + pitch, v128.shuffle<i64>(t0, t2, 1, 3));
  v128.store(dst + 2 * pitch, v128.shuffle<i64>(t1, t3, 0, 2));
  v128.store(dst + 3 * pitch, v128.shuffle<i64>(t1, t3, 1, 3));
}
