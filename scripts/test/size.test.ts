import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { sizeBudgets } from "../lib/budgets.ts";
import { bundle, kB } from "../lib/bundle.ts";
import { type Manifest, readJson } from "../lib/workspace.ts";

const { installRoot, packages } = inject("packs");
const rows: string[][] = [];

/** Everything a package declares it gets from elsewhere stays out of its size. */
function externals(installed: string): string[] {
  const m = readJson<Manifest>(join(installed, "package.json"));
  return Object.keys({ ...m.dependencies, ...m.peerDependencies, ...m.optionalDependencies });
}

describe("size budgets (whole package, minified + gzip, peers external)", () => {
  afterAll(() => {
    const header = ["package", "minified", "min+gzip", "budget", "used"];
    const table = [header, ...rows];
    const widths = header.map((_, i) => Math.max(...table.map((r) => (r[i] ?? "").length)));
    const line = (r: string[]) =>
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
    console.log(["", ...table.map(line), ""].join("\n"));
  });

  it.each(packages)("$name fits its budget", async (pkg) => {
    const budget = sizeBudgets[pkg.name];
    const whole = await bundle(
      `export * from ${JSON.stringify(pkg.name)};`,
      installRoot,
      externals(pkg.installed),
    );
    rows.push([
      pkg.name,
      kB(whole.minified),
      kB(whole.gzipped),
      budget === undefined ? "none" : kB(budget),
      budget === undefined ? "-" : `${Math.round((100 * whole.gzipped) / budget)}%`,
    ]);
    expect(budget, `${pkg.name} needs a size budget in scripts/lib/budgets.ts`).toBeDefined();
    // Peers are external: nothing from another package's folder is inside the bundle.
    const inlined = Object.keys(whole.metafile.inputs).filter(
      (f) => f.includes("node_modules/") && !f.includes(`node_modules/${pkg.name}/`),
    );
    expect(inlined).toEqual([]);
    expect(whole.gzipped).toBeLessThanOrEqual(budget ?? 0);
  });
});
