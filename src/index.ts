// Public library entry point.
export * from "./gpu/device.ts";
export * from "./gpu/tensor.ts";
export * from "./gpu/recorder.ts";
export * as ops from "./kernels/index.ts";
