export { gatherF32, gatherF64 } from "./gather";
export {
  dgemm,
  dgemmShare,
  gemmWorkBytes,
  sgemm,
  sgemmShare,
} from "./gemm";
export {
  binaryF32,
  binaryF64,
  compareF32,
  compareF64,
  unaryF32,
  unaryF64,
  withBoolF32,
  withBoolF64,
} from "./map";
export { sumF32 } from "./reduce";
export { windowMaxF32, windowMaxF64, windowsF32, windowsF64 } from "./windows";
