import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The monorepo root (the folder holding pnpm-workspace.yaml). */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** The fields of a package.json these checks read. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  type?: string;
  license?: string;
  sideEffects?: boolean | string[];
  files?: string[];
  main?: string;
  module?: string;
  types?: string;
  exports?: unknown;
  publishConfig?: Record<string, unknown>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** A publishable package of the workspace: a folder under packages/ whose manifest is not private. */
export interface LibraryPackage {
  name: string;
  /** Absolute path of the package folder. */
  dir: string;
  /** The source manifest (before pnpm pack rewrites it). */
  manifest: Manifest;
}

/** Reads a JSON file. */
export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/**
 * Every library package: `packages/<name>/package.json` without `"private": true`, sorted
 * by name. New packages are picked up here, so every check covers them without being edited.
 */
export function libraryPackages(): LibraryPackage[] {
  const root = join(repoRoot, "packages");
  const found: LibraryPackage[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, entry.name);
    let manifest: Manifest;
    try {
      manifest = readJson<Manifest>(join(dir, "package.json"));
    } catch {
      continue; // a folder without a manifest (yet) is not a package
    }
    if (manifest.private === true) continue;
    found.push({ name: manifest.name, dir, manifest });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** The dependency fields of a manifest, in the order npm lists them. */
export const dependencyFields = [
  "dependencies",
  "peerDependencies",
  "optionalDependencies",
  "devDependencies",
] as const;

/** What the global setup hands to every test file (see global-setup.ts). */
export interface PackedPackage {
  name: string;
  version: string;
  /** Source folder in the workspace. */
  dir: string;
  /** The `pnpm pack` tarball. */
  tarball: string;
  /** The tarball unpacked into `<installRoot>/node_modules/<name>`, as npm would install it. */
  installed: string;
}

/** The packs made for this run, and the folder whose node_modules holds all of them. */
export interface PackResult {
  installRoot: string;
  packages: PackedPackage[];
}
