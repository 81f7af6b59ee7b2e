import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

/** A minified bundle and its sizes in bytes. */
export interface Bundle {
  code: string;
  /** Minified size. */
  minified: number;
  /** Minified, then gzip at level 9 (what size-limit and bundlephobia report). */
  gzipped: number;
  /** The names the bundle exports. */
  exports: string[];
  metafile: Metafile;
}

/**
 * Bundles `entry` (module source text) the way an app bundler would for a browser library:
 * ESM, minified, platform neutral, resolving from `resolveDir` (a node_modules parent).
 * `external` packages stay imports, so a package is measured without its peers.
 */
export async function bundle(
  entry: string,
  resolveDir: string,
  external: string[],
): Promise<Bundle> {
  const result = await build({
    stdin: { contents: entry, resolveDir, loader: "js", sourcefile: "entry.js" },
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    platform: "neutral",
    // platform "neutral" has no default main fields; exports conditions still apply
    mainFields: ["module", "main"],
    target: "es2022",
    external,
    metafile: true,
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error(`bundle: esbuild wrote no output for ${entry}`);
  const code = file.text;
  const output = Object.values(result.metafile.outputs)[0];
  return {
    code,
    minified: file.contents.byteLength,
    gzipped: gzipSync(file.contents, { level: 9 }).byteLength,
    exports: output?.exports ?? [],
    metafile: result.metafile,
  };
}

/**
 * The bare module specifiers a built file imports (import, export from, dynamic import,
 * require), read from esbuild's metafile with every package left external.
 */
export async function externalImports(file: string, format: "esm" | "cjs"): Promise<string[]> {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    format,
    platform: "neutral",
    packages: "external",
    metafile: true,
    logLevel: "silent",
  });
  const specifiers = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.external) specifiers.add(imported.path);
    }
  }
  return [...specifiers].sort();
}

/** Formats a byte count as kB with one decimal (1 kB = 1000 bytes, as size-limit counts). */
export function kB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}
