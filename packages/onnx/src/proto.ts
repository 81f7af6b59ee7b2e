// The part of ONNX's onnx.proto (IR version 8) that an exported model uses, as a protobufjs
// reflection schema: protobufjs writes the wire format, this file only names the fields with
// their numbers from onnx.proto, so the encoding is the library's, not ours.
import protobuf from "protobufjs/light.js";

/** ONNX's TensorProto.DataType values for the dtypes zerograd has (plus int64 for shapes). */
export const TensorDataType = {
  float32: 1,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
} as const;

/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, TENSOR: 4, INTS: 7 } as const;

/** A TensorProto: dims, element type and little-endian raw bytes. */
export interface TensorMessage {
  /** The initializer's name, which nodes use as an input. */
  name: string;
  /** Its shape. */
  dims: number[];
  /** TensorProto.DataType: 1 float32, 6 int32, 7 int64, 9 bool, 11 float64. */
  dataType: number;
  /** The values, row-major, little-endian. */
  rawData: Uint8Array;
}

/** An AttributeProto with one of f, i, ints or t set (and its type). */
export interface AttributeMessage {
  /** The attribute's name (`perm`, `axis`, `kernel_shape`, ...). */
  name: string;
  /** AttributeProto.AttributeType: 1 float, 2 int, 4 tensor, 7 ints. */
  type: number;
  /** A float value. */
  f?: number;
  /** An integer value. */
  i?: number;
  /** A list of integers. */
  ints?: number[];
  /** A tensor value. */
  t?: TensorMessage;
}

/** A NodeProto. */
export interface NodeMessage {
  /** A unique node name. */
  name: string;
  /** The ONNX operator (`Gemm`, `Relu`, ...). */
  opType: string;
  /** Names of the values it reads. */
  input: string[];
  /** Names of the values it writes. */
  output: string[];
  /** Its attributes. */
  attribute: AttributeMessage[];
}

/** A ValueInfoProto of a tensor: element type and dims (a number or a symbolic name each). */
export interface ValueInfoMessage {
  /** The graph input's or output's name. */
  name: string;
  /** Element type and shape (a dim is `{ dimValue }` or the symbolic `{ dimParam }`). */
  type: {
    tensorType: {
      elemType: number;
      shape: { dim: ({ dimValue: number } | { dimParam: string })[] };
    };
  };
}

/** A ModelProto holding one graph. */
export interface ModelMessage {
  /** ONNX IR version (7 to 10, by opset). */
  irVersion: number;
  /** `zerograd`. */
  producerName: string;
  /** The producer's version. */
  producerVersion: string;
  /** The opsets used: the default domain `""` at the chosen opset. */
  opsetImport: { domain: string; version: number }[];
  /** The graph: nodes in topological order, initializers, inputs and outputs. */
  graph: {
    name: string;
    node: NodeMessage[];
    initializer: TensorMessage[];
    input: ValueInfoMessage[];
    output: ValueInfoMessage[];
  };
}

const schema = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            t: { type: "TensorProto", id: 5 },
            floats: { rule: "repeated", type: "float", id: 7 },
            ints: { rule: "repeated", type: "int64", id: 8 },
            docString: { type: "string", id: 13 },
            type: { type: "int32", id: 20 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: "string", id: 1 },
            type: { type: "TypeProto", id: 2 },
            docString: { type: "string", id: 3 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: "repeated", type: "string", id: 1 },
            output: { rule: "repeated", type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
            docString: { type: "string", id: 6 },
            domain: { type: "string", id: 7 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            domain: { type: "string", id: 4 },
            modelVersion: { type: "int64", id: 5 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: "repeated", type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: "repeated", type: "TensorProto", id: 5 },
            docString: { type: "string", id: 10 },
            input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
            output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: "repeated", type: "int64", id: 1 },
            dataType: { type: "int32", id: 2 },
            name: { type: "string", id: 8 },
            rawData: { type: "bytes", id: 9 },
            docString: { type: "string", id: 12 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: "repeated", type: "Dimension", id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
              fields: {
                dimValue: { type: "int64", id: 1 },
                dimParam: { type: "string", id: 2 },
              },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ["tensorType"] } },
          fields: { tensorType: { type: "Tensor", id: 1 } },
          nested: {
            Tensor: {
              fields: {
                elemType: { type: "int32", id: 1 },
                shape: { type: "TensorShapeProto", id: 2 },
              },
            },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: "string", id: 1 },
            version: { type: "int64", id: 2 },
          },
        },
      },
    },
  },
};

let modelType: protobuf.Type | undefined;

function model(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(schema).lookupType("onnx.ModelProto");
  return modelType;
}

/** The ModelProto's bytes. */
export function encodeModel(message: ModelMessage): Uint8Array {
  const type = model();
  return type.encode(type.fromObject(message)).finish();
}

/** Reads ModelProto bytes back (int64 fields as numbers, bytes as Uint8Array), for inspection. */
export function decodeModel(bytes: Uint8Array): ModelMessage {
  const type = model();
  return type.toObject(type.decode(bytes), {
    longs: Number,
    defaults: false,
    arrays: true,
  }) as ModelMessage;
}
