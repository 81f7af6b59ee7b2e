// Runs the first ```ts block of a markdown file, so README examples are executed by tests and
// cannot rot. Shared by the packages' readme tests (dev-only; never part of a build).
import { readFileSync } from "node:fs";

/**
 * Runs the first ts block of the markdown file at `url`, resolving its named imports from
 * `modules` (package name → module namespace) and stripping `as Type` assertions, the only
 * TypeScript syntax examples may use. Returns what the block passed to `console.log`.
 */
export function runExample(url: URL, modules: Record<string, Record<string, unknown>>): unknown[] {
  const text = readFileSync(url, "utf8");
  let body = /```ts\n([\s\S]*?)```/.exec(text)?.[1];
  if (!body) throw new Error(`no ts example in ${url.pathname}`);
  const names: string[] = [];
  const values: unknown[] = [];
  for (const [statement, list, from] of body.matchAll(/import \{([^}]*)\} from "([^"]+)";\n/g)) {
    const module = modules[from as string];
    if (!module) throw new Error(`the example imports ${from}, which the test does not provide`);
    for (const name of (list as string).split(",").map((s) => s.trim().replace(/^type /, ""))) {
      if (name === "") continue;
      names.push(name);
      values.push(module[name]);
    }
    body = body.replace(statement, "");
  }
  const javascript = body.replace(/ as [A-Z]\w*(\[\])?/g, "");
  const printed: unknown[] = [];
  const console = { log: (value: unknown) => printed.push(value) };
  new Function("console", ...names, javascript)(console, ...values);
  return printed;
}
