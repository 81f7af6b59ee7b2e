// The second module: the GEMM kernels again, built with relaxed SIMD so that the register tile
// multiplies and adds in one instruction. Hosts that validate it instantiate it over the same
// memory as the first module and take these exports instead of its own. It has no data of its
// own (nothing it writes at instantiation), so the two can share one memory.
export { dgemm, dgemmShare, sgemm, sgemmShare } from "./gemm";
