/** How hard to measure one case; `plan(quick)` gives the two presets. */
export interface Plan {
  /** Most timed samples per implementation. */
  reps: number;
  /** Fewest timed samples per implementation, whatever the budget says. */
  minReps: number;
  /** Fewest warm-up calls before timing (one when a call is slow). */
  warmup: number;
  /**
   * Warm-up goes on to this many calls while it has spent less than `warmupMs`: some kernels
   * are optimised, thrown away at a garbage collection and optimised again over their first
   * dozen calls, and timing them earlier measures the compiler rather than the loop.
   */
  warmupCalls: number;
  warmupMs: number;
  /** A sample repeats the call until it lasts at least this long, so timer noise stays small. */
  minSampleMs: number;
  /** Wall time one implementation may spend on its samples of one case. */
  budgetMs: number;
}

/** Median and spread of the per-call time, in milliseconds. */
export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Timed samples taken. */
  samples: number;
  /** Calls per sample. */
  inner: number;
}

/**
 * A sample of at most this many calls, shorter than `SETTLE_BELOW_MS`, starts with one untimed
 * call. Interleaving makes each sample follow another implementation's, and its first call
 * pays for that one's garbage and the caches it evicted: the demo CNN step (one call a sample)
 * read 2.55-3.31× on the wasm engine over four runs with that in its samples, 3.34-3.62× over
 * three without. A longer sample spreads that cost thin enough.
 */
const SETTLE_INNER = 2;
const SETTLE_BELOW_MS = 100;

/** Calls slower than this are not warmed up again and their first call counts as a sample. */
const SLOW_CALL_MS = 2000;

/** The measuring presets: `--quick` trades precision for a run of about a minute. */
export function plan(quick: boolean): Plan {
  return quick
    ? {
        reps: 5,
        minReps: 1,
        warmup: 2,
        warmupCalls: 20,
        warmupMs: 100,
        minSampleMs: 10,
        budgetMs: 800,
      }
    : {
        reps: 9,
        minReps: 3,
        warmup: 3,
        warmupCalls: 20,
        warmupMs: 300,
        minSampleMs: 25,
        budgetMs: 3000,
      };
}

/** Milliseconds from a monotonic clock. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const collectGarbage: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

function timeCalls(call: () => unknown, count: number): number {
  let last: unknown;
  const start = nowMs();
  for (let i = 0; i < count; i++) last = call();
  const ms = (nowMs() - start) / count;
  // Using the result keeps an optimising engine from dropping the calls as dead code.
  if (last === undefined) throw new Error("benchmarked op returned nothing");
  return ms;
}

interface Schedule {
  call: () => unknown;
  collect: boolean;
  inner: number;
  reps: number;
  samples: number[];
  /** Whether each sample starts with an untimed call (see `SETTLE_INNER`). */
  settle: boolean;
}

/**
 * Times several implementations of the same case. After each one is warmed up, their samples
 * are interleaved (one sample of each in turn, in an order that rotates every round) so that a
 * change of machine load hits all of them alike and their ratio stays meaningful on a shared
 * machine. Each `call` has already run once (the caller checked its result); that first call
 * took `firstMs`. `warmup` raises the fewest warm-up calls, also for calls too slow to get more
 * than one otherwise. `collect: false` skips the collection before a sample of one call (see
 * `BenchCase.collect`).
 */
export function measure(
  calls: readonly { call: () => unknown; firstMs: number; warmup?: number; collect?: boolean }[],
  settings: Plan,
): Timing[] {
  const schedules: Schedule[] = calls.map(({ call, firstMs, warmup = 0, collect = true }) => {
    const samples: number[] = [];
    let perCall = firstMs;
    if (firstMs >= SLOW_CALL_MS) {
      samples.push(firstMs);
    } else {
      const slow = firstMs > settings.budgetMs / 4;
      const fewest = Math.max(slow ? 1 : settings.warmup, warmup);
      const most = Math.max(slow ? 1 : settings.warmupCalls, fewest);
      const start = nowMs();
      for (let i = 0; i < most && (i < fewest || nowMs() - start < settings.warmupMs); i++) {
        perCall = timeCalls(call, 1);
      }
    }
    const inner = Math.max(1, Math.min(100_000, Math.ceil(settings.minSampleMs / perCall)));
    const affordable = Math.floor(settings.budgetMs / (perCall * inner));
    const reps = Math.max(settings.minReps, Math.min(settings.reps, affordable));
    const settle = inner <= SETTLE_INNER && perCall * inner < SETTLE_BELOW_MS;
    return { call, inner, reps, samples, collect, settle };
  });
  const rounds = Math.max(...schedules.map((s) => s.reps));
  for (let round = 0; round < rounds; round++) {
    // A sample taken right after another's pays for some of its garbage, cache misses and
    // idle worker threads: no implementation should always come first, or after the same one.
    for (const i of roundOrder(schedules.length, round)) {
      const s = schedules[i] as Schedule;
      if (s.samples.length >= s.reps) continue;
      // Free the previous outputs first when calls are big, so one sample does not pay for the
      // collection of another's garbage.
      // A short sample starts with one untimed call: it pays for what the implementation timed
      // before left behind (garbage to collect, cold caches) instead of the timed calls.
      if (s.settle) s.call();
      if (s.inner === 1 && s.collect) collectGarbage?.();
      s.samples.push(timeCalls(s.call, s.inner));
    }
  }
  return schedules.map((s) => ({
    medianMs: median(s.samples),
    minMs: Math.min(...s.samples),
    maxMs: Math.max(...s.samples),
    samples: s.samples.length,
    inner: s.inner,
  }));
}

/**
 * The order of round `round` among `n` implementations, from a balanced Latin square (Williams'
 * design): over n rounds when n is even, 2n when it is odd, each implementation comes first
 * equally often and comes right after each other one equally often. Rotating one order instead
 * would always time the same two neighbours in the same sequence.
 */
export function roundOrder(n: number, round: number): number[] {
  // 0, 1, n-1, 2, n-2, ...: the differences between neighbours take every value once.
  const first: number[] = [];
  for (let i = 0, low = 1, high = n - 1; i < n; i++) {
    first.push(i === 0 ? 0 : i % 2 === 1 ? low++ : high--);
  }
  const row = first.map((v) => (v + round) % n);
  return n % 2 === 1 && Math.floor(round / n) % 2 === 1 ? row.reverse() : row;
}

/** Runs `fn` once and returns its result with the time it took. */
export function timeOnce<T>(fn: () => T): { value: T; ms: number } {
  const start = nowMs();
  const value = fn();
  return { value, ms: nowMs() - start };
}
