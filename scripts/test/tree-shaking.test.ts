import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { shakeCases } from "../lib/budgets.ts";
import { type Bundle, bundle, kB } from "../lib/bundle.ts";
import { type Manifest, readJson } from "../lib/workspace.ts";

const { installRoot, packages } = inject("packs");

/**
 * What an app pays for one import. Bundles are built from the packed tarballs with esbuild
 * (ESM, minified, platform neutral), peers external, and compared with the whole package.
 * Three kinds of assertion, each of which fails if `sideEffects: false` is lost or if one
 * import drags in the whole package:
 * - a bare `import "pkg"` bundles to zero bytes (without `sideEffects: false` esbuild keeps
 *   every top-level call it cannot prove pure: 4.7 kB for ndarray when measured);
 * - across all exports, the lightest single import is under half the package;
 * - the cases of lib/budgets.ts: a named import must leave out marked code (string
 *   literals that survive minification, first checked to be in the whole bundle) and stay
 *   under a fraction of the package derived from measurement.
 */
describe.each(packages)("tree-shaking $name", (pkg) => {
  const manifest = readJson<Manifest>(join(pkg.installed, "package.json"));
  const external = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
  const from = JSON.stringify(pkg.name);
  let whole: Bundle;
  beforeAll(async () => {
    whole = await bundle(`export * from ${from};`, installRoot, external);
  });

  it("a bare import bundles to nothing", async () => {
    const bare = await bundle(`import ${from};`, installRoot, external);
    expect(bare.code).toBe("");
  });

  it("some single import costs under half the package", async () => {
    const sizes: [string, number][] = [];
    for (const name of whole.exports) {
      const one = await bundle(`export { ${name} } from ${from};`, installRoot, external);
      sizes.push([name, one.gzipped]);
    }
    sizes.sort((a, b) => a[1] - b[1]);
    const [lightest, heaviest] = [sizes[0], sizes[sizes.length - 1]];
    console.log(
      `${pkg.name}: whole ${kB(whole.gzipped)}; ${sizes.length} exports, lightest ${lightest?.[0]} ${kB(lightest?.[1] ?? 0)}, heaviest ${heaviest?.[0]} ${kB(heaviest?.[1] ?? 0)}`,
    );
    expect(lightest?.[1] ?? Number.POSITIVE_INFINITY).toBeLessThan(whole.gzipped / 2);
  });

  const cases = shakeCases[pkg.name] ?? [];
  it.each(cases)("import { $name } leaves out what it does not use", async (c) => {
    expect(whole.exports, `${pkg.name} exports ${c.name}`).toContain(c.name);
    const one = await bundle(`export { ${c.name} } from ${from};`, installRoot, external);
    const fraction = one.gzipped / whole.gzipped;
    console.log(
      `${pkg.name}: import { ${c.name} } ${kB(one.gzipped)} of ${kB(whole.gzipped)} (${Math.round(100 * fraction)}%, limit ${Math.round(100 * c.maxFraction)}%: ${c.why})`,
    );
    for (const marker of c.excludes) {
      expect(whole.code, `marker for ${marker.what} is stale`).toContain(marker.text);
      expect(one.code.includes(marker.text), `import { ${c.name} } pulls in ${marker.what}`).toBe(
        false,
      );
    }
    expect(fraction).toBeLessThanOrEqual(c.maxFraction);
  });
});
