import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { repoRoot } from "../lib/workspace.ts";

/**
 * The design's promise that the libraries run in a browser, checked end to end: the training
 * script browser/train.ts (spiral data → MLP 2-10-3 → cross-entropy → Adam, float32: every
 * library package) is bundled with esbuild for platform "browser" from the packed tarballs
 * (so a Node built-in anywhere in a library fails the bundle), served on 127.0.0.1, and run
 * in headless Chromium driven by playwright-core. The very same bundle also runs in this
 * Node process; the per-step losses must fall and agree to 1e-6 (relative).
 *
 * Chromium comes from the system: /usr/bin/chromium (Debian's `apt-get install -y chromium`,
 * which .ci/run does; GitHub's Ubuntu images link a Chromium build there too), or the path in
 * ZEROGRAD_CHROMIUM. Without one the test fails; it never skips.
 */

const { installRoot, packages } = inject("packs");
const executablePath = process.env.ZEROGRAD_CHROMIUM ?? "/usr/bin/chromium";
const SEED = 0;
const STEPS = 20;
const RTOL = 1e-6;

/** The flags that work on these machines (closed network, root, no GPU). */
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

interface EngineInfo {
  engine: string;
  threads: number;
  relaxedSimd: boolean;
  note?: string;
}
type Result =
  | { losses: number[]; wasm: { losses: number[]; info: EngineInfo }; userAgent: string }
  | { error: string };
/** The wasm engine's float32 sums run in another order than the JavaScript engine's. */
const WASM_RTOL = 1e-4;

const page = `<!doctype html>
<meta charset="utf-8">
<title>zerograd browser test</title>
<link rel="icon" href="data:,">
<script type="module">
import("./train.js").then(
  async (m) => {
    const losses = m.train({ seed: ${SEED}, steps: ${STEPS} });
    const wasm = await m.trainOnWasm({ seed: ${SEED}, steps: ${STEPS}, threads: 2 });
    window.__result = { losses, wasm, userAgent: navigator.userAgent };
  },
  (e) => { window.__result = { error: String((e && e.stack) || e) }; },
).catch((e) => { window.__result = { error: String((e && e.stack) || e) }; });
</script>
`;

describe("browser: training in headless Chromium", () => {
  const work = mkdtempSync(join(tmpdir(), "zerograd-browser-"));
  const bundleFile = join(work, "train.js");
  let bundledInputs: string[] = [];
  let server: Server | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    const result = await build({
      entryPoints: [join(repoRoot, "scripts", "browser", "train.ts")],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      // the libraries resolve from the unpacked tarballs, as in an app that installed them
      nodePaths: [join(installRoot, "node_modules")],
      outfile: bundleFile,
      metafile: true,
      logLevel: "silent",
    });
    // metafile paths are relative to esbuild's working directory
    bundledInputs = Object.keys(result.metafile.inputs).map((input) => resolve(input));
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    rmSync(work, { recursive: true, force: true });
  });

  it("bundles every library package from its published build", () => {
    const root = join(installRoot, "node_modules");
    for (const pkg of packages) {
      const prefix = join(root, ...pkg.name.split("/"), "dist") + sep;
      expect(
        bundledInputs.some((input) => input.startsWith(prefix)),
        `${pkg.name} not in the bundle`,
      ).toBe(true);
    }
    // nothing from the workspace sources slipped in
    const workspace = join(repoRoot, "packages") + sep;
    expect(bundledInputs.filter((input) => input.startsWith(workspace))).toEqual([]);
  });

  it("trains in Chromium: the loss falls and equals the Node run to 1e-6", async () => {
    if (!existsSync(executablePath)) {
      throw new Error(
        `browser test: no Chromium at ${executablePath}. Install Debian's with \`apt-get install -y chromium\` (.ci/run does), or set ZEROGRAD_CHROMIUM to a Chromium or Chrome binary (GitHub's Ubuntu images have one at /usr/bin/chromium).`,
      );
    }
    const code = readFileSync(bundleFile);
    server = createServer((req, res) => {
      const routes: Record<string, [string, string | Buffer]> = {
        "/": ["text/html; charset=utf-8", page],
        "/train.js": ["text/javascript; charset=utf-8", code],
      };
      const route = routes[req.url ?? ""];
      if (route === undefined) {
        res.writeHead(404).end();
        return;
      }
      // Cross-origin isolated, so that the page may share memory with its workers.
      res
        .writeHead(200, {
          "content-type": route[0],
          "cache-control": "no-store",
          "cross-origin-opener-policy": "same-origin",
          "cross-origin-embedder-policy": "require-corp",
        })
        .end(route[1]);
    });
    const s = server;
    await new Promise<void>((done) => s.listen(0, "127.0.0.1", done));
    const { port } = s.address() as AddressInfo;

    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: chromiumArgs,
      timeout: 30_000,
    });
    const tab = await browser.newPage();
    const problems: string[] = [];
    tab.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    tab.on("console", (m) => {
      if (m.type() === "error") problems.push(`console.error: ${m.text()}`);
    });
    await tab.goto(`http://127.0.0.1:${port}/`);
    await tab.waitForFunction("window.__result !== undefined", undefined, { timeout: 20_000 });
    const result = (await tab.evaluate("window.__result")) as Result;
    if ("error" in result)
      throw new Error(`browser test: training failed in Chromium:\n${result.error}`);
    expect(problems).toEqual([]);

    const { train } = (await import(pathToFileURL(bundleFile).href)) as {
      train: (options: { seed: number; steps: number }) => number[];
    };
    const node = train({ seed: SEED, steps: STEPS });
    const web = result.losses;

    expect(web).toHaveLength(STEPS);
    expect(node).toHaveLength(STEPS);
    for (const loss of [...web, ...node]) expect(Number.isFinite(loss)).toBe(true);
    const first = web[0] as number;
    const last = web[STEPS - 1] as number;
    // the untrained model guesses about uniformly (ln 3 ≈ 1.10); 20 Adam steps clearly learn
    expect(first).toBeGreaterThan(1);
    expect(last).toBeLessThan(0.8 * first);

    let maxDiff = 0;
    for (let i = 0; i < STEPS; i++) {
      const [w, n] = [web[i] as number, node[i] as number];
      const diff = Math.abs(w - n);
      maxDiff = Math.max(maxDiff, diff);
      expect(diff, `step ${i}: browser ${w} vs node ${n}`).toBeLessThanOrEqual(RTOL * Math.abs(n));
    }
    // The same training on the wasm engine, with two threads (Web Workers over shared memory)
    // and, as Chromium has had relaxed SIMD since version 114, matmul's fused multiply-add.
    expect(result.wasm.info).toMatchObject({ engine: "wasm", threads: 2, relaxedSimd: true });
    let wasmDiff = 0;
    for (let i = 0; i < STEPS; i++) {
      const [w, n] = [result.wasm.losses[i] as number, node[i] as number];
      wasmDiff = Math.max(wasmDiff, Math.abs(w - n));
      expect(Math.abs(w - n), `wasm step ${i}: ${w} vs ${n}`).toBeLessThanOrEqual(
        WASM_RTOL * Math.abs(n),
      );
    }
    console.log(
      `browser test: ${result.userAgent}; loss ${first.toFixed(6)} → ${last.toFixed(6)} in ${STEPS} steps; max |browser − node| = ${maxDiff}; wasm engine (2 threads, relaxed SIMD) max |wasm − node| = ${wasmDiff}`,
    );
  });
});
