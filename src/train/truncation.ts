// What truncating sentences to --max-length cost a realignment run: words cut off (their links with them) and
// pairs skipped because no link survived. The counters come from PairBatcher; they are printed once, saved in
// run.json and in each --log line, so a too-small --max-length never shrinks the training data silently.
import type { BatcherCounters } from "../data/pairs.ts";

export interface TruncationRecord {
  max_length: number;
  /** sentence pairs taken from the data stream (repeats over epochs included) */
  pairs_used: number;
  dropped_words: number;
  dropped_links: number;
  /** pairs skipped because truncation left them no link */
  dropped_pairs: number;
}

export function truncationRecord(c: BatcherCounters, maxLength: number): TruncationRecord {
  return { max_length: maxLength, pairs_used: c.consumed, dropped_words: c.droppedWords, dropped_links: c.droppedLinks, dropped_pairs: c.droppedPairs };
}

/** The one-line warning, or null when truncation dropped nothing. */
export function truncationWarning(t: TruncationRecord): string | null {
  if (!t.dropped_words && !t.dropped_links && !t.dropped_pairs) return null;
  return (
    `warning: truncation to --max-length ${t.max_length} dropped ${t.dropped_words} words and ${t.dropped_links} links` +
    (t.dropped_pairs ? ` and skipped ${t.dropped_pairs} pairs left without a link` : "") +
    ` in the ${t.pairs_used} sentence pairs used (recorded in run.json)`
  );
}
