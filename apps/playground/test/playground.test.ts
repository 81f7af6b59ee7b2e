import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadNames } from "@zerograd/demo/names-data";
import { NameGpt } from "@zerograd/demo/names-gpt";
import { Random } from "@zerograd/ndarray";
import { fromSafetensors, MLP, readSafetensorsHeader, toSafetensors } from "@zerograd/nn";
import { type Browser, chromium, type Page } from "playwright-core";
import { build, type PreviewServer, preview } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DigitCnn } from "../src/cnn";

/**
 * The playground end to end: `vite build` writes the static site, `vite preview` serves it on
 * 127.0.0.1 (with the COOP/COEP headers) and headless Chromium (Debian's, driven by
 * playwright-core) trains the spiral, saves and loads weights, trains MNIST and reads a digit
 * drawn with the mouse, trains the names GPT and samples names. Screenshots go to out/. Without
 * Chromium the test fails; it never skips.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "out");
const executablePath = process.env.ZEROGRAD_CHROMIUM ?? "/usr/bin/chromium";
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

describe("playground in headless Chromium", () => {
  const work = mkdtempSync(join(tmpdir(), "zerograd-playground-"));
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  let tab: Page;
  let url = "";
  const problems: string[] = [];
  /** Every URL the page and its worker request. */
  const requests: string[] = [];

  beforeAll(async () => {
    if (!existsSync(executablePath)) {
      throw new Error(
        `playground test: no Chromium at ${executablePath}. Install Debian's with \`apt-get install -y chromium\` (.ci/run does), or set ZEROGRAD_CHROMIUM.`,
      );
    }
    // into a folder of its own: turbo may run the package's build (into dist/) at the same time
    const site = { outDir: join(work, "site"), emptyOutDir: true };
    await build({ root, logLevel: "warn", build: site });
    server = await preview({
      root,
      logLevel: "warn",
      build: site,
      preview: { port: 0, host: "127.0.0.1" },
    });
    url = server.resolvedUrls?.local[0] ?? "";
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: chromiumArgs,
      timeout: 60_000,
    });
    const context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
    });
    tab = await context.newPage();
    tab.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    tab.on("console", (m) => {
      if (m.type() === "error") problems.push(`console.error: ${m.text()}`);
    });
    context.on("request", (request) => {
      requests.push(request.url());
      if (!/^(http:\/\/127\.0\.0\.1:\d+\/|data:|blob:)/.test(request.url())) {
        problems.push(`a request off the preview server: ${request.url()}`);
      }
    });
    mkdirSync(out, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const points = async (id: string) => Number(await tab.getAttribute(`#${id}`, "data-points"));

  it("serves the page cross-origin isolated and names the engine", async () => {
    const response = await tab.goto(url);
    expect(response?.headers()["cross-origin-opener-policy"]).toBe("same-origin");
    expect(response?.headers()["cross-origin-embedder-policy"]).toBe("require-corp");
    await tab.waitForFunction(() => document.getElementById("engine")?.textContent !== "starting…");
    expect(await tab.evaluate(() => crossOriginIsolated)).toBe(true);
    const engine = (await tab.textContent("#engine")) ?? "";
    // @zerograd/wasm with one thread per core: the page is cross-origin isolated, so its
    // worker shares memory with the engine's own workers.
    expect(engine).toMatch(/^wasm, ([2-9]|\d{2,}) threads$/);
    await tab.waitForFunction(() =>
      document.getElementById("description")?.textContent?.includes("MLP 2-32-3"),
    );
  });

  it("trains the spiral in the worker (started from the keyboard): the loss falls, the charts draw", async () => {
    await tab.focus("#run");
    await tab.keyboard.press("Space");
    expect(await tab.textContent("#run")).toBe("Pause");
    // a few seconds of training; the page stays responsive meanwhile (the worker trains)
    await tab.waitForTimeout(3000);
    await tab.waitForFunction(
      () => Number(document.getElementById("step")?.textContent) >= 300,
      undefined,
      {
        timeout: 60_000,
      },
    );
    await tab.keyboard.press("Space");
    expect(await tab.textContent("#run")).toBe("Train");
    const first = Number(await tab.getAttribute("#loss-chart", "data-first-loss"));
    const last = Number(await tab.getAttribute("#loss-chart", "data-last-loss"));
    expect(first).toBeGreaterThan(0.9); // about ln 3 untrained
    expect(last).toBeLessThan(0.5 * first);
    expect(await points("loss-chart")).toBeGreaterThanOrEqual(3);
    expect(await points("accuracy-chart")).toBe(await points("loss-chart"));
    expect(Number(await tab.getAttribute("#boundary", "data-drawn"))).toBeGreaterThanOrEqual(2);
    expect(Number(await tab.textContent("#speed"))).toBeGreaterThan(0);
    // uPlot drew the series: its canvas is not blank
    const inked = await tab.evaluate(() => {
      const canvas = document.querySelector("#loss-chart canvas") as HTMLCanvasElement;
      const data = (canvas.getContext("2d") as CanvasRenderingContext2D).getImageData(
        0,
        0,
        canvas.width,
        canvas.height,
      ).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(100);
    await tab.screenshot({ path: join(out, "playground-training.png"), fullPage: true });
  });

  let spiralFile = "";
  it("saves the weights as safetensors and loads them back", async () => {
    const [download] = await Promise.all([tab.waitForEvent("download"), tab.click("#save")]);
    expect(download.suggestedFilename()).toBe("spiral-mlp.safetensors");
    spiralFile = join(work, "spiral-mlp.safetensors");
    await download.saveAs(spiralFile);
    const bytes = readFileSync(spiralFile);
    const dict = fromSafetensors(bytes);
    expect(Object.keys(dict).sort()).toEqual([
      "layers.0.bias",
      "layers.0.weight",
      "layers.1.bias",
      "layers.1.weight",
    ]);
    expect(dict["layers.0.weight"]?.shape).toEqual([32, 2]);
    expect(readSafetensorsHeader(bytes).metadata).toEqual({
      model: "spiral-mlp",
      sizes: "2,32,3",
      activation: "relu",
    });

    await tab.fill("#hidden", "8");
    await tab.dispatchEvent("#hidden", "change");
    await tab.waitForFunction(() =>
      document.getElementById("description")?.textContent?.includes("MLP 2-8-3"),
    );
    await tab.setInputFiles("#load", spiralFile);
    await tab.waitForFunction(
      () => document.getElementById("message")?.textContent === "loaded spiral-mlp.safetensors",
    );
    expect(await tab.inputValue("#hidden")).toBe("32");
  });

  it("loads a file as the CLI demo's mnist command writes it", async () => {
    const model = new MLP([784, 16, 10], { rng: new Random(3) });
    const file = join(work, "mnist-mlp.safetensors");
    writeFileSync(
      file,
      toSafetensors(model.stateDict(), {
        model: "mlp",
        sizes: "784,16,10",
        hidden: "16",
        seed: "0",
      }),
    );
    await tab.setInputFiles("#load", file);
    await tab.waitForFunction(
      () => document.getElementById("message")?.textContent === "loaded mnist-mlp.safetensors",
      undefined,
      {
        timeout: 60_000,
      },
    );
    expect(await tab.inputValue("#task")).toBe("mnist");
    expect(await tab.inputValue("#hidden")).toBe("16");
  });

  it("trains MNIST and reads a digit drawn on the pad, at phone width", async () => {
    await tab.selectOption("#task", "mnist");
    await tab.waitForFunction(
      () => document.getElementById("description")?.textContent?.includes("MLP 784-128-10"),
      undefined,
      {
        timeout: 60_000,
      },
    );
    await tab.click("#run");
    // one epoch (63 batches of 128) gives a test accuracy
    await tab.waitForFunction(
      () => document.getElementById("test")?.textContent !== "–",
      undefined,
      { timeout: 120_000 },
    );
    await tab.click("#run");
    expect(Number(await tab.textContent("#test"))).toBeGreaterThan(0.7);

    await tab.setViewportSize({ width: 390, height: 844 });
    expect(await tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await tab.locator("#pad").scrollIntoViewIfNeeded();
    const box = await tab.locator("#pad").boundingBox();
    if (box === null) throw new Error("the pad is not visible");
    // a "7": a bar across the top, then down to the bottom left
    const at = (fx: number, fy: number) =>
      [box.x + fx * box.width, box.y + fy * box.height] as const;
    await tab.mouse.move(...at(0.25, 0.2));
    await tab.mouse.down();
    for (const [fx, fy] of [
      [0.5, 0.2],
      [0.75, 0.2],
      [0.65, 0.45],
      [0.55, 0.65],
      [0.45, 0.85],
    ] as const) {
      await tab.mouse.move(...at(fx, fy), { steps: 8 });
    }
    await tab.mouse.up();
    await tab.waitForFunction(() => document.getElementById("prediction")?.textContent !== "–");
    const prediction = (await tab.textContent("#prediction")) ?? "";
    expect(prediction).toMatch(/^\d \(\d+\.\d%\)$/);
    const shares = await tab.$$eval("#probabilities li", (items) =>
      items.map((li) => Number.parseFloat(li.lastChild?.textContent ?? "")),
    );
    expect(shares).toHaveLength(10);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
    await tab.screenshot({ path: join(out, "playground-digit.png"), fullPage: true });
    console.log(
      `playground test: drew a 7, the model says ${prediction}; engine ${await tab.textContent("#engine")}`,
    );
  });

  it("loads the CLI demo's CNN file and reads a test digit with it, from the keyboard", async () => {
    const model = new DigitCnn([4, 8], new Random(5));
    const file = join(work, "mnist-cnn.safetensors");
    writeFileSync(
      file,
      toSafetensors(model.stateDict(), { model: "cnn", channels: "4,8", seed: "0" }),
    );
    await tab.setInputFiles("#load", file);
    await tab
      .waitForFunction(
        () => document.getElementById("message")?.textContent === "loaded mnist-cnn.safetensors",
      )
      .catch(async (error) => {
        throw new Error(`${error}; the page says ${await tab.textContent("#message")}`);
      });
    expect(await tab.inputValue("#task")).toBe("cnn");
    expect(await tab.inputValue("#hidden")).toBe("4, 8");
    expect(await tab.textContent("#hidden-label")).toBe("channels");
    expect(await tab.textContent("#description")).toContain("conv3x3(4)");
    await tab.click("#clear");
    expect(await tab.textContent("#prediction")).toBe("–");
    await tab.focus("#sample");
    await tab.keyboard.press("Enter");
    await tab
      .waitForFunction(() => document.getElementById("prediction")?.textContent !== "–")
      .catch(async (error) => {
        throw new Error(`${error}; the page says ${await tab.textContent("#message")}`);
      });
    expect(await tab.textContent("#message")).toMatch(/^a test digit labelled \d$/);
    expect(await tab.$$eval("#probabilities li", (items) => items.length)).toBe(10);
    expect(problems).toEqual([]);
  });

  const sampled = () => tab.$$eval("#names li", (items) => items.map((li) => li.textContent));

  it("trains the names GPT from the keyboard: train and validation loss fall, sampled names appear", async () => {
    await tab.setViewportSize({ width: 1280, height: 900 });
    const requested = requests.length;
    await tab.selectOption("#task", "names");
    await tab.waitForFunction(
      () => document.getElementById("description")?.textContent?.includes("GPT: 2 × (4-head"),
      undefined,
      { timeout: 60_000 },
    );
    expect(await tab.textContent("#description")).toContain("width 48, 7580 training samples");
    expect(await tab.isVisible("#names-panel")).toBe(true);
    expect(await tab.textContent("#hidden-label")).toBe("width, heads, blocks");
    await tab.focus("#run");
    await tab.keyboard.press("Space");
    // the validation loss runs after step 1 and every 50 steps: wait for the second one
    await tab.waitForFunction(
      () => Number(document.getElementById("loss-chart")?.dataset.validationPoints) >= 2,
      undefined,
      { timeout: 120_000 },
    );
    await tab.keyboard.press("Space");
    expect(await tab.textContent("#run")).toBe("Train");
    // the names are in the worker's bundle: nothing was fetched for them (the worker's own
    // requests are seen, as its fetch of the digits shows)
    expect(requests.some((request) => request.endsWith("/mnist.bin"))).toBe(true);
    expect(requests.slice(requested)).toEqual([]);
    const figure = async (name: string) => Number(await tab.getAttribute("#loss-chart", name));
    const first = await figure("data-first-loss");
    const firstValidation = await figure("data-first-validation");
    // about ln 28 = 3.33 untrained, and at least half a nat lower after 50 steps
    expect(first).toBeGreaterThan(3);
    expect(await figure("data-last-loss")).toBeLessThan(first - 0.5);
    expect(firstValidation).toBeGreaterThan(3);
    expect(await figure("data-last-validation")).toBeLessThan(firstValidation - 0.5);
    expect(Number(await tab.textContent("#validation"))).toBe(
      Number((await figure("data-last-validation")).toFixed(4)),
    );

    // sampling from the keyboard: Enter in the temperature field submits the form
    await tab.fill("#name-seed", "3");
    await tab.fill("#temperature", "0.8");
    await tab.focus("#temperature");
    await tab.keyboard.press("Enter");
    await tab.waitForFunction(() => document.querySelectorAll("#names li").length === 10);
    const names = await sampled();
    for (const name of names) expect(name).toMatch(/^[a-z-]*( \*)?$/);
    expect(
      names.filter((name) => (name?.replace(" *", "").length ?? 0) >= 2).length,
    ).toBeGreaterThan(5);
    expect(await tab.textContent("#names-note")).toMatch(
      /^seed 3, temperature 0\.8: \d+ of 10 are not training names \(marked \*\)$/,
    );
    // the same seed gives the same names; the button works from the keyboard too
    await tab.evaluate(() => document.getElementById("names")?.replaceChildren());
    await tab.focus("#sample-names");
    await tab.keyboard.press("Enter");
    await tab.waitForFunction(() => document.querySelectorAll("#names li").length === 10);
    expect(await sampled()).toEqual(names);
    await tab.screenshot({ path: join(out, "playground-names.png"), fullPage: true });
    console.log(
      `playground test: names GPT, loss ${first.toFixed(3)} → ${(await figure("data-last-loss")).toFixed(3)}, validation ${firstValidation.toFixed(3)} → ${(await figure("data-last-validation")).toFixed(3)} at step ${await tab.textContent("#step")}; sampled ${names.join(", ")}`,
    );
  });

  it("saves the names GPT as the CLI's names-gpt.safetensors and loads one the CLI wrote", async () => {
    const [download] = await Promise.all([tab.waitForEvent("download"), tab.click("#save")]);
    expect(download.suggestedFilename()).toBe("names-gpt.safetensors");
    const saved = join(work, "saved-names-gpt.safetensors");
    await download.saveAs(saved);
    const bytes = readFileSync(saved);
    expect(readSafetensorsHeader(bytes).metadata).toMatchObject({
      model: "gpt",
      context: "16",
      embed: "48",
      heads: "4",
      layers: "2",
    });
    expect(Object.keys(fromSafetensors(bytes))).toContain(
      "blocks.layers.1.attention.in_proj_weight",
    );

    // a smaller GPT, written with the keys and metadata of `pnpm demo -- names`
    const { vocabulary, longest } = loadNames(new Random(0));
    const model = new NameGpt(vocabulary.length, longest + 1, 32, 2, 1, new Random(7));
    const file = join(work, "names-gpt.safetensors");
    writeFileSync(
      file,
      toSafetensors(model.stateDict(), {
        model: "gpt",
        vocabulary: vocabulary.join(""),
        context: String(longest + 1),
        embed: "32",
        heads: "2",
        layers: "1",
        seed: "0",
      }),
    );
    await tab.setInputFiles("#load", file);
    await tab.waitForFunction(
      () => document.getElementById("message")?.textContent === "loaded names-gpt.safetensors",
      undefined,
      { timeout: 60_000 },
    );
    expect(await tab.inputValue("#task")).toBe("names");
    expect(await tab.inputValue("#hidden")).toBe("32, 2, 1");
    await tab.focus("#sample-names");
    await tab.keyboard.press("Enter");
    await tab.waitForFunction(() => document.querySelectorAll("#names li").length === 10);
    expect(problems).toEqual([]);
  });
});
