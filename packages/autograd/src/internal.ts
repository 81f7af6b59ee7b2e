// biome-ignore-all assist/source/organizeImports: the order below is the evaluation order.
// The Variable/Function graph is one cycle of modules: every op extends Function, Function
// makes Variables, and Variable's chaining methods call the ops. Every module imports the
// cycle's names from here, so whichever module is loaded first, Function is defined before
// any op class extends it (the "internal module" pattern).
export * from "./grad-mode";
export * from "./errors";
export * from "./function";
export * from "./ops/broadcast";
export * from "./ops/shape";
export * from "./ops/arithmetic";
export * from "./ops/math";
export * from "./ops/special";
export * from "./ops/select";
export * from "./ops/reduce";
export * from "./ops/matmul";
export * from "./ops/indexing";
export * from "./ops/cumulative";
export * from "./ops/triangle";
export * from "./ops/sort";
export * from "./ops/join";
export * from "./ops/conv";
export * from "./variable";
export * from "./backward";
