export { OnnxExportError } from "./errors";
export {
  type AttributeMessage,
  decodeModel as decodeOnnx,
  type ModelMessage,
  type NodeMessage,
  type TensorMessage,
  type ValueInfoMessage,
} from "./proto";
export { type ToOnnxOptions, toOnnx } from "./to-onnx";
