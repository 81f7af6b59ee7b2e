import {
  add,
  div,
  mul,
  noGrad,
  reshape,
  sum,
  type Variable,
  type VariableLike,
} from "@zerograd/autograd";
import { arange, argmax, exp, max, NDArray, type Random, slice, sub } from "@zerograd/ndarray";
import {
  crossEntropy,
  Embedding,
  GELU,
  Layer,
  LayerNorm,
  Linear,
  MultiheadAttention,
  Sequential,
} from "@zerograd/nn";
import { encodeNames } from "./names-data";

// The names model and how it learns and samples, apart from the `names` command's printing and
// files: nothing here needs Node, so the browser playground trains the very same model.

/** One pre-LayerNorm transformer block: causal self-attention and an MLP, each residual. */
class Block extends Layer {
  ln1: LayerNorm;
  attention: MultiheadAttention;
  ln2: LayerNorm;
  mlp: Sequential;

  constructor(embed: number, heads: number, rng: Random) {
    super();
    this.ln1 = new LayerNorm(embed);
    this.attention = new MultiheadAttention(embed, heads, { batchFirst: true, rng });
    this.ln2 = new LayerNorm(embed);
    this.mlp = new Sequential(
      new Linear(embed, 4 * embed, { rng }),
      new GELU(),
      new Linear(4 * embed, embed, { rng }),
    );
  }

  forward(x: VariableLike): Variable {
    const h = this.ln1.call(x);
    const [attended] = this.attention.call(h, h, h, { isCausal: true, needWeights: false });
    const y = add(x, attended);
    return add(y, this.mlp.call(this.ln2.call(y)));
  }
}

/**
 * A character-level GPT (makemore's transformer): token and position embeddings, `layers`
 * blocks, a final LayerNorm and a Linear head to the vocabulary. Input int32 [B, T] tokens,
 * output [B, T, vocabulary] logits of each position's next token.
 */
export class NameGpt extends Layer<[tokens: NDArray], Variable> {
  readonly context: number;
  tokenEmbedding: Embedding;
  positionEmbedding: Embedding;
  blocks: Sequential;
  lnF: LayerNorm;
  head: Linear;

  constructor(
    vocabulary: number,
    context: number,
    embed: number,
    heads: number,
    layers: number,
    rng: Random,
  ) {
    super();
    this.context = context;
    this.tokenEmbedding = new Embedding(vocabulary, embed, { rng });
    this.positionEmbedding = new Embedding(context, embed, { rng });
    this.blocks = new Sequential(
      ...Array.from({ length: layers }, () => new Block(embed, heads, rng)),
    );
    this.lnF = new LayerNorm(embed);
    this.head = new Linear(embed, vocabulary, { rng });
  }

  forward(tokens: NDArray): Variable {
    const t = tokens.shape[1] as number;
    const positions = arange(0, t, 1, { dtype: "int32" });
    const x = add(this.tokenEmbedding.call(tokens), this.positionEmbedding.call(positions));
    return this.head.call(this.lnF.call(this.blocks.call(x)));
  }
}

/** One epoch's batches: the names in an order drawn from `rng`, `batchSize` at a time. */
export function epochBatches(names: readonly string[], batchSize: number, rng: Random): string[][] {
  const order = rng.permutation(names.length).toTypedArray();
  const batches: string[][] = [];
  for (let start = 0; start < names.length; start += batchSize) {
    batches.push(Array.from(order.subarray(start, start + batchSize), (i) => names[i] as string));
  }
  return batches;
}

/** Mean cross-entropy per real character of a batch (padding masked out), and the logits. */
export function batchLoss(model: NameGpt, names: readonly string[], vocabulary: readonly string[]) {
  // As wide as the batch's longest name needs (causal attention makes padding at the end
  // harmless, so narrower batches are only faster).
  const width = Math.max(...names.map((name) => name.length)) + 1;
  const batch = encodeNames(names, vocabulary, width);
  const logits = reshape(model.call(batch.inputs), [-1, vocabulary.length]);
  const perPosition = crossEntropy(logits, batch.targets, { reduction: "none" });
  return {
    loss: div(sum(mul(perPosition, batch.mask)), batch.count),
    logits,
    batch,
    count: batch.count,
  };
}

/**
 * The loss summed over the real characters of `names` (nats) and their count, with grad off,
 * in eval mode: one part of a validation loss, for callers that spread it over time.
 */
export function summedLoss(
  model: NameGpt,
  names: readonly string[],
  vocabulary: readonly string[],
): { total: number; count: number } {
  model.eval();
  try {
    return noGrad(() => {
      const { loss, count } = batchLoss(model, names, vocabulary);
      return { total: loss.item() * count, count };
    });
  } finally {
    model.train();
  }
}

/** Validation (or any) loss in nats per character, with grad off, in eval mode. */
export function meanLoss(
  model: NameGpt,
  names: readonly string[],
  vocabulary: readonly string[],
): number {
  let total = 0;
  let count = 0;
  for (let start = 0; start < names.length; start += 256) {
    const part = summedLoss(model, names.slice(start, start + 256), vocabulary);
    total += part.total;
    count += part.count;
  }
  return total / count;
}

/** Samples one name a character at a time, from the boundary token until the next one. */
export function sampleName(
  model: NameGpt,
  vocabulary: readonly string[],
  temperature: number,
  rng: Random,
): string {
  const tokens = [0];
  noGrad(() => {
    while (tokens.length < model.context) {
      const input = new NDArray(Int32Array.from(tokens), [1, tokens.length]);
      const logits = model.call(input).data;
      const last = slice(logits, [null, [tokens.length - 1, tokens.length]]).reshape([-1]);
      const scaled = last.div(temperature);
      const probs = exp(sub(scaled, max(scaled))); // categorical normalises them
      const [next] = rng.categorical(probs, 1).toTypedArray() as Int32Array;
      if (next === 0) break;
      tokens.push(next as number);
    }
  });
  return tokens
    .slice(1)
    .map((t) => vocabulary[t])
    .join("");
}

/** How many real positions the logits' top token predicts right. */
export function countCorrect(logits: NDArray, targets: NDArray, mask: NDArray): number {
  const predicted = argmax(logits, 1).toTypedArray();
  const expected = targets.toTypedArray();
  const real = mask.toTypedArray();
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (real[i] && predicted[i] === expected[i]) correct++;
  return correct;
}
