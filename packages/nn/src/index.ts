export { NNError, SafetensorsError, StateDictError } from "./errors";
export { leakyRelu, logSoftmax, relu, sigmoid, softmax } from "./functional/activation";
export { type AttentionOptions, scaledDotProductAttention } from "./functional/attention";
export { type BatchNormFunctionOptions, batchNorm } from "./functional/batch-norm";
export {
  type Conv1dOptions,
  type Conv2dOptions,
  type ConvTranspose2dOptions,
  conv1d,
  conv2d,
  convTranspose2d,
  type Padding,
  type Pair,
} from "./functional/conv";
export { type DropoutOptions, dropout } from "./functional/dropout";
export { type EmbeddingOptions, embedding } from "./functional/embedding";
export {
  type GeluOptions,
  gelu,
  type SoftplusOptions,
  silu,
  softplus,
} from "./functional/gelu";
export { type LayerNormOptions, layerNorm } from "./functional/layer-norm";
export { linear } from "./functional/linear";
export {
  type AvgPool2dOptions,
  adaptiveAvgPool2d,
  avgPool2d,
  type MaxPool2dOptions,
  maxPool2d,
} from "./functional/pooling";
export {
  calculateFanInAndFanOut,
  calculateGain,
  type FanMode,
  type InitOptions,
  type KaimingOptions,
  kaimingNormal,
  kaimingUniform,
  type Nonlinearity,
  type XavierOptions,
  xavierNormal,
  xavierUniform,
} from "./init";
export {
  type AnyLayer,
  Buffer,
  fieldKey,
  Layer,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  type StateDict,
} from "./layer";
export { GELU, LeakyReLU, ReLU, Sigmoid, SiLU, Softmax, Tanh } from "./layers/activation";
export {
  MultiheadAttention,
  type MultiheadAttentionForwardOptions,
  type MultiheadAttentionOptions,
} from "./layers/attention";
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from "./layers/batch-norm";
export {
  Conv1d,
  type Conv1dLayerOptions,
  Conv2d,
  type Conv2dLayerOptions,
  ConvTranspose2d,
  type ConvTranspose2dLayerOptions,
} from "./layers/conv";
export { Dropout, type DropoutLayerOptions } from "./layers/dropout";
export { Embedding, type EmbeddingLayerOptions } from "./layers/embedding";
export { Flatten } from "./layers/flatten";
export { Identity } from "./layers/identity";
export { LayerNorm, type LayerNormLayerOptions } from "./layers/layer-norm";
export { Linear, type LinearOptions } from "./layers/linear";
export { MLP, type MLPOptions } from "./layers/mlp";
export { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from "./layers/pooling";
export {
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  RNN,
  RNNCell,
  type RNNCellOptions,
  type RNNOptions,
} from "./layers/rnn";
export { Sequential } from "./layers/sequential";
export { accuracy } from "./losses/accuracy";
export { binaryCrossEntropyWithLogits } from "./losses/binary-cross-entropy";
export { crossEntropy, nllLoss } from "./losses/cross-entropy";
export type { Labels } from "./losses/labels";
export type { LossOptions, Reduction } from "./losses/reduction";
export { l1Loss, mseLoss } from "./losses/regression";
export {
  fromSafetensors,
  readSafetensorsHeader,
  type SafetensorsDType,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
  toSafetensors,
} from "./safetensors";
