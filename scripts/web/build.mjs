// Builds the page of web/ into web-dist/ (npm run web; test/web.test.ts): web/main.ts and the xlt sources
// it imports bundled by esbuild for the browser, with shaders/ carried as texts (a browser has no files
// to read them from; src/gpu/shaders.ts useShaderFiles), and web/index.html beside it. The built-in model
// and data are not copied: the server (scripts/web/serve.mjs) serves them from builtin/.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const WEB_DIST = join(ROOT, "web-dist");

/** Every file under shaders/ by its path inside it ("matmul.wgsl", "lib/gelu.wgsl"). */
function shaderTexts() {
  const dir = join(ROOT, "shaders");
  const out = {};
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith(".wgsl")) out[relative(dir, p).split("\\").join("/")] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

/** `import shaders from "xlt:shaders"`: the texts of shaders/. */
const shadersPlugin = {
  name: "xlt-shaders",
  setup(b) {
    b.onResolve({ filter: /^xlt:shaders$/ }, () => ({ path: "shaders", namespace: "xlt" }));
    b.onLoad({ filter: /.*/, namespace: "xlt" }, () => ({ contents: JSON.stringify(shaderTexts()), loader: "json" }));
  },
};

/** Builds into a temp folder, then swaps it in (a server reading web-dist/ never sees half a build). */
export async function buildWeb({ quiet = false } = {}) {
  const tmp = `${WEB_DIST}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const r = await build({
    entryPoints: [join(ROOT, "web", "main.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: false,
    outfile: join(tmp, "app.js"),
    plugins: [shadersPlugin],
    metafile: true,
    logLevel: quiet ? "error" : "warning",
  });
  copyFileSync(join(ROOT, "web", "index.html"), join(tmp, "index.html"));
  rmSync(WEB_DIST, { recursive: true, force: true });
  renameSync(tmp, WEB_DIST);
  const bytes = Object.values(r.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
  if (!quiet) console.log(`built ${relative(process.cwd(), WEB_DIST) || "."}/ (app.js ${(bytes / 1024).toFixed(0)} KiB)`);
  return WEB_DIST;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildWeb();
