// `xlt plot` as a user runs it: the loss curve of a real --log file (the committed ALIGN-MLM pre-training
// log) on Node and Deno (the same SVG bytes), its spec beside it, PNG output, a restyled spec drawn again,
// and one-line errors for bad input.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, xlt } from "./lib/cli.ts";
import { axes, legends, parseSvg } from "./lib/svg.ts";

const LOG = join(ROOT, "results/align-mlm-small/bpe/cells/align-mlm-trans+inv-s42/pretrain.jsonl");
const dir = mkdtempSync(join(tmpdir(), "xlt-plot-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(bytes: Uint8Array): [number, number] {
  expect([...bytes.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  expect(String.fromCharCode(...bytes.subarray(12, 16))).toBe("IHDR");
  return [v.getUint32(16), v.getUint32(20)];
}

describe("xlt plot", () => {
  it("draws a pre-training log's loss curve, the same SVG on Node and Deno, with its spec beside it", async () => {
    const node = await xlt("node", ["plot", "--log", LOG, "--out", join(dir, "node.svg")]);
    expect(node.stderr).toBe("");
    expect(node.code).toBe(0);
    expect(node.stdout.trim()).toBe(`wrote ${join(dir, "node.svg")} and ${join(dir, "node.vl.json")}`);
    const deno = await xlt("deno", ["plot", "--log", LOG, "--out", join(dir, "deno.svg")]);
    expect(deno.code, deno.stderr).toBe(0);
    const svg = readFileSync(join(dir, "node.svg"), "utf8");
    expect(readFileSync(join(dir, "deno.svg"), "utf8")).toBe(svg);
    const root = parseSvg(svg);
    expect(axes(root).map((a) => a.title)).toEqual(["step", "loss (nats)", "step", "cosine"]);
    expect(legends(root)[0].labels).toEqual(["total", "MLM", "ALIGN (λ · cosine term)"]);
    const spec = JSON.parse(readFileSync(join(dir, "node.vl.json"), "utf8"));
    expect(spec.$schema).toMatch(/vega-lite\/v6/);
    expect(spec.title.subtitle[0]).toMatch(/^pretrain\.jsonl: steps 1–150, \d+ s; final loss −?-?\d/);
  });

  it("writes beside the log by default, and PNG at twice the SVG's size (Node and Deno alike)", async () => {
    const log = join(dir, "ft.jsonl");
    copyFileSync(join(ROOT, "results/align-mlm-small/bpe/cells/mlm-trans+inv-s42/finetuned-orig.jsonl"), log);
    const r = await xlt("node", ["plot", "--log", log]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, "ft.svg")) && existsSync(join(dir, "ft.vl.json"))).toBe(true);
    const svg = parseSvg(readFileSync(join(dir, "ft.svg"), "utf8"));
    const [w, h] = [Number(svg.attrs.width), Number(svg.attrs.height)];
    for (const runtime of ["node", "deno"] as const) {
      const png = join(dir, `ft-${runtime}.png`);
      const p = await xlt(runtime, ["plot", "--log", log, "--out", png]);
      expect(p.code, p.stderr).toBe(0);
      expect(pngSize(readFileSync(png))).toEqual([2 * w, 2 * h]);
    }
    expect(readFileSync(join(dir, "ft-deno.png"))).toEqual(readFileSync(join(dir, "ft-node.png")));
    // the SVG's spec is already there and the same: the PNG of the same log keeps it
    const again = await xlt("node", ["plot", "--log", log, "--out", join(dir, "ft.png")]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe(`wrote ${join(dir, "ft.png")}`);
  });

  it("draws a restyled spec again (--spec)", async () => {
    const spec = JSON.parse(readFileSync(join(dir, "ft.vl.json"), "utf8"));
    spec.config.range.category = ["#123456"];
    writeFileSync(join(dir, "restyled.vl.json"), JSON.stringify(spec));
    const r = await xlt("node", ["plot", "--spec", join(dir, "restyled.vl.json")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`wrote ${join(dir, "restyled.svg")}`);
    const lines = readFileSync(join(dir, "restyled.svg"), "utf8").match(/<path[^>]*stroke="#123456"/g) ?? [];
    expect(lines.length).toBe(2); // every step and the moving average
  });

  it("bad input: one line saying what is wrong, exit 1, nothing written", async () => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, '{"step":1,"loss":2}\nloss 3\n');
    const notSpec = join(dir, "not.vl.json");
    writeFileSync(notSpec, "[1, 2]");
    const badExpr = join(dir, "expr.vl.json");
    writeFileSync(badExpr, JSON.stringify({ mark: "point", data: { values: [{ a: 1 }] }, transform: [{ calculate: "foo(datum.a)", as: "b" }], encoding: { x: { field: "b", type: "quantitative" } } }));
    const cases: [string[], RegExp][] = [
      [["plot"], /^xlt plot: give one of --log FILE \(a training log\) or --spec FILE\.vl\.json \(a chart spec\)$/],
      [["plot", "--log", LOG, "--spec", notSpec], /^xlt plot: give one of --log FILE/],
      [["plot", "--log", join(dir, "missing.jsonl"), "--out", join(dir, "m.svg")], /^xlt plot: --log .*missing\.jsonl: file not found$/],
      [["plot", "--log", bad, "--out", join(dir, "b.svg")], /^xlt plot: bad\.jsonl:2: not a JSON line; give the file an xlt realign, finetune or pretrain --log wrote$/],
      [["plot", "--log", LOG, "--out", join(dir, "x.pdf")], /^xlt plot: --out .*x\.pdf: give a file name ending in \.svg or \.png$/],
      [["plot", "--log", LOG, "--out", join(dir, "node.svg")], /^xlt plot: --out .*node\.svg exists; pass --overwrite to replace it$/],
      [["plot", "--spec", notSpec, "--out", join(dir, "n.svg")], /^xlt plot: --spec .*not\.vl\.json: not a Vega-Lite spec \(a JSON object\)$/],
      [["plot", "--log", LOG, "--out", join(dir, "f.png"), "--font", join(dir, "none.ttf")], /^xlt plot: --font .*none\.ttf: file not found$/],
      [["plot", "--spec", badExpr, "--out", join(dir, "e.svg")], /^xlt plot: the chart spec cannot be drawn: Unrecognized function: foo$/],
    ];
    for (const [args, re] of cases) {
      const r = await xlt("node", args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr, args.join(" ")).toMatch(re);
      expect(r.stderr.split("\n").length, r.stderr).toBe(1);
    }
    for (const f of ["m.svg", "b.svg", "n.svg", "f.png", "e.svg", "b.vl.json"]) expect(existsSync(join(dir, f)), f).toBe(false);
  });
});
