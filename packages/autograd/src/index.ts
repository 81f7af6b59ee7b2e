export { type BackwardOptions, type GradOptions, grad } from "./backward";
export { type DotOptions, toDot } from "./dot";
export { AutogradError, GradCheckError } from "./errors";
export { Function, type Gradients, type VariableLike } from "./function";
export { enableGrad, isGradEnabled, noGrad } from "./grad-mode";
export {
  type CheckInput,
  type GradCheckOptions,
  gradCheck,
  type NumericalGradOptions,
  numericalGrad,
} from "./gradcheck";
export { add, div, maximum, minimum, mul, neg, pow, sub } from "./ops/arithmetic";
export { col2im, im2col } from "./ops/conv";
export { cumsum } from "./ops/cumulative";
export { type IndexKey, type Indices, index, scatterAdd, slice, take } from "./ops/indexing";
export { concat, pad, split, stack } from "./ops/join";
export { abs, cos, exp, log, relu, sigmoid, sign, sin, sqrt, square, tanh } from "./ops/math";
export { matmul } from "./ops/matmul";
export { logsumexp, max, mean, min, prod, std, sum, var, variance } from "./ops/reduce";
export { clip, where } from "./ops/select";
export {
  astype,
  broadcastTo,
  copy,
  expandDims,
  flatten,
  reshape,
  squeeze,
  sumTo,
  transpose,
} from "./ops/shape";
export { argsort, sort, topk } from "./ops/sort";
export { erf, log1p } from "./ops/special";
export { tril, triu } from "./ops/triangle";
export { asVariable, Parameter, Variable, type VariableOptions } from "./variable";
