import { matmul, NDArray } from "@zerograd/ndarray";
import { checkEntries, spotIndices } from "../checks";
import { jsImpl, LIBRARY_LABEL, type Library, type Tf, tfjsImpl, zerogradImpl } from "../impl";
import { randomFloat32 } from "../random";
import type { BenchCase, CaseResult, Section } from "../section";

/** C[m,n] = op(A)·op(B) with inner size k; a transposed operand is stored the other way round. */
interface Product {
  id: string;
  label: string;
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
}

const PLAIN_AT = 512;

function products(quick: boolean): Product[] {
  const sizes = quick ? [64, 128, 256, 512] : [64, 128, 256, 512, 1024];
  const n = PLAIN_AT;
  return [
    ...sizes.map((s) => ({ id: `matmul/${s}`, label: `A·B n=${s}`, m: s, n: s, k: s })),
    { id: "matmul/tA", label: `Aᵀ·B n=${n} (Aᵀ a view)`, m: n, n, k: n, transA: true },
    { id: "matmul/tB", label: `A·Bᵀ n=${n} (Bᵀ a view)`, m: n, n, k: n, transB: true },
    { id: "matmul/mlp-fwd", label: "MLP x·W [128,784]·[784,128]", m: 128, n: 128, k: 784 },
    // Weight gradient xᵀ·dh: [784,128] = [128,784]ᵀ·[128,128].
    {
      id: "matmul/mlp-dw",
      label: "MLP xᵀ·dh [128,784]ᵀ·[128,128]",
      m: 784,
      n: 128,
      k: 128,
      transA: true,
    },
    // Input gradient dh·Wᵀ: [128,784] = [128,128]·[784,128]ᵀ.
    {
      id: "matmul/mlp-dx",
      label: "MLP dh·Wᵀ [128,128]·[784,128]ᵀ",
      m: 128,
      n: 784,
      k: 128,
      transB: true,
    },
  ];
}

// The hand-written loops: what a programmer writes without blocking or packing.

/** C = A·B, A [m,k], B [k,n], i-k-j order so the inner loop streams rows of B and C. */
function matmulIKJ(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      const x = a[i * k + p] as number;
      const bRow = p * n;
      for (let j = 0; j < n; j++) c[row + j] = (c[row + j] as number) + x * (b[bRow + j] as number);
    }
  }
  return c;
}

/** C = Aᵀ·B with A stored [k,m]: the same i-k-j loop, reading A down a column. */
function matmulTransA(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      const x = a[p * m + i] as number;
      const bRow = p * n;
      for (let j = 0; j < n; j++) c[row + j] = (c[row + j] as number) + x * (b[bRow + j] as number);
    }
  }
  return c;
}

/** C = A·Bᵀ with B stored [n,k]: rows of A and B are both contiguous, so a dot product per entry. */
function matmulTransB(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (a[i * k + p] as number) * (b[j * k + p] as number);
      c[i * n + j] = s;
    }
  }
  return c;
}

function toCase(p: Product): BenchCase {
  const { m, n, k, transA = false, transB = false } = p;
  const aShape = transA ? [k, m] : [m, k];
  const bShape = transB ? [n, k] : [k, n];
  const inputs = () => ({ a: randomFloat32(m * k, 1), b: randomFloat32(k * n, 2) });
  return {
    id: p.id,
    label: p.label,
    family: "matmul",
    flops: 2 * m * n * k,
    // The zg-wasm targets read A·B at n=512 against tfjs-wasm.
    alongsideTfjsWasm: p.id === `matmul/${PLAIN_AT}`,
    zerograd() {
      const { a, b } = inputs();
      const left = new NDArray(a, aShape);
      const right = new NDArray(b, bShape);
      const x = transA ? left.transpose() : left;
      const y = transB ? right.transpose() : right;
      return zerogradImpl(() => matmul(x, y));
    },
    js() {
      const { a, b } = inputs();
      const loop = transA ? matmulTransA : transB ? matmulTransB : matmulIKJ;
      return jsImpl([m, n], () => loop(a, b, m, n, k));
    },
    tfjs(tf: Tf) {
      const { a, b } = inputs();
      const x = tf.tensor2d(a, aShape as [number, number]);
      const y = tf.tensor2d(b, bShape as [number, number]);
      return tfjsImpl([x, y], () => tf.matMul(x, y, transA, transB));
    },
    check(out) {
      const { a, b } = inputs();
      const aAt = (i: number, p: number) => a[transA ? p * m + i : i * k + p] as number;
      const bAt = (p: number, j: number) => b[transB ? j * k + p : p * n + j] as number;
      const dot = (flat: number) => {
        const i = Math.floor(flat / n);
        const j = flat % n;
        let sum = 0;
        let magnitude = 0;
        for (let p = 0; p < k; p++) {
          const term = aAt(i, p) * bAt(p, j);
          sum += term;
          magnitude += Math.abs(term);
        }
        return { sum, magnitude };
      };
      // Any float32 summation order is within k·2⁻²⁴·Σ|aᵢₚ·bₚⱼ| of the exact sum.
      return checkEntries(
        out,
        [m, n],
        spotIndices(m * n, 48),
        (i) => dot(i).sum,
        (i) => 1.01 * k * 2 ** -24 * dot(i).magnitude + 1e-30,
      );
    },
  };
}

function ratioLine(lookup: (id: string, lib: Library) => CaseResult | undefined): string[] {
  const libs: Library[] = ["zerograd", "js", "tfjs-cpu", "tfjs-wasm"];
  const lines = [`transposed / plain time at n=${PLAIN_AT} (≤ 1.3 is the target for zerograd):`];
  for (const lib of libs) {
    const plain = lookup(`matmul/${PLAIN_AT}`, lib)?.timing?.medianMs;
    const parts = ["tA", "tB"].map((v) => {
      const t = lookup(`matmul/${v}`, lib)?.timing?.medianMs;
      const name = v === "tA" ? "Aᵀ·B" : "A·Bᵀ";
      return `${name} ${plain && t ? `${(t / plain).toFixed(2)}×` : "n/a"}`;
    });
    lines.push(`  ${LIBRARY_LABEL[lib].padEnd(10)} ${parts.join("   ")}`);
  }
  return lines;
}

/** float32 matmul, square sizes, transposed views and the MLP's three products. */
export const matmulSection: Section = {
  name: "matmul",
  title: "float32 matmul, GFLOP/s = 2mnk / t",
  cases: (quick) => products(quick).map(toCase),
  summary: ratioLine,
};
