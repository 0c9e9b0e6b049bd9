// The page of web/index.html: picks a model and data (the built-in ones, served from builtin/, or the
// user's files), realigns with xlt's library (src/index.ts) on the page's WebGPU, draws the loss as it
// comes, shows the word-alignment accuracy before and after, and offers the realigned model.safetensors.
// Every failure is one line in #error. window.__xlt mirrors the run for test/web.test.ts.
import shaders from "xlt:shaders";
import { adapterInfo, loadModel, pairsFromText, realign, useShaderFiles, type ModelFiles, type PairTexts, type RealignBytesResult } from "../src/index.ts";
import { SHIPPED_LANGS, SHIPPED_REALIGN } from "../src/builtin/shipped.ts";

useShaderFiles(shaders);

interface PageState {
  status: "starting" | "ready" | "running" | "done" | "error";
  error: string | null;
  losses: number[];
  result: (Omit<RealignBytesResult, "safetensors"> & { bytes: number; totalSeconds: number }) | null;
}
const state: PageState = { status: "starting", error: null, losses: [], result: null };
(window as any).__xlt = state;

const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const runButton = el<HTMLButtonElement>("run");

function showError(e: unknown): void {
  const msg = String((e as Error)?.message ?? e).split("\n")[0];
  const box = el("error");
  box.textContent = msg;
  box.style.display = "block";
  state.status = "error";
  state.error = msg;
  el("status").textContent = "Stopped.";
  runButton.disabled = !(navigator as any).gpu;
}
window.addEventListener("error", (e) => showError(e.error ?? e.message));
window.addEventListener("unhandledrejection", (e) => showError(e.reason));

const source = () => (document.querySelector("input[name=source]:checked") as HTMLInputElement).value;
// `xlt realign`'s defaults on the built-in model; your own model's learning rate defaults to the papers'
const showLr = () => (el<HTMLInputElement>("lr").value = source() === "files" ? "" : SHIPPED_REALIGN.lr.toExponential());
el<HTMLInputElement>("steps").value = String(SHIPPED_REALIGN.steps);
showLr();
for (const r of Array.from(document.querySelectorAll<HTMLInputElement>("input[name=source]"))) {
  r.addEventListener("change", () => {
    el("files").style.display = source() === "files" ? "block" : "none";
    showLr();
  });
}

const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;

async function showAdapter(): Promise<void> {
  if (!(navigator as any).gpu) el("adapter").innerHTML = "<dd>none</dd>";
  const a = await adapterInfo(); // without WebGPU, src/gpu/device.ts's one-line error says what to do
  const rows: [string, string][] = [
    ["WebGPU adapter", a.adapter === "unknown adapter" ? "(the browser does not name it)" : a.adapter],
    ["max buffer", mb(a.maxBufferBytes)],
    ["max binding", mb(a.maxBindingBytes)],
    ["shader-f16", a.f16 ? "yes" : "no"],
    ["subgroups", a.subgroups ? "yes" : "no"],
  ];
  const dl = el("adapter");
  dl.replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = k;
    dd.textContent = v;
    return [dt, dd];
  }));
  state.status = "ready";
  runButton.disabled = false;
}

async function fetchBytes(path: string): Promise<Uint8Array> {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`${path}: the server answered ${r.status} (serve the page with npm run web)`);
  return new Uint8Array(await r.arrayBuffer());
}

const fileBytes = async (f: File) => new Uint8Array(await f.arrayBuffer());

/** The built-in model and data, as `xlt realign` without --model runs them. */
async function builtinInputs(): Promise<{ model: ModelFiles; data: PairTexts[]; maxLength?: number }> {
  const [config, safetensors, tokenizer] = await Promise.all(["config.json", "model.safetensors", "tokenizer.json"].map((f) => fetchBytes(`builtin/model/${f}`)));
  const data = await Promise.all(SHIPPED_LANGS.map(async (lang) => ({
    lang,
    pairs: await fetchBytes(`builtin/data/pairs.en-${lang}.txt`),
    links: await fetchBytes(`builtin/data/align.en-${lang}.txt`),
    names: { pairs: `pairs.en-${lang}.txt`, links: `align.en-${lang}.txt` },
  })));
  return { model: { config, safetensors, tokenizer }, data, maxLength: SHIPPED_REALIGN.maxLength };
}

/** The user's model folder (or files) and data files. */
async function userInputs(): Promise<{ model: ModelFiles; data: PairTexts[]; maxLength?: number }> {
  const picked = ["model-dir", "model-files"].flatMap((id) => Array.from(el<HTMLInputElement>(id).files ?? []));
  // a snapshot folder may hold files of the same name deeper down (onnx/config.json): the top one counts
  const depth = (f: File) => (f.webkitRelativePath || f.name).split("/").length;
  const byName = new Map([...picked].sort((a, b) => depth(b) - depth(a)).map((f) => [f.name, f]));
  if (!picked.length) throw new Error("no model picked: choose a Hugging Face model folder (config.json, model.safetensors, tokenizer.json), or its files");
  if (!byName.has("model.safetensors") && byName.has("model.safetensors.index.json")) throw new Error("the model is sharded (model.safetensors.index.json): the page reads one model.safetensors; use the xlt CLI for sharded checkpoints");
  const missing = ["config.json", "model.safetensors", "tokenizer.json"].filter((n) => !byName.has(n));
  if (missing.length) {
    const other = ["pytorch_model.bin", "tf_model.h5"].filter((n) => byName.has(n));
    throw new Error(`the model has no ${missing.join(", ")}${other.length ? ` (found ${other.join(", ")}: convert it to safetensors first)` : ""}: pick a Hugging Face model folder with config.json, model.safetensors and tokenizer.json`);
  }
  const pairs = el<HTMLInputElement>("pairs").files?.[0], links = el<HTMLInputElement>("links").files?.[0];
  if (!pairs || !links) throw new Error("no data picked: choose a sentence-pairs file (source ||| target) and its word-links file (Pharaoh i-j)");
  const [config, safetensors, tokenizer] = await Promise.all(["config.json", "model.safetensors", "tokenizer.json"].map((n) => fileBytes(byName.get(n)!)));
  return { model: { config, safetensors, tokenizer }, data: [{ pairs: await fileBytes(pairs), links: await fileBytes(links), names: { pairs: pairs.name, links: links.name } }] };
}

