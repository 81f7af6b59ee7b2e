import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const here = dirname(fileURLToPath(import.meta.url));
const PIXELS = 28 * 28;

/**
 * The 10,000 digits of the `mnist` package (the CLI demo's data), packed once into
 * `mnist.bin`: a uint32 count, the labels (uint8 each), then the pixels (uint8, value × 255).
 * Served by the dev server and written into the static site.
 */
function mnistBinary(): Uint8Array {
  const require = createRequire(import.meta.url);
  const folder = join(dirname(require.resolve("mnist/package.json")), "src", "digits");
  const perDigit = Array.from({ length: 10 }, (_, digit) => {
    const { data } = JSON.parse(readFileSync(join(folder, `${digit}.json`), "utf8")) as {
      data: number[];
    };
    return data;
  });
  const count = perDigit.reduce((total, data) => total + data.length / PIXELS, 0);
  const bytes = new Uint8Array(4 + count + count * PIXELS);
  new DataView(bytes.buffer).setUint32(0, count, true);
  let row = 0;
  perDigit.forEach((data, digit) => {
    const n = data.length / PIXELS;
    bytes.fill(digit, 4 + row, 4 + row + n);
    const offset = 4 + count + row * PIXELS;
    for (let i = 0; i < data.length; i++) bytes[offset + i] = Math.round((data[i] as number) * 255);
    row += n;
  });
  return bytes;
}

function mnistAsset(): Plugin {
  let cached: Uint8Array | undefined;
  const bytes = () => (cached ??= mnistBinary());
  return {
    name: "zerograd-mnist",
    configureServer(server) {
      server.middlewares.use("/mnist.bin", (_req, res) => {
        res.setHeader("content-type", "application/octet-stream");
        res.end(bytes());
      });
    },
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "mnist.bin", source: bytes() });
    },
  };
}

/**
 * `virtual:zerograd-engine`: @zerograd/wasm's `useWasm` and `engineInfo` when that package is
 * in the workspace, else nulls, so the page runs on the JavaScript engine until it lands.
 */
function engineModule(): Plugin {
  const id = "virtual:zerograd-engine";
  const wasmEntry = join(here, "..", "..", "packages", "wasm", "src", "index.ts");
  return {
    name: "zerograd-engine",
    resolveId(source) {
      return source === id ? `\0${id}` : undefined;
    },
    load(loaded) {
      if (loaded !== `\0${id}`) return undefined;
      return existsSync(wasmEntry)
        ? `export { useWasm, engineInfo } from ${JSON.stringify(wasmEntry)};`
        : "export const useWasm = null;\nexport const engineInfo = null;";
    },
  };
}

// Cross-origin isolation (SharedArrayBuffer, so wasm can use threads) needs these two headers.
const isolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
  base: "./",
  // the workspace libraries from their sources, as the tests use them
  resolve: { conditions: ["@zerograd/source", "module", "browser", "development|production"] },
  plugins: [mnistAsset(), engineModule()],
  worker: {
    format: "es",
    plugins: () => [engineModule()],
  },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    // packing the digits takes a few seconds on a busy machine: that is expected, not a warning
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: { host: "127.0.0.1", headers: isolation },
  preview: { host: "127.0.0.1", headers: isolation },
});
