// xlt's version, read from package.json at run time so that it is written in one place. The module runs from
// cli/ (Deno, the sources) and from dist/cli/ (Node, compiled), so the file is looked up in the folders above.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 3; up++, dir = dirname(dir)) {
    const path = join(dir, "package.json");
    if (!existsSync(path)) continue;
    const pkg = JSON.parse(readFileSync(path, "utf8"));
    if (pkg.name === "xlt" && typeof pkg.version === "string") return pkg.version;
  }
  throw new Error("xlt's package.json was not found above the CLI's module");
}
