// A TrueType sans-serif font for PNG output. resvg's WebAssembly build cannot look for system fonts
// itself, so xlt reads one family's regular and bold faces from the usual font folders of Linux, macOS
// and Windows, or the file the user names (--font). SVG output needs no font file: the viewer draws it.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import process from "node:process";
import { XltError } from "../errors.ts";

export interface FontFiles {
  /** the family name the SVG's sans-serif text is drawn with */
  family: string;
  buffers: Uint8Array[];
  paths: string[];
}

/** Families tried in order, each as its regular and bold file names. */
const FAMILIES: { family: string; files: string[] }[] = [
  { family: "DejaVu Sans", files: ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"] },
  { family: "Liberation Sans", files: ["LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"] },
  { family: "Arial", files: ["Arial.ttf", "Arial Bold.ttf", "arial.ttf", "arialbd.ttf"] },
  { family: "Noto Sans", files: ["NotoSans-Regular.ttf", "NotoSans-Bold.ttf"] },
];

function fontDirs(): string[] {
  const home = process.env.HOME ?? process.env.USERPROFILE ?? "";
  const windir = process.env.WINDIR ?? "C:\\Windows";
  return ["/usr/share/fonts", "/usr/local/share/fonts", home && join(home, ".local/share/fonts"), home && join(home, ".fonts"),
    "/System/Library/Fonts", "/System/Library/Fonts/Supplemental", "/Library/Fonts", join(windir, "Fonts")].filter((d) => d && existsSync(d));
}

/** Every file under `dir` by name (first found wins), two folder levels deep as Debian and Fedora lay fonts out. */
function filesByName(dir: string, depth: number, into: Map<string, string>): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const p = join(dir, n);
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      continue;
    }
    if (isDir) {
      if (depth > 0) filesByName(p, depth - 1, into);
    } else if (!into.has(n)) into.set(n, p);
  }
}

/** The family name stored in a TrueType file's name table (ID 1), or the file name without extension. */
function familyOf(bytes: Uint8Array, path: string): string {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const tables = v.getUint16(4);
    for (let i = 0; i < tables; i++) {
      const rec = 12 + 16 * i;
      if (String.fromCharCode(...bytes.subarray(rec, rec + 4)) !== "name") continue;
      const off = v.getUint32(rec + 8);
      const count = v.getUint16(off + 2);
      const strings = off + v.getUint16(off + 4);
      for (let k = 0; k < count; k++) {
        const r = off + 6 + 12 * k;
        const [platform, , , nameId, len, at] = [0, 2, 4, 6, 8, 10].map((d) => v.getUint16(r + d));
        if (nameId !== 1) continue;
        const raw = bytes.subarray(strings + at, strings + at + len);
        // Windows / Unicode platforms store UTF-16BE; Macintosh stores single bytes
        if (platform === 3 || platform === 0) return String.fromCharCode(...Array.from({ length: len / 2 }, (_, j) => (raw[2 * j] << 8) | raw[2 * j + 1]));
        return String.fromCharCode(...raw);
      }
    }
  } catch {
    // not a font file we can read: the name below
  }
  return basename(path).replace(/\.[ot]tf$/i, "");
}

/** The font for PNG output: `file` if given (its bold sibling too, if any), else the first family found. */
export function findFonts(file?: string): FontFiles {
  if (file) {
    if (!existsSync(file)) throw new XltError(`--font ${file}: file not found`);
    const bytes = new Uint8Array(readFileSync(file));
    return { family: familyOf(bytes, file), buffers: [bytes], paths: [file] };
  }
  const found = new Map<string, string>();
  for (const d of fontDirs()) filesByName(d, 3, found);
  for (const f of FAMILIES) {
    const paths = f.files.map((n) => found.get(n)).filter((p): p is string => !!p);
    if (paths.length) return { family: f.family, buffers: paths.map((p) => new Uint8Array(readFileSync(p))), paths };
  }
  throw new XltError(`PNG output needs a TrueType sans-serif font and none was found (looked for ${FAMILIES.map((f) => f.family).join(", ")} under ${fontDirs().join(", ") || "the usual font folders"}): install one (Debian: apt-get install fonts-dejavu-core), pass --font FILE.ttf, or write SVG`);
}

