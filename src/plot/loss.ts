// The loss curve of a --log file, as a Vega-Lite spec. The three training commands write one JSON object
// a line (src/train/*_run.ts):
//   realign    {step, loss, lr, elapsed, pairs, links, dropped_words, dropped_links}
//   finetune   {step, epoch, loss, lr, elapsed, examples[, task_loss, realign_loss]}, and after each
//              epoch with --dev {epoch, dev, value, n}
//   pretrain   {step, loss, mlm, lr, elapsed[, align, cos]}
// The chart: the loss of every step (thin) and its moving average (thick), the parts of a summed loss as
// their own lines, and panels for the dev score per epoch and ALIGN-MLM's dictionary cosine when the log
// has them. Pure functions: the caller reads the file, so the browser page can draw the same spec.
import type { TopLevelSpec } from "vega-lite";
import { XltError } from "../errors.ts";
import { CONFIG, VEGA_LITE_SCHEMA } from "./theme.ts";

export type LogKind = "pretrain" | "realign" | "finetune";

export interface StepRecord {
  step: number;
  loss: number;
  epoch?: number;
  /** the parts of a summed loss, by name (pretrain: mlm, align; finetune during realignment: task, realign) */
  parts: Record<string, number>;
  /** ALIGN-MLM: mean cosine of the dictionary pairs */
  cos?: number;
  elapsed?: number;
}

export interface DevRecord {
  epoch: number;
  metric: string;
  value: number;
}

export interface TrainingLog {
  kind: LogKind;
  steps: StepRecord[];
  dev: DevRecord[];
  /** how many runs the file holds (the step count restarts when a later run appends to the same --log) */
  runs: number;
}

const PARTS: Record<string, string> = { mlm: "MLM", align: "ALIGN (λ · cosine term)", task_loss: "task", realign_loss: "realignment (unweighted)" };
const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function kindOf(rec: Record<string, unknown>): LogKind {
  if ("mlm" in rec) return "pretrain";
  if ("pairs" in rec || "links" in rec) return "realign";
  return "finetune";
}

/** The last run of a --log file (`name` is how errors name it). */
export function parseTrainingLog(text: string, name: string): TrainingLog {
  let steps: StepRecord[] = [];
  let dev: DevRecord[] = [];
  let kind: LogKind | null = null;
  let runs = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      throw new XltError(`${name}:${i + 1}: not a JSON line; give the file an xlt realign, finetune or pretrain --log wrote`);
    }
    if (!rec || typeof rec !== "object" || Array.isArray(rec)) throw new XltError(`${name}:${i + 1}: not a JSON object; give the file an xlt realign, finetune or pretrain --log wrote`);
    const r = rec as Record<string, unknown>;
    if (num(r.step) && num(r.loss)) {
      if (!steps.length || r.step <= steps[steps.length - 1].step) {
        // a new run appended to the same log: keep only the last
        runs++;
        steps = [];
        dev = [];
        kind = kindOf(r);
      }
      const parts: Record<string, number> = {};
      for (const k of Object.keys(PARTS)) if (num(r[k])) parts[k] = r[k] as number;
      steps.push({ step: r.step, loss: r.loss, epoch: num(r.epoch) ? r.epoch : undefined, parts, cos: num(r.cos) ? r.cos : undefined, elapsed: num(r.elapsed) ? r.elapsed : undefined });
    } else if (num(r.epoch) && typeof r.dev === "string" && num(r.value)) {
      dev.push({ epoch: r.epoch, metric: r.dev, value: r.value });
    }
  }
  if (!steps.length || !kind) throw new XltError(`${name}: no step with a loss; give the file an xlt realign, finetune or pretrain --log wrote`);
  return { kind, steps, dev, runs };
}

const TITLES: Record<LogKind, string> = { pretrain: "Pre-training loss", realign: "Realignment loss", finetune: "Fine-tuning loss" };

/** At most this many steps go into the chart; longer logs are averaged in equal buckets. */
export const MAX_POINTS = 2000;

interface Point {
  step: number;
  series: string;
  value: number;
}

/** Long-format points, one series per loss; more than MAX_POINTS steps are averaged in buckets. */
function lossPoints(steps: StepRecord[]): { points: Point[]; bucket: number } {
  const names = ["loss", ...Object.keys(PARTS).filter((k) => steps.some((s) => s.parts[k] !== undefined))];
  // a part that always equals the total (MLM alone) is the same line twice
  const shown = names.filter((n) => n === "loss" || steps.some((s) => s.parts[n] !== undefined && Math.abs(s.parts[n] - s.loss) > 1e-6));
  const bucket = Math.max(1, Math.ceil(steps.length / MAX_POINTS));
  const points: Point[] = [];
  for (let i = 0; i < steps.length; i += bucket) {
    const group = steps.slice(i, i + bucket);
    for (const n of shown) {
      const vs = group.map((s) => (n === "loss" ? s.loss : s.parts[n])).filter(num);
      if (vs.length) points.push({ step: group[group.length - 1].step, series: n === "loss" ? (shown.length > 1 ? "total" : "loss") : PARTS[n], value: vs.reduce((a, b) => a + b, 0) / vs.length });
    }
  }
  return { points, bucket };
}

