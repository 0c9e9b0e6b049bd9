// The peer: @tensorflow/tfjs-backend-webgpu's tf.matMul with the same transposes as our layouts.
// On Node there is no navigator.gpu, and the npm `webgpu` module must not create a second Dawn instance,
// so tfjs is handed the GPU object our device layer already created.
import { getGpu, gpuInstance } from "../src/gpu/device.ts";
import type { Layout, Shape } from "./matmul_shapes.ts";
import type { Contender } from "./model_common.ts";

export interface Peer {
  name: string;
  /** the tfjs namespace (@tensorflow/tfjs-core with the webgpu backend active), for the layer/realign peers */
  tf: any;
  /** tf.matMul with the layout's transposes, ready to time */
  prepare(layout: Layout, s: Shape): Contender;
}

export async function loadTfjs(): Promise<Peer> {
  await getGpu(); // creates the process-wide GPU first (Node: Dawn's instance)
  const nav = (globalThis as any).navigator;
  if (!nav?.gpu) {
    const gpu = gpuInstance();
    if (!gpu) throw new Error("no WebGPU instance to give tfjs");
    if (nav) Object.defineProperty(nav, "gpu", { value: gpu, configurable: true });
    else (globalThis as any).navigator = { gpu };
  }
  // variables keep tsc from resolving the (devDependency-only) packages at build time
  const core = "@tensorflow/tfjs-core", backend = "@tensorflow/tfjs-backend-webgpu";
  const tf: any = await import(core);
  await import(backend);
  await registerGradients();
  if (!(await tf.setBackend("webgpu"))) throw new Error("tfjs could not start its webgpu backend");
  await tf.ready();
  return {
    name: `@tensorflow/tfjs-backend-webgpu ${tf.version_core}`,
    tf,
    prepare(layout: Layout, s: Shape): Contender {
      const { M, N, K } = s;
      const x = tf.randomUniform([M, K], -0.05, 0.05), w = tf.randomUniform([N, K], -0.05, 0.05);
      const dy = tf.randomUniform([M, N], -0.05, 0.05);
      const run = () =>
        layout === "NT" ? tf.matMul(x, w, false, true) : layout === "NN" ? tf.matMul(dy, w, false, false) : tf.matMul(dy, x, true, false);
      return {
        async call() {
          const r = run();
          // wait for the GPU: read back one element (tfjs keeps its compute pass open between programs, so
          // its queue cannot be flushed from outside; the 4-byte readback costs well under a millisecond)
          const one = tf.slice(r, [0, 0], [1, 1]);
          await one.data();
          one.dispose();
          r.dispose();
        },
        release() {
          for (const t of [x, w, dy]) t.dispose();
        },
      };
    },
  };
}

/**
 * tfjs-core's bundles carry no gradient definitions (the umbrella @tensorflow/tfjs package registers them
 * from tfjs-core's ESM files, whose extensionless imports neither Node nor Deno resolve). So bundle
 * dist/register_all_gradients.js once with esbuild (already installed with vitest) into
 * node_modules/.cache/xlt-bench/ and import that: the gradients land in tfjs's process-wide registry
 * (kept on globalThis), where the engine of the already loaded tfjs-core finds them.
 */
async function registerGradients(): Promise<void> {
  const fs = "node:fs", url = "node:url";
  const { existsSync } = await import(fs);
  const { pathToFileURL } = await import(url);
  const root = (globalThis as any).Deno ? (globalThis as any).Deno.cwd() : (globalThis as any).process.cwd();
  const out = `${root}/node_modules/.cache/xlt-bench/tfjs_gradients.mjs`;
  if (!existsSync(out)) {
    const eb = "esbuild";
    const esbuild: any = await import(eb);
    await esbuild.build({
      entryPoints: [`${root}/node_modules/@tensorflow/tfjs-core/dist/register_all_gradients.js`],
      bundle: true, format: "esm", outfile: out, logLevel: "error",
    });
  }
  await import(pathToFileURL(out).href);
}
