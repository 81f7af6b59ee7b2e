export { broadcastShapes } from "./broadcast";
export { allclose, arrayEqual } from "./compare";
export {
  type ArrayInput,
  arange,
  array,
  type DTypeOption,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  zeros,
  zerosLike,
} from "./create";
export { type DType, isFloat, promoteTypes, type TypedArray } from "./dtype";
export { DTypeError, IndexError, NDArrayError, ShapeError } from "./errors";
export {
  type Engine,
  engine,
  jsEngine,
  type MatrixOperand,
  type ScalarFn,
  type StridedOperand,
  setEngine,
  type WindowGeometry,
} from "./kernels/engine";
export type { GemmKernel } from "./kernels/gemm";
export { type ScalarName, scalar } from "./kernels/scalar";
export { type ArrayOrScalar, NDArray, type NestedArray } from "./ndarray";
export {
  add,
  div,
  equal,
  greater,
  greaterEqual,
  less,
  lessEqual,
  maximum,
  minimum,
  mul,
  notEqual,
  pow,
  sub,
} from "./ops/binary";
export { col2im, convOutputSize, type IntPair, im2col, windowMaxima } from "./ops/conv";
export { astype, contiguous, copy } from "./ops/copy";
export { cumsum } from "./ops/cumulative";
export { type IndexKey, index } from "./ops/index-keys";
export { oneHot, type SliceSpec, scatterAdd, slice, take } from "./ops/indexing";
export { concat, type PadWidth, pad, resolvePadWidth, split, stack } from "./ops/join";
export { matmul } from "./ops/matmul";
export { type OutOption, resultType } from "./ops/operands";
export {
  type Axis,
  argmax,
  argmin,
  logsumexp,
  max,
  mean,
  min,
  prod,
  std,
  sum,
  var,
  variance,
} from "./ops/reduce";
export {
  broadcastTo,
  expandDims,
  flatten,
  reshape,
  squeeze,
  sumTo,
  transpose,
} from "./ops/shape";
export { argsort, type SortOptions, sort, topk } from "./ops/sort";
export { erf, log1p } from "./ops/special";
export { tril, triu } from "./ops/triangle";
export {
  abs,
  clip,
  cos,
  exp,
  log,
  neg,
  relu,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  tanh,
  where,
} from "./ops/unary";
export { Random, type RandomBernoulliOptions, type RandomFloatOptions } from "./random";
export {
  formatShape,
  normalizeAxes,
  normalizeAxis,
  reducedShape,
  type Shape,
  shapeSize,
  shapesEqual,
} from "./shape";
