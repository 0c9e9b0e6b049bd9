// Public library entry point.
export * from "./gpu/device.ts";
export * from "./gpu/tensor.ts";
export * from "./gpu/recorder.ts";
export * as ops from "./kernels/index.ts";
export * from "./profile/profiler.ts";
export * from "./profile/table.ts";
export * from "./profile/trace.ts";
export { Adam } from "./train/adam.ts";
export { Encoder } from "../models/encoder.ts";
export { loadCheckpoint, saveCheckpoint } from "./io/checkpoint.ts";
export { loadTokenizer, encodeWords } from "./io/tokenize.ts";
