// The built-in default experiment shipped with xlt (builtin/ at the package root, made by
// scripts/builtin/make.sh): a small BERT that xlt pre-trained itself with plain MLM on UD PUD text (19
// languages) and XQuAD's paragraphs (12), PUD en-de, en-fr and en-ar sentence pairs with links from xlt's own
// fast_align, English POS training from PUD and UD English EWT, and PUD POS test sets. PUD sentences 1-800
// trained the model, the realignment and English POS; 801-1000 are only tested on.
// The languages and realignment settings are also what the web page (web/main.ts) uses for the built-in
// model, so this module reaches files only through src/host.ts and loads in a browser.
import { XltError } from "../errors.ts";
import type { LangSpec } from "../data/pairs.ts";
import { fs, nodePath, url } from "../host.ts";

export const SHIPPED_LANGS = ["de", "fr", "ar"] as const;
export type ShippedLang = (typeof SHIPPED_LANGS)[number];

/**
 * `xlt realign`'s defaults on the built-in model: it is small, so a higher learning rate shows realignment in
 * a few dozen steps, and 40 steps of PUD's long sentences cut at 64 subwords keep the flagship command
 * under a minute on a software adapter.
 */
export const SHIPPED_REALIGN = { steps: 40, lr: 2e-4, maxLength: 64 };

export interface ShippedBuiltin {
  dir: string;
  model: string;
  pairs: Record<ShippedLang, string>;
  /** Pharaoh links of `pairs`, written by `xlt align --method fastalign` */
  alignments: Record<ShippedLang, string>;
  /** POS: English training set, and the held-out test set of every language */
  conllu: Record<"en" | "en_test" | ShippedLang, string>;
}

export function shippedPaths(dir: string): ShippedBuiltin {
  const join = nodePath.join;
  const data = join(dir, "data");
  return {
    dir,
    model: join(dir, "model"),
    pairs: Object.fromEntries(SHIPPED_LANGS.map((l) => [l, join(data, `pairs.en-${l}.txt`)])) as Record<ShippedLang, string>,
    alignments: Object.fromEntries(SHIPPED_LANGS.map((l) => [l, join(data, `align.en-${l}.txt`)])) as Record<ShippedLang, string>,
    conllu: {
      en: join(data, "pos.en-train.conllu"), en_test: join(data, "pos.en-test.conllu"),
      ...(Object.fromEntries(SHIPPED_LANGS.map((l) => [l, join(data, `pos.${l}-test.conllu`)])) as Record<ShippedLang, string>),
    },
  };
}

/** Finds builtin/ by walking up from this file: works from src/ (Deno, vitest) and from dist/src/ (Node). */
export function shippedBuiltin(): ShippedBuiltin {
  let dir = nodePath.dirname(url.fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const paths = shippedPaths(nodePath.join(dir, "builtin"));
    if (fs.existsSync(nodePath.join(paths.model, "model.safetensors"))) {
      const missing = [...Object.values(paths.pairs), ...Object.values(paths.alignments), ...Object.values(paths.conllu)].filter((p) => !fs.existsSync(p));
      if (missing.length) throw new XltError(`the built-in data is incomplete (${missing[0]} is missing); reinstall xlt`);
      return paths;
    }
    dir = nodePath.dirname(dir);
  }
  throw new XltError("cannot find the built-in model (builtin/model next to the xlt sources); reinstall xlt or give --model DIR");
}

/** One language's realignment data: the shipped fast_align links, or links from the chosen built-in aligner. */
export function shippedSpec(b: ShippedBuiltin, lang: ShippedLang, aligner: string | undefined): LangSpec {
  if (aligner === undefined) return { lang, pairs: b.pairs[lang], alignments: b.alignments[lang] };
  if (aligner === "fastalign" || aligner === "embeddings") return { lang, pairs: b.pairs[lang], aligner };
  throw new XltError(`--aligner ${aligner}: the built-in data has no dictionary; use fastalign or embeddings (or leave it out for the shipped fast_align links)`);
}
