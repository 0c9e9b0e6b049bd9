// A counting device: a Gpu whose buffers hold nothing and whose dispatches are checked (parameters, binding
// sizes, workgroup counts) but not recorded. Training code run on it allocates exactly what it allocates on a
// real device, from the same code, so a step recorded on it says how much GPU memory the step takes
// (src/train/estimate.ts) without a GPU, for any model size: its tensors take no host memory either.
// Its buffers, pool and memory figures are its own (memoryStats(g)); reading one back is an error.
import type { Caps, Gpu } from "./device.ts";

/**
 * What a counting device reports when no real one is given: a discrete GPU's usual limits (2 GiB per
 * binding), and no buffer size limit, so that any model can be measured.
 */
const DEFAULT_CAPS: Caps = {
  runtime: "node",
  adapterName: "counting device",
  timestamps: false,
  f16: true,
  subgroups: false,
  subgroupRows: 0,
  maxBinding: 2 ** 31,
  maxBuffer: 2 ** 52,
  maxWorkgroupStorage: 32768,
  maxInvocations: 1024,
  maxStorageBuffers: 16,
  minStorageOffsetAlign: 256,
  maxWorkgroupsPerDim: 65535,
  maxTexture2D: 16384,
};

function nothingToRead(): never {
  throw new Error("a counting device's buffers hold nothing to read");
}

/** A counting device with `like`'s capabilities (the real device a run uses, so kernels pick the same variants). */
export function countingGpu(like?: Caps): Gpu {
  const noop = () => {};
  const pass = { setPipeline: noop, setBindGroup: noop, dispatchWorkgroups: noop, end: noop };
  // copyBufferToTexture and createTexture: the matmul family's images on CPU adapters (src/kernels/matmul_img.ts),
  // scratch that is not a tensor and is not counted
  const encoder = { beginComputePass: () => pass, clearBuffer: noop, copyBufferToBuffer: noop, copyBufferToTexture: noop, finish: () => ({}) };
  const queue = { writeBuffer: noop, submit: noop, onSubmittedWorkDone: async () => {} };
  const device = {
    queue,
    createBuffer: (d: GPUBufferDescriptor) => ({ size: d.size, label: d.label ?? "", usage: d.usage, destroy: noop, unmap: noop, mapAsync: nothingToRead, getMappedRange: nothingToRead }),
    createShaderModule: () => ({ getCompilationInfo: async () => ({ messages: [] }) }),
    createTexture: () => ({ destroy: noop, createView: () => ({}) }),
    createBindGroupLayout: () => ({}),
    createPipelineLayout: () => ({}),
    createComputePipeline: () => ({}),
    createBindGroup: () => ({}),
    createCommandEncoder: () => encoder,
    addEventListener: noop,
  };
  return {
    device: device as unknown as GPUDevice,
    queue: queue as unknown as GPUQueue,
    caps: { ...(like ?? DEFAULT_CAPS), timestamps: false },
    counting: true,
  };
}
