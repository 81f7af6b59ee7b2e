export { AdaDelta, type AdaDeltaOptions, type AdaDeltaState } from "./adadelta";
export { AdaGrad, type AdaGradOptions, type AdaGradState } from "./adagrad";
export { Adam, type AdamOptions, type AdamState, AdamW } from "./adam";
export { clipGradNorm, clipGradValue } from "./clip-grad";
export { OptimizerError } from "./errors";
export {
  CosineAnnealingLR,
  type CosineAnnealingLROptions,
  ExponentialLR,
  type ExponentialLROptions,
  LambdaLR,
  LinearLR,
  type LinearLROptions,
  type LRLambda,
  LRScheduler,
  type LRSchedulerStateDict,
  type LRSchedulerTarget,
  SequentialLR,
  type SequentialLRStateDict,
  StepLR,
  type StepLROptions,
} from "./lr-scheduler";
export { OneCycleLR, type OneCycleLROptions } from "./one-cycle-lr";
export {
  Optimizer,
  type OptimizerStateDict,
  type OptimizerStateDictInput,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type ParamsInput,
  type RemovableHandle,
} from "./optimizer";
export { RMSprop, type RMSpropOptions, type RMSpropState } from "./rmsprop";
export { SGD, type SGDOptions, type SGDState } from "./sgd";
