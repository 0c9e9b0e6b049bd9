// `xlt plot --log`'s loss curve from hand-made log lines of the three training commands, read back from
// its SVG: numeric step and loss axes, a line per loss (every step and the moving average), the legend of
// a summed loss's parts, the dev and cosine panels, and the parser's one-line errors.
import { lossCurveSpec, parseTrainingLog } from "../../src/plot/loss.ts";
import { legends, marks } from "../lib/svg.ts";
import { draw, legendIs, numericAxis, titleHas } from "../lib/chart_checks.ts";
import { throwsLike, type Cases } from "../lib/check.ts";

const LOGS = {
  realign: Array.from({ length: 40 }, (_, i) => JSON.stringify({ step: i + 1, loss: 3 - i / 20, lr: 2e-4, elapsed: i, pairs: 16, links: 30, dropped_words: 0, dropped_links: 0 })),
  finetune: [
    ...Array.from({ length: 20 }, (_, i) => JSON.stringify({ step: i + 1, epoch: i < 10 ? 1 : 2, loss: 2 - i / 20, lr: 1e-3, elapsed: i, examples: 32, task_loss: 1.9 - i / 20, realign_loss: 1 - i / 40 })),
  ],
  pretrain: Array.from({ length: 30 }, (_, i) => JSON.stringify({ step: i + 1, loss: 9 - i / 10 - (10 * i) / 30, mlm: 9 - i / 10, lr: 1e-3, elapsed: i, align: -(10 * i) / 30, cos: i / 30 })),
};
LOGS.finetune.splice(10, 0, JSON.stringify({ epoch: 1, dev: "accuracy", value: 0.61, n: 500 }));
LOGS.finetune.push(JSON.stringify({ epoch: 2, dev: "accuracy", value: 0.7, n: 500 }));

export const cases: Cases = {
  "loss curve of a realign log: every step and its moving average on numeric axes": async () => {
    const log = parseTrainingLog(LOGS.realign.join("\n") + "\n", "realign.jsonl");
    if (log.kind !== "realign" || log.steps.length !== 40) throw new Error(`parsed ${log.kind}, ${log.steps.length} steps`);
    const root = await draw(lossCurveSpec(log, "realign.jsonl"));
    numericAxis(root, "X", /^step$/);
    numericAxis(root, "Y", /^loss \(nats\)$/);
    const raw = marks(root, "raw").filter((e) => e.name === "path");
    const smooth = marks(root, "smoothed").filter((e) => e.name === "path");
    if (raw.length !== 1 || smooth.length !== 1) throw new Error(`${raw.length} raw and ${smooth.length} smoothed lines`);
    // one vertex per step: M then 39 L
    if ((raw[0].attrs.d.match(/L/g) ?? []).length !== 39) throw new Error(`raw line: ${raw[0].attrs.d.slice(0, 80)}`);
    if (legends(root).length) throw new Error("one series needs no legend");
    titleHas(root, "Realignment loss", "realign.jsonl: steps 1–40", "final loss 1.0500");
  },
  "loss curve of a fine-tuning log with realignment and --dev: the two parts, a legend, the dev panel": async () => {
    const log = parseTrainingLog(LOGS.finetune.join("\n"), "ft.jsonl");
    if (log.kind !== "finetune" || log.dev.length !== 2) throw new Error(`parsed ${log.kind}, ${log.dev.length} dev lines`);
    const root = await draw(lossCurveSpec(log, "ft.jsonl"));
    if (marks(root, "smoothed").filter((e) => e.name === "path").length !== 3) throw new Error("total, task and realignment lines");
    legendIs(root, "", ["total", "task", "realignment (unweighted)"]);
    numericAxis(root, "Y", /^accuracy \(%\)$/, 3, 1);
    titleHas(root, "Fine-tuning loss", "2 epochs", "dev accuracy after each epoch");
  },
  "loss curve of an ALIGN-MLM pre-training log: MLM and ALIGN parts and the dictionary cosine": async () => {
    const root = await draw(lossCurveSpec(parseTrainingLog(LOGS.pretrain.join("\n"), "pretrain.jsonl"), "pretrain.jsonl"));
    legendIs(root, "", ["total", "MLM", "ALIGN (λ · cosine term)"]);
    numericAxis(root, "Y", /^cosine$/, 3, 1);
    titleHas(root, "Pre-training loss", "mean cosine of the dictionary pairs");
    // MLM alone: the total and the MLM part are one line
    const mlmOnly = LOGS.pretrain.map((l) => {
      const r = JSON.parse(l);
      return JSON.stringify({ step: r.step, loss: r.mlm, mlm: r.mlm, lr: r.lr, elapsed: r.elapsed });
    });
    const one = await draw(lossCurveSpec(parseTrainingLog(mlmOnly.join("\n"), "p.jsonl"), "p.jsonl"));
    if (marks(one, "smoothed").filter((e) => e.name === "path").length !== 1 || legends(one).length) throw new Error("MLM alone: one line, no legend");
  },
  "loss log parsing: the last run of an appended log; a bad line or a file without steps is a one-line error": async () => {
    const twice = [...LOGS.realign.slice(0, 10), ...LOGS.realign.slice(0, 5)].join("\n");
    const log = parseTrainingLog(twice, "x.jsonl");
    if (log.runs !== 2 || log.steps.length !== 5) throw new Error(`runs ${log.runs}, steps ${log.steps.length}`);
    const root = await draw(lossCurveSpec(log, "x.jsonl"));
    titleHas(root, "the file holds 2 runs");
    throwsLike("not JSON", () => parseTrainingLog(`${LOGS.realign[0]}\nstep 2 loss 3\n`, "x.jsonl"), /^x\.jsonl:2: not a JSON line; give the file an xlt realign, finetune or pretrain --log wrote$/);
    throwsLike("no steps", () => parseTrainingLog('{"epoch":1,"dev":"f1","value":0.5}\n', "x.jsonl"), /^x\.jsonl: no step with a loss/);
    throwsLike("an array", () => parseTrainingLog("[1,2]\n", "x.jsonl"), /^x\.jsonl:1: not a JSON object/);
  },
  "a long log is averaged into at most 2000 points, and the subtitle says so": async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ step: i + 1, loss: 5 + Math.sin(i), lr: 1e-4, elapsed: i, pairs: 1, links: 1 }));
    const root = await draw(lossCurveSpec(parseTrainingLog(lines.join("\n"), "long.jsonl"), "long.jsonl"));
    const raw = marks(root, "raw").filter((e) => e.name === "path")[0];
    const vertices = (raw.attrs.d.match(/L/g) ?? []).length + 1;
    if (vertices !== 1667) throw new Error(`${vertices} vertices, expected ceil(5000 / 3)`);
    titleHas(root, "thin: mean of each 3 steps");
  },
};
