// The page of web/ in a real headless Chromium (playwright-core driving the system's /usr/bin/chromium,
// software WebGPU): built with esbuild and served as `npm run web` does, it realigns the tiny test model
// from picked files, and its losses and downloaded model.safetensors are compared with the same run of the
// library under Node. Without Chromium this test fails with the command that installs it.
// Tolerance: the browser's adapter (SwiftShader) and its tuned matmul kernels against lavapipe's buffer
// kernels under Node: losses within 1e-3 relative, trained weights within 1e-4 absolute; frozen tensors
// and the file's layout exact.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { headerOfBytes, loadModel, pairsFromText, realign } from "../src/index.ts";
import { decode } from "../src/io/safetensors.ts";
import { ROOT } from "./lib/cli.ts";
import { FIXTURES } from "./lib/fixtures.ts";
import { tinyModelFiles, tinyPairTexts } from "./lib/tiny_pairs.ts";
import { buildWeb } from "../scripts/web/build.mjs";
import { serveWeb } from "../scripts/web/serve.mjs";

const CHROMIUM = process.env.XLT_CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = ["--headless=new", "--no-sandbox", "--enable-unsafe-webgpu", "--enable-features=Vulkan"];
/** the run the page and Node both do: the page's defaults (batch 16, projection 128, the model's dropout) */
const RUN = { freeze: "lower", steps: 3, lr: 1e-3 };

describe("the page in headless Chromium", () => {
  let browser: Browser;
  let server: Server;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), "xlt-web-"));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: the browser test needs it; install it with \`sudo apt-get install -y chromium\` (or point XLT_CHROMIUM at a Chromium binary)`);
    }
    await buildWeb({ quiet: true });
    ({ server, url } = await serveWeb(0));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    const t = tinyPairTexts();
    writeFileSync(join(dir, "pairs.txt"), t.pairs);
    writeFileSync(join(dir, "links.txt"), t.links);
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(init?: () => void): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    if (init) await page.addInitScript(init);
    await page.goto(url);
    await page.waitForFunction(() => ["ready", "error"].includes((window as any).__xlt?.status), null, { timeout: 120_000 });
    return page;
  }

  /** Picks the tiny model's files (model.safetensors replaced by `weights` if given) and the data. */
  async function pickTiny(page: Page, weights = join(FIXTURES, "tiny-bert", "model.safetensors")) {
    await page.check("input[value=files]");
    const F = join(FIXTURES, "tiny-bert");
    await page.setInputFiles("#model-files", [join(F, "config.json"), weights, join(F, "tokenizer.json")]);
    await page.setInputFiles("#pairs", join(dir, "pairs.txt"));
    await page.setInputFiles("#links", join(dir, "links.txt"));
  }

  const finish = (page: Page) => page.waitForFunction(() => ["done", "error"].includes((window as any).__xlt?.status), null, { timeout: 590_000 });
  const shownError = async (page: Page) => ({ state: await page.evaluate(() => (window as any).__xlt.error), box: (await page.textContent("#error"))?.trim() });

  it("realigns the tiny model as Node does, and the download is the realigned checkpoint", async () => {
    const page = await open();
    expect(await page.evaluate(() => (window as any).__xlt.error)).toBe(null);
    await pickTiny(page);
    await page.selectOption("#freeze", RUN.freeze);
    await page.fill("#steps", String(RUN.steps));
    await page.fill("#lr", String(RUN.lr));
    await page.click("#run");
    await finish(page);
    const state = await page.evaluate(() => (window as any).__xlt);
    expect(state.error).toBe(null);
    mkdirSync(join(ROOT, "results", "web"), { recursive: true });
    await page.screenshot({ path: join(ROOT, "results", "web", "screenshot.png") });

    const input = tinyModelFiles();
    const node = await realign(loadModel(input), pairsFromText(tinyPairTexts()).examples, RUN);
    expect(state.losses).toHaveLength(RUN.steps);
    state.losses.forEach((l: number, i: number) => expect(Math.abs(l - node.losses[i]) / Math.abs(node.losses[i]), `loss ${i + 1}: page ${l}, node ${node.losses[i]}`).toBeLessThan(1e-3));
    expect(state.result.frozen).toEqual(node.frozen);
    expect(state.result.alignment.pairs).toBe(node.alignment.pairs);

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
    expect(download.suggestedFilename()).toBe("model.safetensors");
    const file = join(dir, "downloaded.safetensors");
    await download.saveAs(file);
    const got = new Uint8Array(readFileSync(file));
    const [h, hi, hn] = [headerOfBytes(got, "download"), headerOfBytes(input.safetensors, "input"), headerOfBytes(node.safetensors, "node")];
    expect([...h.tensors.keys()]).toEqual([...hi.tensors.keys()]);
    const sourceOf = new Map([...loadModel(input).ckpt.sourceNames].map(([c, n]) => [n, c]));
    const worst: Record<string, number> = {};
    for (const [name, t] of h.tensors) {
      expect({ ...t, name }).toEqual({ ...hi.tensors.get(name), name });
      const bytes = (buf: Uint8Array, hh: typeof h) => buf.subarray(hh.dataStart + t.begin, hh.dataStart + t.end);
      const frozen = !sourceOf.has(name) || /^layer\.[01]\./.test(sourceOf.get(name)!);
      if (frozen) {
        expect(Buffer.from(bytes(got, h)).equals(Buffer.from(bytes(input.safetensors, hi))), `${name} is frozen`).toBe(true);
        continue;
      }
      // the key bias shifts every score of a softmax row alike, so its gradient is only rounding noise, which
      // Adam turns into steps of about the learning rate either way: its values are not compared
      if (/\.attn\.k\.bias$/.test(sourceOf.get(name)!)) continue;
      const a = decode(t, bytes(got, h)), b = decode(t, bytes(node.safetensors, hn));
      worst[name] = 0;
      for (let i = 0; i < a.length; i++) worst[name] = Math.max(worst[name], Math.abs(a[i] - b[i]));
    }
    expect(Object.keys(worst).length).toBeGreaterThan(0);
    expect(Object.entries(worst).filter(([, d]) => d >= 1e-4), "trained tensors farther than 1e-4 from Node's").toEqual([]);
    await page.close();
  });

  it("a file that is not a checkpoint is one message on the page", async () => {
    const page = await open();
    const bad = join(dir, "model.safetensors");
    writeFileSync(bad, "<!doctype html><p>a saved web page, not weights</p>\n");
    await pickTiny(page, bad);
    await page.click("#run");
    await finish(page);
    const { state, box } = await shownError(page);
    expect(state).toMatch(/^model\.safetensors: header length \d+ does not fit the \d+-byte file \(truncated or not safetensors\)$/);
    expect(box).toBe(state);
    await page.close();
  });

  it("a browser without WebGPU gets one message, not a blank page", async () => {
    const page = await open(() => Object.defineProperty(Navigator.prototype, "gpu", { get: () => undefined }));
    const { state, box } = await shownError(page);
    expect(state).toMatch(/^this browser offers no WebGPU \(navigator\.gpu is missing\)/);
    expect(box).toBe(state);
    expect(await page.isDisabled("#run")).toBe(true);
    await page.close();
  });
});
