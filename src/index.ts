// Public library entry point (package.json "exports"): the same module graph loads in Node, Deno and a
// browser (src/host.ts); only the calls that take paths need Node or Deno.
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
// Realignment over bytes (Node, Deno and browsers): model files and data texts in, the realigned model.safetensors out.
export { adapterInfo, checkFitsAdapter, loadModel, pairsFromText, realignBytes as realign } from "./run/realign_bytes.ts";
export type { AdapterInfo, BytesModel, ModelFiles, PairTexts, RealignBytesOptions, RealignBytesResult } from "./run/realign_bytes.ts";
export { useShaderFiles } from "./gpu/shaders.ts";
export { headerOfBytes } from "./io/safetensors.ts";
export { XltError } from "./errors.ts";