function drawCurve(losses: number[], steps: number): void {
  const svg = el("curve");
  const W = 800, H = 220, L = 56, R = 12, T = 12, B = 28;
  const lo = Math.min(...losses), hi = Math.max(...losses);
  const span = hi - lo || 1;
  const x = (i: number) => L + ((W - L - R) * i) / Math.max(steps - 1, 1);
  const y = (v: number) => T + ((H - T - B) * (hi - v)) / span;
  const pts = losses.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const text = (tx: number, ty: number, s: string, anchor = "end") => `<text x="${tx}" y="${ty}" font-size="12" fill="#5b6475" text-anchor="${anchor}">${s}</text>`;
  svg.innerHTML = losses.length === 0 ? "" : [
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#d8dde6"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#d8dde6"/>`,
    text(L - 6, T + 10, hi.toFixed(3)), text(L - 6, H - B, lo.toFixed(3)),
    text(L, H - 8, "step 1", "start"), text(W - R, H - 8, `step ${steps}`),
    `<polyline points="${pts}" fill="none" stroke="#2f6fde" stroke-width="2" vector-effect="non-scaling-stroke"/>`,
  ].join("");
}

function showAccuracy(r: RealignBytesResult): void {
  const { before, after, layer, pairs } = r.alignment;
  const rows: [string, keyof typeof before][] = [["strong en→x", "strongFwd"], ["strong x→en", "strongBwd"], ["weak en→x", "weakFwd"], ["weak x→en", "weakBwd"]];
  const pc = (v: number) => `${(100 * v).toFixed(1)}%`;
  el("accuracy").querySelector("tbody")!.innerHTML = rows.map(([label, k]) =>
    `<tr><td>${label}</td><td>${pc(before[k])}</td><td class="${after[k] > before[k] ? "up" : ""}">${pc(after[k])}</td></tr>`).join("") +
    `<tr><td colspan="3" style="text-align:left;color:#5b6475">hidden state ${layer}, ${pairs} aligned word pairs</td></tr>`;
}

async function run(): Promise<void> {
  el("error").style.display = "none";
  runButton.disabled = true;
  state.status = "running";
  state.error = null;
  state.result = null;
  state.losses = [];
  drawCurve([], 1);
  el("download").style.display = "none";
  const t0 = performance.now();
  const status = el("status"), progress = el<HTMLProgressElement>("progress");
  const steps = Number(el<HTMLInputElement>("steps").value);
  const lrText = el<HTMLInputElement>("lr").value.trim();
  const lr = lrText === "" ? undefined : Number(lrText);
  if (lr !== undefined && !(lr >= 0)) throw new Error(`learning rate '${lrText}': give a number such as 2e-5 (or leave it empty for the papers' rate)`);
  const batchSize = Number(el<HTMLInputElement>("batch").value);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch ${el<HTMLInputElement>("batch").value}: give a whole number of at least 1`);
  status.textContent = "Reading the model and data…";
  const inputs = source() === "builtin" ? await builtinInputs() : await userInputs();
  const model = loadModel(inputs.model);
  const { examples, stats } = pairsFromText(inputs.data);
  const c = model.config;
  const about = `${c.arch}, ${c.layers} layers, hidden ${c.hidden}, vocab ${c.vocab} (${mb(model.size)}); ${examples.length} linked sentence pairs, ${stats.reduce((a, s) => a + s.links, 0)} links`;
  progress.max = steps;
  progress.value = 0;
  const r = await realign(model, examples, {
    freeze: el<HTMLSelectElement>("freeze").value, steps, lr, batchSize, maxLength: inputs.maxLength,
    onPhase: (p) => (status.textContent = `${p === "training" ? "Training" : p[0].toUpperCase() + p.slice(1)}… — ${about}`),
    onStep: (step, loss) => {
      state.losses.push(loss);
      progress.value = step;
      status.textContent = `Step ${step}/${steps}, loss ${loss.toFixed(4)} — ${about}`;
      drawCurve(state.losses, steps);
    },
  });
  showAccuracy(r);
  const link = el<HTMLAnchorElement>("download");
  link.href = URL.createObjectURL(new Blob([r.safetensors as BlobPart], { type: "application/octet-stream" }));
  link.style.display = "inline-block";
  const { safetensors, ...rest } = r;
  const totalSeconds = (performance.now() - t0) / 1000;
  state.result = { ...rest, bytes: safetensors.length, totalSeconds };
  status.textContent = `Done: ${r.steps} steps in ${r.seconds.toFixed(1)} s (${totalSeconds.toFixed(1)} s with loading and the accuracy), loss ${r.losses[0].toFixed(4)} → ${r.losses[r.losses.length - 1].toFixed(4)}; frozen ${r.frozen.join(", ") || "nothing"}.`;
  state.status = "done";
  runButton.disabled = false;
}

runButton.addEventListener("click", () => run().catch(showError));
showAdapter().catch(showError);
