// Text widths for laying out a chart without a canvas. Vega's own estimate (0.8 em a character) is
// too wide for a sans-serif font: a rotated axis title of 40 characters then "needs" twice the plot's
// height and the chart gets empty bands around it. These are DejaVu Sans's advance widths (the font PNGs
// are drawn with; Arial and Helvetica are a little narrower, so nothing a browser draws is clipped).
// Deterministic and the same on every runtime, so Node and Deno write identical SVG.

/** Advance widths in 1/1000 em of the characters 32–126, regular and bold. */
const REGULAR = [318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838];
const BOLD = [348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838];
/** The non-ASCII characters xlt's charts print (Greek letters, math signs, dashes). */
const EXTRA: Record<string, [number, number]> = {
  "Δ": [684, 774], "ρ": [635, 716], "σ": [634, 779], "λ": [592, 633], "μ": [636, 736], "−": [838, 838], "±": [838, 838], "×": [838, 838],
  "→": [838, 838], "≈": [838, 838], "–": [500, 500], "—": [1000, 1000], "…": [1000, 1000], "·": [318, 380], "°": [500, 500],
};

function charWidth(ch: string, bold: boolean): number {
  const c = ch.codePointAt(0)!;
  if (c >= 32 && c <= 126) return (bold ? BOLD : REGULAR)[c - 32];
  const e = EXTRA[ch];
  if (e) return e[bold ? 1 : 0];
  // CJK and other wide scripts take a full em; anything else a typical letter
  return c >= 0x1100 ? 1000 : bold ? 720 : 640;
}

/** The width in pixels of `text` set in `fontSize` px. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch, bold);
  return (w * fontSize) / 1000;
}
