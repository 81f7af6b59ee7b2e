import { execFileSync } from "node:child_process";
import { describe, expect, inject, it } from "vitest";

const { installRoot, packages } = inject("packs");

/** The sorted export names of `name` as plain Node sees it from `installRoot`, by import or require. */
function exportNames(name: string, how: "import" | "require"): string[] {
  const load =
    how === "import"
      ? `import(${JSON.stringify(name)})`
      : `Promise.resolve(require(${JSON.stringify(name)}))`;
  const script = `${load}.then((m) => console.log(JSON.stringify(Object.keys(m).filter((k) => k !== "default" && k !== "module.exports").sort())))`;
  const out = execFileSync(process.execPath, ["--input-type=commonjs", "-e", script], {
    cwd: installRoot,
    encoding: "utf8",
  });
  return JSON.parse(out) as string[];
}

describe.each(packages)("$name installed from its tarball", (pkg) => {
  it("loads in Node by import and by require, with the same exports", () => {
    const esm = exportNames(pkg.name, "import");
    const cjs = exportNames(pkg.name, "require");
    expect(esm.length).toBeGreaterThan(0);
    expect(cjs).toEqual(esm);
  });
});

/** Exported classes whose runtime name differs from their export name, as Node loads them. */
function renamedClasses(name: string, how: "import" | "require"): string[] {
  const load =
    how === "import"
      ? `import(${JSON.stringify(name)})`
      : `Promise.resolve(require(${JSON.stringify(name)}))`;
  const script = `${load}.then((m) => console.log(JSON.stringify(Object.entries(m).filter(([k, v]) => typeof v === "function" && /^class\\b/.test(Function.prototype.toString.call(v)) && v.name !== k).map(([k, v]) => k + " is named " + v.name))))`;
  const out = execFileSync(process.execPath, ["--input-type=commonjs", "-e", script], {
    cwd: installRoot,
    encoding: "utf8",
  });
  return JSON.parse(out) as string[];
}

// Class names show in error messages and toDot labels. A bundler renames a class whose name
// another module of the package also uses (an exported Linear became Linear2 this way).
describe.each(packages)("$name keeps its class names in the published build", (pkg) => {
  it.each(["import", "require"] as const)("by %s", (how) => {
    expect(renamedClasses(pkg.name, how)).toEqual([]);
  });
});
