// GPT-2's byte-level pre-tokenisation, as Hugging Face's ByteLevel pre-tokenizer and decoder do it: text is
// split with GPT-2's regex, and every UTF-8 byte of a piece is written as one printable character (the
// bytes_to_unicode table: printable Latin-1 bytes stand for themselves, the other 68 bytes for U+0100…),
// so a 256-symbol alphabet covers any text and no token is ever unknown.

/** GPT-2's split: contractions, optionally space-led letter / number / other runs, then whitespace */
export const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** byte -> its character, index = byte value */
export const BYTE_TO_CHAR: string[] = (() => {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) out[b] = String.fromCodePoint(printable(b) ? b : next++);
  return out;
})();

const CHAR_TO_BYTE = new Map(BYTE_TO_CHAR.map((c, b) => [c, b] as [string, number]));
const utf8 = new TextEncoder();

/** the byte characters of a string's UTF-8 encoding */
export function toByteChars(s: string): string {
  let out = "";
  for (const b of utf8.encode(s)) out += BYTE_TO_CHAR[b];
  return out;
}

/** ByteLevel pre-tokenizer: optional leading space (when the text has none), GPT-2 split, bytes to characters */
export function byteLevelSplit(text: string, addPrefixSpace: boolean, useRegex = true): string[] {
  if (addPrefixSpace && !text.startsWith(" ")) text = " " + text;
  const pieces = useRegex ? (text.match(GPT2_SPLIT) ?? []) : text ? [text] : [];
  return pieces.map(toByteChars);
}

/** ByteLevel decoder: token strings back to text (invalid UTF-8 becomes U+FFFD, as HF's lossy decode) */
export function byteLevelDecode(tokens: string[]): string {
  const bytes: number[] = [];
  for (const t of tokens) {
    for (const c of t) {
      const b = CHAR_TO_BYTE.get(c);
      if (b === undefined) bytes.push(...utf8.encode(c)); // an added token's own text
      else bytes.push(b);
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
