// Serves the built page (web-dist/, scripts/web/build.mjs) and the built-in model and data (builtin/, as
// /builtin/...) on 127.0.0.1: a browser gives WebGPU only to secure origins, and a loopback address is one.
// `node scripts/web/serve.mjs [PORT]` (default 8080; 0 picks a free port) prints the URL.
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT, WEB_DIST } from "./build.mjs";

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".txt": "text/plain; charset=utf-8", ".safetensors": "application/octet-stream" };

/** The file a URL path names, inside web-dist/ or builtin/; null outside them. */
function fileFor(urlPath) {
  const path = normalize(decodeURIComponent(urlPath.split("?")[0]));
  const [base, rest] = path.startsWith(`${sep}builtin${sep}`) ? [join(ROOT, "builtin"), path.slice("/builtin/".length)] : [WEB_DIST, path === sep ? "index.html" : path.slice(1)];
  const file = join(base, rest);
  return file.startsWith(base + sep) ? file : null;
}

/** Starts the server; resolves to it and its URL once it listens. */
export function serveWeb(port = 8080, host = "127.0.0.1") {
  if (!existsSync(join(WEB_DIST, "index.html"))) throw new Error(`${WEB_DIST} has no page: build it first (npm run web)`);
  const server = createServer((req, res) => {
    const file = fileFor(req.url ?? "/");
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-length": statSync(file).size, "cache-control": "no-store" });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve({ server, url: `http://${host}:${server.address().port}/` }));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
  try {
    const { url } = await serveWeb(port);
    console.log(`xlt in the browser: ${url}  (Ctrl-C stops the server)`);
  } catch (e) {
    console.error(e.code === "EADDRINUSE" ? `port ${port} is taken: give another, e.g. node scripts/web/serve.mjs 8081` : e.message);
    process.exit(1);
  }
}
