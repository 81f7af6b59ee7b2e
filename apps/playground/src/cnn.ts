import { relu, reshape, type Variable, type VariableLike } from "@zerograd/autograd";
import type { Random } from "@zerograd/ndarray";
import { BatchNorm2d, Conv2d, Layer, Linear, MaxPool2d } from "@zerograd/nn";

const SIDE = 28;

/**
 * The CLI demo's `cnn` model (apps/demo/src/commands/cnn.ts), rebuilt here because the demo's
 * module also reads files with Node: two blocks of 3×3 convolution (padding 1), batch norm,
 * ReLU and 2×2 max pooling (28 → 14 → 7), then one Linear layer to the 10 classes, on flat
 * [N, 784] images. The same fields, so the same state-dict keys (conv1.*, bn1.*, conv2.*,
 * bn2.*, fc.*): the files `pnpm demo -- cnn` writes load here and the other way round.
 */
export class DigitCnn extends Layer {
  readonly channels: [number, number];
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  pool: MaxPool2d;
  fc: Linear;

  constructor(channels: [number, number], rng?: Random) {
    super();
    const [c1, c2] = channels;
    this.channels = channels;
    this.conv1 = new Conv2d(1, c1, 3, { padding: 1, rng });
    this.bn1 = new BatchNorm2d(c1);
    this.conv2 = new Conv2d(c1, c2, 3, { padding: 1, rng });
    this.bn2 = new BatchNorm2d(c2);
    this.pool = new MaxPool2d(2);
    this.fc = new Linear(c2 * (SIDE / 4) * (SIDE / 4), 10, { rng });
  }

  forward(images: VariableLike): Variable {
    const x = reshape(images, [-1, 1, SIDE, SIDE]);
    const h1 = this.pool.call(relu(this.bn1.call(this.conv1.call(x))));
    const h2 = this.pool.call(relu(this.bn2.call(this.conv2.call(h1))));
    return this.fc.call(reshape(h2, [h2.shape[0] as number, -1]));
  }
}
