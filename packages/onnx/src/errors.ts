/**
 * What `@zerograd/onnx` throws when a model cannot be exported: a recorded Function without an
 * ONNX mapping (the message names it), bad options (input/output names, opset), or inputs the
 * trace cannot use. The message starts with `toOnnx:`.
 */
export class OnnxExportError extends Error {
  override name = "OnnxExportError";
}
