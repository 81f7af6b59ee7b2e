import { readFileSync } from "node:fs";
import { checkPackage, createPackageFromTarballData } from "@arethetypeswrong/core";
import { describe, expect, inject, it } from "vitest";

const { packages } = inject("packs");

/**
 * Are the types wrong, on the packed tarball. The "node16" profile of the attw CLI: every
 * resolution mode except node10 (TypeScript's pre-exports `moduleResolution: node`, which
 * ignores `exports`), i.e. Node's `import` and `require` and bundlers.
 */
const modes = ["node16-esm", "node16-cjs", "bundler"] as const;
const expected = {
  "node16-esm": { types: "/dist/index.d.ts", js: "/dist/index.js" },
  "node16-cjs": { types: "/dist/index.d.cts", js: "/dist/index.cjs" },
  bundler: { types: "/dist/index.d.ts", js: "/dist/index.js" },
};

describe.each(packages)("attw on the $name tarball", (pkg) => {
  it("finds no problem for node16 (ESM and CJS) and bundlers; each resolves to its own build and types", async () => {
    const analysis = await checkPackage(createPackageFromTarballData(readFileSync(pkg.tarball)));
    if (analysis.types === false) throw new Error(`attw: ${pkg.name} ships no types`);
    const problems = analysis.problems.filter(
      (p) => !("resolutionKind" in p) || p.resolutionKind !== "node10",
    );
    expect(problems).toEqual([]);
    const root = analysis.entrypoints["."];
    expect(root, 'the "." entrypoint').toBeDefined();
    for (const mode of modes) {
      const resolution = root?.resolutions[mode];
      expect(resolution?.resolution?.fileName, `${mode} types`).toMatch(expected[mode].types);
      expect(resolution?.implementationResolution?.fileName, `${mode} code`).toMatch(
        expected[mode].js,
      );
    }
  });
});
