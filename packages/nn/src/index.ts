export { NNError, SafetensorsError, StateDictError } from "./errors";
export { leakyRelu, logSoftmax, relu, sigmoid, softmax } from "./functional/activation";
export { type DropoutOptions, dropout } from "./functional/dropout";
export { linear } from "./functional/linear";
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
  Buffer,
  fieldKey,
  Layer,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  type StateDict,
} from "./layer";
export { LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from "./layers/activation";
export { BatchNorm1d, type BatchNormOptions } from "./layers/batch-norm";
export { Dropout, type DropoutLayerOptions } from "./layers/dropout";
export { Flatten } from "./layers/flatten";
export { Linear, type LinearOptions } from "./layers/linear";
export { MLP, type MLPOptions } from "./layers/mlp";
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
