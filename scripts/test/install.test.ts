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
