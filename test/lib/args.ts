// Command lines for tests that vary one option of a base command: xlt refuses a single-valued option given
// twice, so a changed value replaces the base's instead of being appended after it.

/** `argv` with each option of `extra` replacing that option's value in `argv`, or added when `argv` lacks it. */
export function withOptions(argv: string[], extra: string[]): string[] {
  const out = [...argv];
  for (let i = 0; i < extra.length; i++) {
    const hasValue = extra[i].startsWith("--") && i + 1 < extra.length && !extra[i + 1].startsWith("--");
    const at = out.indexOf(extra[i]);
    if (hasValue && at >= 0) out[at + 1] = extra[i + 1];
    else if (at < 0 || hasValue) out.push(...(hasValue ? [extra[i], extra[i + 1]] : [extra[i]]));
    if (hasValue) i++;
  }
  return out;
}
