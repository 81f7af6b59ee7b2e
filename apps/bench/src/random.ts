/**
 * Seeded xorshift32 data, so every child process builds the same inputs and the checks can
 * rebuild them. Values are uniform in [-1, 1).
 */
export function randomFloat32(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = (x / 4294967296) * 2 - 1;
  }
  return out;
}

/**
 * Multiples of 1/4 in [-2, 2]. Any partial sum of up to 8·10⁶ of them is exact in float32, so a
 * reduction over them must match the float64 reference exactly, whatever its summation order.
 */
export function quarterSteps(size: number, seed: number): Float32Array {
  const out = randomFloat32(size, seed);
  for (let i = 0; i < size; i++) out[i] = Math.round((out[i] as number) * 8) / 4;
  return out;
}
