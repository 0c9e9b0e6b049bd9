// Vulkan driver discovery for `xlt doctor` (src/gpu/vulkan.ts; no GPU): manifests named by VK_DRIVER_FILES
// are read and their libraries looked up, and the install advice names what is missing.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findVulkan, installAdvice, type VulkanSetup } from "../../src/gpu/vulkan.ts";
import type { Cases } from "../lib/check.ts";

export const cases: Cases = {};

function assert(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

/** Runs fn with env variables set (undefined: unset), restoring them afterwards. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const env = (globalThis as any).process.env;
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, env[k]]));
  const put = (k: string, v: string | undefined) => (v === undefined ? delete env[k] : (env[k] = v));
  try {
    for (const [k, v] of Object.entries(vars)) put(k, v);
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) put(k, v);
  }
}

cases["VK_DRIVER_FILES manifests: present with its library, with a missing library, unreadable, missing"] = async () => {
  const dir = mkdtempSync(join(tmpdir(), "xlt-vk-"));
  const lib = join(dir, "libvulkan_fake.so");
  writeFileSync(lib, "");
  const ok = join(dir, "ok.json"), noLib = join(dir, "nolib.json"), bad = join(dir, "bad.json"), gone = join(dir, "gone.json");
  writeFileSync(ok, JSON.stringify({ file_format_version: "1.0.0", ICD: { library_path: lib, api_version: "1.3.0" } }));
  writeFileSync(noLib, JSON.stringify({ ICD: { library_path: "libxlt_no_such_driver.so" } }));
  writeFileSync(bad, "{ not json");
  const v = withEnv({ VK_DRIVER_FILES: [ok, noLib, bad, gone].join(":"), VK_ICD_FILENAMES: undefined, VK_ADD_DRIVER_FILES: undefined }, findVulkan);
  assert(v.envOverride === "VK_DRIVER_FILES", `override ${v.envOverride}`);
  const [a, b, c, d] = v.icds;
  assert(v.icds.length === 4, `${v.icds.length} manifests`);
  assert(a.exists && a.libraryFound === true && a.apiVersion === "1.3.0", `ok.json: ${JSON.stringify(a)}`);
  assert(b.exists && b.libraryFound === false, `nolib.json: ${JSON.stringify(b)}`);
  assert(c.exists && !!c.error, `bad.json: ${JSON.stringify(c)}`);
  assert(!d.exists, `gone.json: ${JSON.stringify(d)}`);
  // the one usable manifest gave no adapter: the advice is about the GPU, not about installing a driver
  assert(/gave no adapter/.test(installAdvice(v)), installAdvice(v));
  const none = withEnv({ VK_DRIVER_FILES: [noLib, gone].join(":"), VK_ICD_FILENAMES: undefined }, findVulkan);
  assert(/^VK_DRIVER_FILES names no usable driver manifest/.test(installAdvice(none)), installAdvice(none));
};

cases["install advice: no loader, then no driver"] = async () => {
  const noLoader: VulkanSetup = { loader: [], icds: [] };
  assert(/sudo apt-get install libvulkan1 mesa-vulkan-drivers/.test(installAdvice(noLoader)), installAdvice(noLoader));
  const noDriver: VulkanSetup = { loader: ["/usr/lib/x86_64-linux-gnu/libvulkan.so.1"], icds: [] };
  const advice = installAdvice(noDriver);
  assert(/^install a Vulkan driver: .*NVIDIA.*mesa-vulkan-drivers/.test(advice) && !/libvulkan1/.test(advice), advice);
};
