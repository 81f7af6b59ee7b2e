/**
 * Grad mode: whether Functions record the graph that backward walks. On by default; switched
 * off with `noGrad` for inference and for optimizer updates, which must not be differentiated.
 * It is module state, like PyTorch's, because recording is decided inside every op.
 */
let gradEnabled = true;

/** Whether ops record the graph for backward right now. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` with recording off and returns its result: ops inside build no graph and return
 * Variables that do not require grad. The previous mode is restored even if `fn` throws.
 */
export function noGrad<T>(fn: () => T): T {
  return setGradEnabled(false, fn);
}

/** Runs `fn` with recording on (inside a `noGrad` block, say) and returns its result. */
export function enableGrad<T>(fn: () => T): T {
  return setGradEnabled(true, fn);
}

/**
 * Runs `fn` with recording set to `enabled` and returns its result, restoring the previous
 * mode even if `fn` throws: what backward uses for `createGraph`.
 */
export function setGradEnabled<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}
