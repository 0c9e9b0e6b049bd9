// Language ids for fine-tuning and evaluation of XLM / DICT-MLM checkpoints (align-mlm-spec.md §4.2, §4.3):
// the authors' `_transitive` scripts feed every real token one language id (2 for English, 3 for the derived
// language with --is_synthetic) and padding the pad id 1, into the `lang_type_embeddings` table the model was
// pre-trained with. A model with that table run without ids would silently see inputs it was never trained
// on, so xlt asks for the id; a model without the table has nothing to feed it to.
import { XltError } from "../errors.ts";
import { LANG_TABLE } from "../io/checkpoint.ts";
import { LANG_DERIVED, LANG_ORIGINAL, LANG_PAD } from "../../models/encoder.ts";

/** Rows of the model's language-embedding table, 0 when it has none. */
export function languageRows(tensors: Map<string, { shape: number[] }>): number {
  return tensors.get(LANG_TABLE)?.shape[0] ?? 0;
}

/**
 * The language id to feed (undefined: none), checked against the model: `langId` must be given exactly when
 * the model has a language table, and name one of its rows. `option` is how the user gave it (e.g. --lang-id).
 */
export function checkLangId(model: string, tensors: Map<string, { shape: number[] }>, langId: number | undefined, option = "--lang-id"): number | undefined {
  const rows = languageRows(tensors);
  if (langId === undefined) {
    if (rows > 0) throw new XltError(`${model} has language embeddings (an XLM / DICT-MLM checkpoint): give ${option} ${LANG_ORIGINAL} for the original language or ${option} ${LANG_DERIVED} for the derived one`);
    return undefined;
  }
  if (rows === 0) throw new XltError(`${option} ${langId}: ${model} has no language embeddings (only XLM / DICT-MLM checkpoints do)`);
  if (!Number.isInteger(langId) || langId < 0 || langId >= rows) throw new XltError(`${option} ${langId}: ${model}'s language table has rows 0-${rows - 1}`);
  return langId;
}

/** Per position: `langId` on real tokens (mask 1), the pad id 1 on padding, as the authors' scripts. */
export function languageIds(mask: Float32Array, langId: number): Int32Array {
  return Int32Array.from(mask, (m) => (m > 0 ? langId : LANG_PAD));
}
