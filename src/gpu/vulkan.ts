// Where the Vulkan loader and drivers (ICD manifests) are on this machine, as the Khronos loader looks for
// them (Linux): `xlt doctor` prints this so a missing or misconfigured driver is named, not guessed at.
// Only reads files; works the same on Node and Deno.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { isAbsolute, join } from "node:path";

export interface IcdFile {
  path: string;
  /** where it was found: the env variable or the search folder */
  source: string;
  exists: boolean;
  /** library_path from the manifest, and whether that library is on this machine */
  library?: string;
  libraryFound?: boolean;
  apiVersion?: string;
  error?: string;
}

export interface VulkanSetup {
  /** libvulkan.so.1 paths found (ldconfig's cache, LD_LIBRARY_PATH, common folders) */
  loader: string[];
  icds: IcdFile[];
  /** VK_ICD_FILENAMES / VK_DRIVER_FILES when set: they replace the search folders */
  envOverride?: string;
}

const LIB_DIRS = ["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib64", "/lib", "/usr/local/lib", "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib"];

function env(name: string): string | undefined {
  const v = (globalThis as any).process?.env?.[name];
  return v ? String(v) : undefined;
}

function libDirs(): string[] {
  return [...(env("LD_LIBRARY_PATH") ?? "").split(":").filter((d) => d), ...LIB_DIRS];
}

/** Paths of `name` in ldconfig's cache (empty when ldconfig is absent). */
function ldconfigPaths(name: string): string[] {
  for (const bin of ["/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"]) {
    if (bin.startsWith("/") && !existsSync(bin)) continue;
    const r = spawnSync(bin, ["-p"], { encoding: "utf8" });
    if (r.status !== 0 || !r.stdout) continue;
    return r.stdout.split("\n").filter((l) => l.trim().startsWith(name + " ")).map((l) => l.split("=>").pop()!.trim());
  }
  return [];
}

function findLibrary(name: string): string[] {
  // one entry per file: /lib and /usr/lib are often the same folder
  const found = new Map<string, string>();
  for (const p of [...ldconfigPaths(name), ...libDirs().map((d) => join(d, name))]) {
    if (!existsSync(p)) continue;
    const real = realpathSync(p);
    if (!found.has(real)) found.set(real, p);
  }
  return [...found.values()];
}

/** The ICD search folders of the Khronos loader on Linux, plus where the NVIDIA container runtime puts them. */
export function icdSearchDirs(): string[] {
  const home = env("HOME");
  const configHome = env("XDG_CONFIG_HOME") ?? (home ? join(home, ".config") : undefined);
  const dataHome = env("XDG_DATA_HOME") ?? (home ? join(home, ".local/share") : undefined);
  const configDirs = (env("XDG_CONFIG_DIRS") ?? "/etc/xdg").split(":");
  const dataDirs = (env("XDG_DATA_DIRS") ?? "/usr/local/share:/usr/share").split(":");
  const dirs = [configHome, ...configDirs, "/etc", dataHome, ...dataDirs, "/usr/share"].filter((d): d is string => !!d).map((d) => join(d, "vulkan/icd.d"));
  dirs.push("/usr/local/nvidia/icd.d", "/usr/local/nvidia/share/vulkan/icd.d");
  return [...new Set(dirs)];
}

function readIcd(path: string, source: string): IcdFile {
  if (!existsSync(path)) return { path, source, exists: false };
  const f: IcdFile = { path, source, exists: true };
  try {
    const json = JSON.parse(readFileSync(path, "utf8"));
    const lib: string | undefined = json?.ICD?.library_path;
    f.apiVersion = json?.ICD?.api_version;
    if (lib) {
      f.library = lib;
      f.libraryFound = isAbsolute(lib) || lib.includes("/") ? existsSync(isAbsolute(lib) ? lib : join(path, "..", lib)) : findLibrary(lib).length > 0;
    }
  } catch (e) {
    f.error = `not a readable ICD manifest: ${(e as Error).message.split("\n")[0]}`;
  }
  return f;
}

export function findVulkan(): VulkanSetup {
  const loader = findLibrary("libvulkan.so.1");
  const override = env("VK_DRIVER_FILES") ? "VK_DRIVER_FILES" : env("VK_ICD_FILENAMES") ? "VK_ICD_FILENAMES" : undefined;
  const icds: IcdFile[] = [];
  if (override) {
    for (const p of env(override)!.split(":").filter((p) => p)) icds.push(readIcd(p, override));
  } else {
    for (const d of icdSearchDirs()) {
      let names: string[] = [];
      try {
        names = readdirSync(d).filter((n) => n.endsWith(".json")).sort();
      } catch {
        continue; // folder absent
      }
      for (const n of names) icds.push(readIcd(join(d, n), d));
    }
  }
  for (const p of (env("VK_ADD_DRIVER_FILES") ?? "").split(":").filter((p) => p)) icds.push(readIcd(p, "VK_ADD_DRIVER_FILES"));
  return { loader, icds, envOverride: override };
}

/** Debian/Ubuntu packages to install, given what findVulkan saw: one line. */
export function installAdvice(v: VulkanSetup): string {
  const driver = "a Vulkan driver: your GPU's (NVIDIA: the driver's Vulkan ICD, e.g. libnvidia-gl-<version> on Ubuntu, nvidia-vulkan-icd on Debian; AMD/Intel: mesa-vulkan-drivers) or, with no GPU, the software one (mesa-vulkan-drivers: lavapipe)";
  if (!v.loader.length) return `install the Vulkan loader and ${driver}; on Debian/Ubuntu: sudo apt-get install libvulkan1 mesa-vulkan-drivers`;
  const usable = v.icds.filter((f) => f.exists && !f.error && f.libraryFound !== false);
  if (v.envOverride && !usable.length) return `${v.envOverride} names no usable driver manifest (${v.icds.map((f) => f.path).join(", ") || "empty"}): unset it or point it at an installed ICD .json; or install ${driver}`;
  if (!usable.length) return `install ${driver}; on Debian/Ubuntu: sudo apt-get install mesa-vulkan-drivers (software) or your GPU vendor's Vulkan ICD`;
  return `the Vulkan driver(s) found (${usable.map((f) => f.path).join(", ")}) gave no adapter: check that the GPU is visible here (/dev/dri, /dev/nvidia*) and that the driver matches the kernel module; or install mesa-vulkan-drivers for the software adapter`;
}
