import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TestProject } from "vitest/node";
import { libraryPackages, type PackedPackage, type PackResult, repoRoot } from "./lib/workspace.ts";

declare module "vitest" {
  export interface ProvidedContext {
    packs: PackResult;
  }
}

/**
 * Builds every library package (a turbo cache hit when `pnpm check` has just built them),
 * packs each with `pnpm pack` — which rewrites `workspace:` ranges and applies
 * `publishConfig`, exactly as `changeset publish` will — and unpacks the tarballs into one
 * throw-away node_modules, so the checks look at what npm users get, not at the workspace.
 */
export default function setup(project: TestProject): () => void {
  const packages = libraryPackages();
  if (packages.length === 0) throw new Error("checks: no library package found under packages/");
  execFileSync(
    "pnpm",
    [
      "exec",
      "turbo",
      "run",
      "build",
      ...packages.map((p) => `--filter=${p.name}`),
      "--output-logs=errors-only",
    ],
    { cwd: repoRoot, stdio: "inherit", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } },
  );

  const work = mkdtempSync(join(tmpdir(), "zerograd-checks-"));
  const tarballs = join(work, "tarballs");
  const installRoot = join(work, "install");
  const packed: PackedPackage[] = [];
  for (const pkg of packages) {
    const out = execFileSync("pnpm", ["pack", "--json", "--pack-destination", tarballs], {
      cwd: pkg.dir,
      encoding: "utf8",
    });
    const info = JSON.parse(out.slice(out.indexOf("{"))) as { filename: string; version: string };
    const installed = join(installRoot, "node_modules", ...pkg.name.split("/"));
    mkdirSync(installed, { recursive: true });
    execFileSync("tar", ["-xzf", info.filename, "-C", installed, "--strip-components=1"]);
    // A runtime dependency (only @zerograd/onnx has one: protobufjs) is linked from the
    // workspace's install, as npm would have installed it next to the package.
    for (const dep of Object.keys(pkg.manifest.dependencies ?? {})) {
      const target = join(installRoot, "node_modules", ...dep.split("/"));
      mkdirSync(dirname(target), { recursive: true });
      rmSync(target, { recursive: true, force: true });
      symlinkSync(realpathSync(join(pkg.dir, "node_modules", dep)), target, "dir");
    }
    packed.push({
      name: pkg.name,
      version: info.version,
      dir: pkg.dir,
      tarball: info.filename,
      installed,
    });
  }
  project.provide("packs", { installRoot, packages: packed });
  return () => rmSync(work, { recursive: true, force: true });
}
