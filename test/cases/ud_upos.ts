// UD's word-level UPOS next to the papers' row accuracy (src/eval/ud_upos.ts) on a hand-made CoNLL-U
// sentence with a multi-word token and an empty node, counted by hand. Tolerance: exact.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readTokenTask } from "../../src/tasks/data.ts";
import { LABELS } from "../../src/tasks/labels.ts";
import { officialUpos } from "../../src/eval/ud_upos.ts";
import type { Cases } from "../lib/check.ts";

export const cases: Cases = {};

const row = (id: string, form: string, upos: string) => [id, form, "_", upos, "_", "_", "_", "_", "_", "_"].join("\t");

cases["official UPOS: syntactic words only (range lines and empty nodes left out)"] = () => {
  const dir = mkdtempSync(join(tmpdir(), "xlt-upos-"));
  try {
    const path = join(dir, "de.conllu");
    // "Er geht zum Markt ." with zum = zu + dem, and an empty node 2.1
    writeFileSync(path, ["# sent_id = 1", row("1", "Er", "PRON"), row("2", "geht", "VERB"), row("2.1", "geht", "VERB"), row("3-4", "zum", "_"),
      row("3", "zu", "ADP"), row("4", "dem", "DET"), row("5", "Markt", "NOUN"), row("6", ".", "PUNCT"), "", ""].join("\n"));
    const { examples, doc } = readTokenTask("pos", path);
    if (examples[0].words.length !== 8) throw new Error(`expected 8 rows, got ${examples[0].words.length}`);
    // predictions by row: Er ok, geht wrong, 2.1 ok, range "_" (as written), zu wrong, dem ok, Markt ok, . ok
    const predicted = [["PRON", "NOUN", "VERB", "_", "DET", "DET", "NOUN", "PUNCT"]];
    const s = officialUpos(doc, examples, predicted, LABELS.pos);
    // words 1 2 3 4 5 6: correct Er, dem, Markt, . = 4 of 6
    if (s.n !== 6 || Math.abs(s.value - 4 / 6) > 1e-15) throw new Error(`official UPOS ${s.value} over ${s.n}, expected 4/6 over 6`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
