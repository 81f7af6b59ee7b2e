import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import getReleasePlan from "@changesets/get-release-plan";
import parseChangeset from "@changesets/parse";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { libraryPackages, readJson, repoRoot } from "../lib/workspace.ts";

/**
 * What `changeset version` would do with the pending .changeset/*.md files, computed with
 * the same library the CLI uses, so a release that would go wrong fails here first.
 */
describe("changesets", () => {
  const libraries = libraryPackages();

  it("config: independent versions, internal dependents bumped as patch, no private versions", () => {
    const config = readJson<Record<string, unknown>>(join(repoRoot, ".changeset", "config.json"));
    expect(config.fixed).toEqual([]);
    expect(config.linked).toEqual([]);
    expect(config.updateInternalDependencies).toBe("patch");
    expect(config.access).toBe("public");
    expect(config.baseBranch).toBe("main");
    expect(config.privatePackages).toEqual({ version: false, tag: false });
    // without it, any minor of ndarray would bump autograd, nn and optim major
    expect(config.___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH).toEqual({
      onlyUpdatePeerDependentsWhenOutOfRange: true,
    });
  });

  it("every changeset parses and names library packages", () => {
    const names = new Set(libraries.map((p) => p.name));
    const dir = join(repoRoot, ".changeset");
    const problems: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md")) {
      try {
        const { releases } = parseChangeset(readFileSync(join(dir, file), "utf8"));
        if (releases.length === 0) problems.push(`${file}: names no package`);
        for (const r of releases) {
          if (!names.has(r.name)) problems.push(`${file}: ${r.name} is not a library package`);
        }
      } catch {
        problems.push(`${file}: no "---" frontmatter with "<package>": <bump> lines`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("the release plan takes no 0.x package to 1.0.0 unless a changeset asks for major", async () => {
    const plan = await getReleasePlan(repoRoot);
    const askedMajor = new Set(
      plan.changesets.flatMap((c) =>
        c.releases.filter((r) => r.type === "major").map((r) => r.name),
      ),
    );
    const accidental = plan.releases
      .filter((r) => r.type !== "none" && !askedMajor.has(r.name))
      .filter((r) => semver.major(r.newVersion) > semver.major(r.oldVersion))
      .map((r) => `${r.name} ${r.oldVersion} -> ${r.newVersion}`);
    // changesets bumps a package major when a peer dependency leaves its range. At 0.x a peer
    // range "workspace:^" is ^0.y.z, which the peer's next minor leaves: write peers as
    // "workspace:^0" (published as ^0) so that 0.x minors stay minors.
    expect(accidental, 'accidental majors: write sibling peers as "workspace:^0"').toEqual([]);
  });

  it("every library package is or will be published (a version above 0.0.0 or a pending changeset)", async () => {
    const plan = await getReleasePlan(repoRoot);
    const releasing = new Set(plan.releases.filter((r) => r.type !== "none").map((r) => r.name));
    for (const pkg of libraries) {
      const published = pkg.manifest.version !== "0.0.0" || releasing.has(pkg.name);
      expect(published, `${pkg.name} is at 0.0.0 with no changeset: add .changeset/<name>.md`).toBe(
        true,
      );
    }
  });
});
