// Golden fixtures written by scripts/golden/*.py (PyTorch) into test/fixtures/.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadAll } from "../../src/io/safetensors.ts";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

const cache = new Map<string, ReturnType<typeof loadAll>>();

/** All tensors of test/fixtures/<family>.safetensors, by name. */
export function fixture(family: string): ReturnType<typeof loadAll> {
  let f = cache.get(family);
  if (!f) cache.set(family, (f = loadAll(join(FIXTURES, `${family}.safetensors`))));
  return f;
}

export function get(family: string, name: string): { shape: number[]; data: Float32Array | Int32Array } {
  const t = fixture(family).get(name);
  if (!t) throw new Error(`fixture ${family}.safetensors has no tensor '${name}' (re-run scripts/golden/${family}.py)`);
  return t;
}

/** The shared third-party data folder: ../shared/data beside the checkout (as in CI), and nowhere else. */
export const SHARED_DATA = join(FIXTURES, "..", "..", "..", "shared", "data");

/** Fixtures and real data (PUD en/de, MUSE en-de) several test files use. */
export const TINY_BERT = join(FIXTURES, "tiny-bert");
export const PARALLEL_TINY = join(FIXTURES, "parallel-tiny.txt");
export const PUD_EN = join(SHARED_DATA, "ud/UD_English-PUD/en_pud-ud-test.conllu");
export const PUD_DE = join(SHARED_DATA, "ud/UD_German-PUD/de_pud-ud-test.conllu");
export const MUSE_DE = join(SHARED_DATA, "muse_dictionaries/en-de.txt");
export const haveRealData = () => existsSync(PUD_EN) && existsSync(PUD_DE) && existsSync(MUSE_DE);
