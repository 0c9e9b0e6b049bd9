// Probe kernels for the lavapipe ceiling study (bench/results/lavapipe-matmul-ceiling.md): each one does a
// single kind of memory access, so llvmpipe's assembly for it (GALLIVM_DEBUG=asm, printed by Mesa while the
// kernel compiles) can be read on its own. scripts/bench/lavapipe_asm.sh runs this and splits the output.
//   buffer-load   Y[i] = X[i + 4096]: a storage-buffer load whose address differs per invocation
//   image-load    textureLoad of an rgba32float read-only storage image at a per-invocation texel
//   image-store   textureStore into an rgba32float write-only storage image
import { getGpu } from "../src/gpu/device.ts";

const PROBES: Record<string, { code: string; textures: ("read" | "write")[] }> = {
  "buffer-load": {
    code: `@group(0) @binding(0) var<storage, read_write> Y: array<f32>;
@compute @workgroup_size(8) fn main(@builtin(global_invocation_id) id: vec3u) { Y[id.x] = Y[id.x + 4096u] + 1.0; }`,
    textures: [],
  },
  "image-load": {
    code: `@group(0) @binding(0) var<storage, read_write> Y: array<f32>;
@group(0) @binding(1) var T: texture_storage_2d<rgba32float, read>;
@compute @workgroup_size(8) fn main(@builtin(global_invocation_id) id: vec3u) { let v = textureLoad(T, vec2u(id.x, 0u)); Y[id.x] = v.x + v.w; }`,
    textures: ["read"],
  },
  "image-store": {
    code: `@group(0) @binding(0) var<storage, read_write> Y: array<f32>;
@group(0) @binding(1) var T: texture_storage_2d<rgba32float, write>;
@compute @workgroup_size(8) fn main(@builtin(global_invocation_id) id: vec3u) { textureStore(T, vec2u(id.x, 0u), vec4f(Y[0], 1.0, 2.0, 3.0)); }`,
    textures: ["write"],
  },
};

const g = await getGpu();
const dev = g.device;
const Y = dev.createBuffer({ size: 1 << 16, usage: 0x80 /*STORAGE*/ });
for (const [name, p] of Object.entries(PROBES)) {
  console.log(`==== probe ${name}`);
  const module = dev.createShaderModule({ code: p.code });
  const pipeline = dev.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
  const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: Y } }];
  for (const [i, access] of p.textures.entries()) {
    const tex = dev.createTexture({ size: [64, 1], format: "rgba32float", usage: 0x08 /*STORAGE_BINDING*/ });
    entries.push({ binding: i + 1, resource: tex.createView() });
    void access;
  }
  const enc = dev.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, dev.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }));
  pass.dispatchWorkgroups(1);
  pass.end();
  dev.queue.submit([enc.finish()]);
  await dev.queue.onSubmittedWorkDone();
}
const proc = (globalThis as any).process;
if (proc) proc.exit(0);
