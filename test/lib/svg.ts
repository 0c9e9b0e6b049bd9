// A small XML reader for the charts' SVG (Node and Deno have no XML parser built in): elements with their
// attributes, children and text, and an error on anything that is not well-formed (an unclosed or
// mismatched tag, text after the root). Enough to ask a chart what it draws: axes and their ticks, marks
// by layer name, the legend's entries.

export interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  /** the element's own text (not its children's) */
  text: string;
  parent: El | null;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
    e[0] === "#" ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : (ENTITIES[e] ?? m));

export function parseSvg(text: string): El {
  const tag = /<(\/?)([\w:-]+)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|<\?[^>]*\?>|<!--[\s\S]*?-->/g;
  const stack: El[] = [];
  let root: El | null = null;
  let at = 0;
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    const between = text.slice(at, m.index);
    if (between.includes("<")) throw new Error(`svg: not well-formed near offset ${at}: ${between.slice(0, 60)}`);
    if (stack.length) stack[stack.length - 1].text += decode(between);
    else if (between.trim()) throw new Error(`svg: text outside the root element: ${between.slice(0, 60)}`);
    at = m.index + m[0].length;
    if (!m[2]) continue; // a declaration or comment
    const [, closing, name, attrText, selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`svg: </${name}> closes <${open?.name ?? "nothing"}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]] = decode(a[2]);
    const parent = stack[stack.length - 1] ?? null;
    const el: El = { name, attrs, children: [], text: "", parent };
    if (parent) parent.children.push(el);
    else if (root) throw new Error("svg: a second root element");
    else root = el;
    if (!selfClosing) stack.push(el);
  }
  if (stack.length) throw new Error(`svg: <${stack[stack.length - 1].name}> is never closed`);
  if (text.slice(at).trim()) throw new Error("svg: text after the root element");
  if (!root || root.name !== "svg") throw new Error(`svg: the root element is <${root?.name}>, not <svg>`);
  return root;
}

export function all(el: El, pred: (e: El) => boolean, out: El[] = []): El[] {
  for (const c of el.children) {
    if (pred(c)) out.push(c);
    all(c, pred, out);
  }
  return out;
}

export const hasClass = (e: El, c: string) => (e.attrs.class ?? "").split(/\s+/).includes(c);

/** Groups whose class list has `c` (e.g. role-axis, role-legend, bars_marks). */
export const groups = (root: El, c: string) => all(root, (e) => e.name === "g" && hasClass(e, c));

/** The x, y of an element's translate(x,y), or 0, 0. */
export function translate(e: El): [number, number] {
  const m = /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(e.attrs.transform ?? "");
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/** A tick label as a number (Vega writes a real minus sign). */
export const labelNumber = (t: string) => Number(t.replace(/\u2212/g, "-").replace(/,/g, ""));

export interface Axis {
  el: El;
  /** the axis's aria-label, e.g. "Y-axis titled '…' for a linear scale …" */
  label: string;
  /** tick positions along the axis (x for an X axis, y for a Y axis) */
  ticks: number[];
  /** the tick labels as drawn */
  labels: string[];
  title: string;
}

/** Every axis drawn, with its ticks and labels in drawing order. */
export function axes(root: El): Axis[] {
  return groups(root, "role-axis").filter((g) => g.attrs["aria-roledescription"] === "axis").map((el) => {
    const label = el.attrs["aria-label"] ?? "";
    const vertical = label.startsWith("Y-axis");
    const ticks = groups(el, "role-axis-tick").flatMap((g) => g.children.filter((c) => c.name === "line").map((l) => translate(l)[vertical ? 1 : 0]));
    const labels = groups(el, "role-axis-label").flatMap((g) => g.children.filter((c) => c.name === "text").map((t) => t.text));
    const title = groups(el, "role-axis-title").flatMap((g) => all(g, (c) => c.name === "text").map((t) => t.text)).join(" ");
    return { el, label, ticks, labels, title };
  });
}

/** A linear axis's pixels per data unit, from its first and last numeric ticks. */
export function pixelsPerUnit(a: Axis): number {
  const values = a.labels.map(labelNumber);
  if (values.length < 2 || values.some((v) => !Number.isFinite(v))) throw new Error(`axis ${a.label}: no numeric tick labels (${a.labels})`);
  const n = values.length - 1;
  return Math.abs((a.ticks[n] - a.ticks[0]) / (values[n] - values[0]));
}

/** The drawn items of a named layer (Vega-Lite names a layer's marks NAME_marks, a composite mark's NAME_layer_K_marks). */
export function marks(root: El, layer: string): El[] {
  return all(root, (e) => e.name === "g" && (e.attrs.class ?? "").split(/\s+/).some((c) => c === `${layer}_marks` || new RegExp(`^${layer}_layer_\\d+_marks$`).test(c)))
    .flatMap((g) => g.children.filter((c) => c.name !== "g"));
}

/** The legends' titles and entry labels. */
export function legends(root: El): { title: string; labels: string[] }[] {
  return groups(root, "role-legend").map((g) => ({
    title: groups(g, "role-legend-title").flatMap((t) => all(t, (c) => c.name === "text").map((c) => c.text)).join(" "),
    labels: groups(g, "role-legend-label").flatMap((t) => all(t, (c) => c.name === "text").map((c) => c.text)),
  }));
}

/** The chart's title and subtitle lines. */
export function titles(root: El): string[] {
  return [...groups(root, "role-title-text"), ...groups(root, "role-title-subtitle")].flatMap((g) => all(g, (c) => c.name === "text" || c.name === "tspan").map((t) => t.text).filter(Boolean));
}