/** The loss curve of a parsed log; `name` (the file's name) goes into the title. */
export function lossCurveSpec(log: TrainingLog, name: string): TopLevelSpec {
  const { steps } = log;
  const { points, bucket } = lossPoints(steps);
  const n = steps.length;
  const last = steps[n - 1];
  const tail = steps.slice(-Math.min(n, 10));
  const tailMean = tail.reduce((a, s) => a + s.loss, 0) / tail.length;
  const window = Math.max(1, Math.round(points.filter((p) => p.series === points[0].series).length / 25));
  const epochs = last.epoch ? `, ${last.epoch} ${last.epoch === 1 ? "epoch" : "epochs"}` : "";
  const subtitle = [
    `${name}: steps ${steps[0].step}–${last.step}${epochs}${last.elapsed !== undefined ? `, ${last.elapsed.toFixed(0)} s` : ""}; final loss ${last.loss.toFixed(4)} (mean of the last ${tail.length} steps ${tailMean.toFixed(4)})`,
    `thin: ${bucket > 1 ? `mean of each ${bucket} steps` : "every step"}; thick: moving average over ${window} ${window === 1 ? "point" : "points"}`,
  ];
  if (log.runs > 1) subtitle.push(`the file holds ${log.runs} runs (the step count restarts); this is the last`);
  const series = [...new Set(points.map((p) => p.series))];
  const x = { field: "step", type: "quantitative", title: "step", scale: { nice: false } } as const;
  const color = { field: "series", type: "nominal", sort: series, title: null, legend: series.length > 1 ? { orient: "top", direction: "horizontal", symbolOpacity: 1, symbolStrokeWidth: 2.5 } : null } as const;
  const lossPanel = {
    width: 520,
    height: 280,
    data: { values: points as unknown as Record<string, unknown>[] },
    layer: [
      {
        name: "raw",
        mark: { type: "line", strokeWidth: 1, opacity: 0.35 },
        encoding: { x, y: { field: "value", type: "quantitative", title: "loss (nats)", scale: { zero: false } }, color },
      },
      {
        name: "smoothed",
        transform: [{ window: [{ op: "mean", field: "value", as: "smoothed" }], frame: [-(window - 1), 0], groupby: ["series"], sort: [{ field: "step" }] }],
        mark: { type: "line", strokeWidth: 2.2 },
        encoding: { x, y: { field: "smoothed", type: "quantitative", title: "loss (nats)" }, color, tooltip: [{ field: "series" }, { field: "step" }, { field: "smoothed", format: ".4f", title: "moving average" }] },
      },
    ],
  };
  const panels: Record<string, unknown>[] = [lossPanel];
  if (log.dev.length) {
    const metric = log.dev[0].metric;
    panels.push({
      name: "dev",
      title: { text: `dev ${metric} after each epoch`, fontSize: 13, fontWeight: "normal" },
      width: 520,
      height: 140,
      data: { values: log.dev.map((d) => ({ epoch: d.epoch, value: 100 * d.value })) },
      mark: { type: "line", point: true, color: "#0072B2" },
      encoding: {
        x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1, format: "d" } },
        y: { field: "value", type: "quantitative", title: `${metric} (%)`, scale: { zero: false } },
        tooltip: [{ field: "epoch" }, { field: "value", format: ".2f" }],
      },
    });
  }
  const cos = steps.filter((s) => s.cos !== undefined);
  if (cos.length) {
    const stride = Math.max(1, Math.ceil(cos.length / MAX_POINTS));
    panels.push({
      name: "cosine",
      title: { text: "ALIGN-MLM: mean cosine of the dictionary pairs", fontSize: 13, fontWeight: "normal" },
      width: 520,
      height: 140,
      data: { values: cos.filter((_, i) => i % stride === 0 || i === cos.length - 1).map((s) => ({ step: s.step, cos: s.cos })) },
      mark: { type: "line", color: "#009E73", strokeWidth: 1.5 },
      encoding: { x, y: { field: "cos", type: "quantitative", title: "cosine", scale: { domain: [Math.min(0, ...cos.map((s) => s.cos!)), 1] } } },
    });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: TITLES[log.kind], subtitle },
    config: CONFIG,
    ...(panels.length === 1 ? lossPanel : { vconcat: panels, spacing: 28 }),
  } as TopLevelSpec;
}
