import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import semver from "semver";
import { describe, expect, inject, it } from "vitest";
import { externalImports } from "../lib/bundle.ts";
import { dependencyFields, type Manifest, readJson, repoRoot } from "../lib/workspace.ts";

const { packages } = inject("packs");
const versions = new Map(packages.map((p) => [p.name, p.version]));

/** Every string leaf of an exports map (the file paths it points at). */
function targets(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value === null || typeof value !== "object") return [];
  return Object.values(value).flatMap(targets);
}

/** Files under `dir`, relative to it, with forward slashes. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => relative(dir, join(dir, f)).replaceAll("\\", "/"))
    .sort();
}

describe.each(packages)("packed manifest of $name", (pkg) => {
  const packed = readJson<Manifest>(join(pkg.installed, "package.json"));
  const source = readJson<Manifest>(join(pkg.dir, "package.json"));

  it("has no workspace:, file: or link: ranges left", () => {
    for (const field of dependencyFields) {
      for (const [dep, range] of Object.entries(packed[field] ?? {})) {
        expect(range, `${field}.${dep}`).not.toMatch(/^(workspace|file|link|catalog):/);
        expect(
          semver.validRange(range),
          `${field}.${dep} = "${range}" is not a semver range`,
        ).not.toBeNull();
      }
    }
  });

  it("declares sibling packages as peers with a range that matches their version", () => {
    for (const [dep, range] of Object.entries(packed.peerDependencies ?? {})) {
      const version = versions.get(dep);
      if (version === undefined) continue; // not a zerograd package
      expect(
        semver.satisfies(version, range),
        `peer ${dep} "${range}" does not accept the workspace's ${dep}@${version}`,
      ).toBe(true);
      expect(
        source.devDependencies?.[dep],
        `${dep} is a peer, so also a devDependency`,
      ).toBeDefined();
    }
  });

  it("has no runtime dependencies (library packages depend on siblings as peers only)", () => {
    // @zerograd/onnx writes protobuf through protobufjs (issue 14 allows that one dependency).
    const allowed: Record<string, string[]> = { "@zerograd/onnx": ["protobufjs"] };
    expect(Object.keys(packed.dependencies ?? {})).toEqual(allowed[pkg.name] ?? []);
    expect(packed.optionalDependencies ?? {}).toEqual({});
  });

  it("publishes the dist exports: no source condition, no src/ paths", () => {
    const text = JSON.stringify([packed.exports, packed.main, packed.module, packed.types]);
    expect(text).not.toContain("@zerograd/source");
    expect(text).not.toMatch(/\.\/src\//);
    expect(
      packed.publishConfig?.exports,
      "pnpm pack applies publishConfig.exports",
    ).toBeUndefined();
    const root = (packed.exports as Record<string, unknown>)["."] as Record<string, unknown>;
    expect(Object.keys(root)).toEqual(["import", "require"]);
    for (const condition of ["import", "require"]) {
      expect(Object.keys(root[condition] as object), `exports["."].${condition}`).toEqual([
        "types",
        "default",
      ]);
    }
  });

  it("is an ESM package without side effects, with a license", () => {
    expect(packed.type).toBe("module");
    expect(packed.sideEffects).toBe(false);
    expect(packed.license).toBeTruthy();
    expect(packed.files).toEqual(["dist"]);
  });

  it("ships the MIT LICENSE of the repository root", () => {
    expect(packed.license).toBe("MIT");
    const shipped = join(pkg.installed, "LICENSE");
    expect(existsSync(shipped), `${pkg.name}'s tarball has no LICENSE`).toBe(true);
    expect(readFileSync(shipped, "utf8")).toBe(readFileSync(join(repoRoot, "LICENSE"), "utf8"));
  });

  it("ships dist only, and every file its exports name", () => {
    const files = listFiles(pkg.installed);
    const stray = files.filter(
      (f) => !f.startsWith("dist/") && !/^(package\.json|README|LICENSE|CHANGELOG)/i.test(f),
    );
    expect(stray).toEqual([]);
    const named = [...targets(packed.exports), packed.main, packed.module, packed.types];
    for (const target of named) {
      if (target === undefined) continue;
      expect(files, `${target} is named in the manifest`).toContain(target.replace(/^\.\//, ""));
    }
  });

  it.each(["esm", "cjs"] as const)(
    "%s build imports only declared peers (and dependencies), nothing Node-only",
    async (format) => {
      const file = join(
        pkg.installed,
        format === "esm" ? (packed.module ?? "") : (packed.main ?? ""),
      );
      const imports = await externalImports(file, format);
      const declared = Object.keys({ ...packed.peerDependencies, ...packed.dependencies });
      for (const specifier of imports) {
        expect(specifier, "no Node built-ins in library code").not.toMatch(/^node:/);
        const name = specifier.startsWith("@")
          ? specifier.split("/").slice(0, 2).join("/")
          : specifier.split("/")[0];
        expect(declared, `${specifier} is imported by ${relative(pkg.installed, file)}`).toContain(
          name,
        );
      }
    },
  );
});
