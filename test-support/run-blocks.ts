// Runs every ```ts block of a markdown file, so a guide's code is executed by tests and cannot
// rot. Unlike run-example.ts (a README's first block, `as Type` only), the blocks may use any
// TypeScript syntax: they are transpiled by the TypeScript compiler. Dev-only; never built.
import { readFileSync } from "node:fs";
import ts from "typescript";

/** One ```ts block: its code and the line of the markdown file its code starts on. */
export interface CodeBlock {
  code: string;
  line: number;
}

/** Every ```ts block of a markdown text, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (const match of markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const line = markdown.slice(0, match.index).split("\n").length + 1;
    blocks.push({ code: match[1] as string, line });
  }
  return blocks;
}

/**
 * Runs the ts blocks of the markdown file at `url` in order, in one shared scope (a later block
 * may use what an earlier one declared, as a reader running them in one file would), and
 * returns, per block, what it passed to `console.log`: one entry per call, the value itself for
 * one argument, an array of the arguments for several.
 *
 * Import declarations are resolved from `modules` (package name → module namespace): named
 * imports (with `as` renames), `import * as`, and type-only imports, which bind nothing. A name
 * imported twice with different values is an error, since one scope cannot hold both. A block
 * that throws is reported with its file, line and number.
 */
export function runBlocks(url: URL, modules: Record<string, Record<string, unknown>>): unknown[][] {
  return runMarkdown(readFileSync(url, "utf8"), modules, url.pathname);
}

/** `runBlocks` on markdown text; `name` stands for the file in error messages. */
export function runMarkdown(
  markdown: string,
  modules: Record<string, Record<string, unknown>>,
  name: string,
): unknown[][] {
  const blocks = codeBlocks(markdown);
  if (blocks.length === 0) throw new Error(`no ts block in ${name}`);
  const bindings = new Map<string, unknown>();
  const bodies = blocks.map((block, index) => {
    const where = `${name}:${block.line} (block ${index + 1})`;
    const { code, imports } = splitImports(block.code, where);
    for (const { local, exported, from } of imports) {
      const module = modules[from];
      if (!module) throw new Error(`${where} imports ${from}, which the test does not provide`);
      const value = exported === "*" ? module : module[exported];
      if (value === undefined) throw new Error(`${where}: ${from} has no export ${exported}`);
      if (bindings.has(local) && bindings.get(local) !== value) {
        throw new Error(`${where} imports a different ${local} than an earlier block`);
      }
      bindings.set(local, value);
    }
    return code;
  });

  const printed: unknown[][] = blocks.map(() => []);
  let current = 0;
  const console = {
    log: (...values: unknown[]) => {
      printed[current]?.push(values.length === 1 ? values[0] : values);
    },
  };
  const enter = (index: number) => {
    current = index;
  };
  const source = bodies.map((code, index) => `__enterBlock(${index});\n${code}`).join("\n");
  const names = [...bindings.keys()];
  try {
    new Function("console", "__enterBlock", ...names, source)(
      console,
      enter,
      ...names.map((name) => bindings.get(name)),
    );
  } catch (error) {
    const block = blocks[current] as CodeBlock;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new Error(`${name}:${block.line} (block ${current + 1}) threw ${message}`, {
      cause: error,
    });
  }
  return printed;
}

interface Import {
  local: string;
  exported: string;
  from: string;
}

/** A block's import declarations, and the rest of its code transpiled to JavaScript. */
function splitImports(code: string, where: string): { code: string; imports: Import[] } {
  const file = ts.createSourceFile("block.ts", code, ts.ScriptTarget.ES2022, true);
  const imports: Import[] = [];
  let rest = "";
  let position = 0;
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const from = (statement.moduleSpecifier as ts.StringLiteral).text;
    const clause = statement.importClause;
    if (clause?.name) throw new Error(`${where}: default imports are not supported`);
    const bound = clause?.namedBindings;
    if (clause && !clause.isTypeOnly && bound && ts.isNamespaceImport(bound)) {
      imports.push({ local: bound.name.text, exported: "*", from });
    } else if (clause && !clause.isTypeOnly && bound && ts.isNamedImports(bound)) {
      for (const element of bound.elements) {
        if (element.isTypeOnly) continue;
        const exported = (element.propertyName ?? element.name).text;
        imports.push({ local: element.name.text, exported, from });
      }
    }
    rest += code.slice(position, statement.getStart());
    position = statement.getEnd();
  }
  rest += code.slice(position);
  const javascript = ts.transpileModule(rest, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    reportDiagnostics: true,
  });
  const problem = javascript.diagnostics?.[0];
  if (problem) {
    const text = ts.flattenDiagnosticMessageText(problem.messageText, "\n");
    throw new Error(`${where}: ${text}`);
  }
  return { code: javascript.outputText, imports };
}

/**
 * Type-checks the ts blocks of each markdown file as one TypeScript module (the blocks of a
 * file share a scope, as when they run), with the compiler options of `tsconfig` and module
 * resolution from the folder of `tsconfig`. Returns the problems as `file:line: message`
 * lines, with the markdown file's own line numbers; empty when everything checks.
 */
export function typecheckBlocks(urls: readonly URL[], tsconfig: URL): string[] {
  const configPath = tsconfig.pathname;
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (!config) throw new Error(`cannot read ${configPath}`);
  const folder = configPath.slice(0, configPath.lastIndexOf("/"));
  // One virtual module per markdown file, beside the tsconfig so imports resolve as the
  // tests' do; every line outside a ts block is blank, so line numbers are the markdown's.
  const virtual = new Map<string, { source: string; markdown: string }>();
  for (const url of urls) {
    const markdown = readFileSync(url, "utf8");
    const lines = markdown.split("\n").map(() => "");
    for (const block of codeBlocks(markdown)) {
      block.code.split("\n").forEach((line, i) => {
        lines[block.line - 1 + i] = line;
      });
    }
    const name = `${folder}/${url.pathname.split("/").pop()}.ts`;
    virtual.set(name, { source: `${lines.join("\n")}\nexport {};\n`, markdown: url.pathname });
  }
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, shouldCreate) => {
    const file = virtual.get(fileName);
    if (file) return ts.createSourceFile(fileName, file.source, language);
    return getSourceFile(fileName, language, onError, shouldCreate);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => virtual.has(fileName) || fileExists(fileName);
  const program = ts.createProgram([...virtual.keys()], config.options, host);
  const problems: string[] = [];
  for (const [fileName, { markdown }] of virtual) {
    const sourceFile = program.getSourceFile(fileName) as ts.SourceFile;
    const diagnostics = [
      ...program.getSyntacticDiagnostics(sourceFile),
      ...program.getSemanticDiagnostics(sourceFile),
    ];
    for (const d of diagnostics) {
      const line =
        d.start === undefined ? 0 : sourceFile.getLineAndCharacterOfPosition(d.start).line;
      problems.push(
        `${markdown}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`,
      );
    }
  }
  return problems;
}
