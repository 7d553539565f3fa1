/**
 * ONNX models as plain objects: decode and encode the protobuf format (tensor
 * bytes stay views, copied once on encode), and build nodes and tensors.
 *
 * @module
 */
export * from "./builders.ts";
export * from "./decode_model.ts";
export * from "./encode_model.ts";
export * from "./model_source.ts";
export * from "./check_model.ts";
export * from "./types.ts";
