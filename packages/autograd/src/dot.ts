import { formatShape, type NDArray } from "@zerograd/ndarray";
import type { Function, Variable } from "./internal";

/** Options of `toDot`. */
export interface DotOptions {
  /** Label variables with their shape and dtype too (default false). */
  verbose?: boolean;
}

/**
 * The graph that produced `output` as Graphviz DOT text (render it with `dot -Tpng`):
 * variables as orange ellipses labelled with their names (plus shape and dtype when
 * `verbose`), Functions as light-blue boxes, edges in the direction of the computation.
 */
export function toDot(output: Variable, options: DotOptions = {}): string {
  const verbose = options.verbose ?? false;
  const ids = new Map<object, number>();
  const id = (node: object) => {
    let known = ids.get(node);
    if (known === undefined) {
      known = ids.size + 1;
      ids.set(node, known);
    }
    return known;
  };
  const lines: string[] = [];
  const variable = (v: Variable) => {
    let label = v.name ?? "";
    if (verbose) label = `${label === "" ? "" : `${label}: `}${formatShape(v.shape)} ${v.dtype}`;
    lines.push(`  ${id(v)} [label=${quote(label)}, color=orange, style=filled]`);
  };
  variable(output);
  const pending: Function<NDArray | NDArray[]>[] = [];
  const seen = new Set<Function<NDArray | NDArray[]>>();
  const visit = (f: Function<NDArray | NDArray[]> | null) => {
    if (f === null || seen.has(f)) return;
    seen.add(f);
    pending.push(f);
  };
  visit(output.creator);
  while (pending.length > 0) {
    const f = pending.pop() as Function<NDArray | NDArray[]>;
    lines.push(`  ${id(f)} [label=${quote(f.name)}, color=lightblue, style=filled, shape=box]`);
    for (const x of f.inputs) {
      if (!ids.has(x)) variable(x);
      lines.push(`  ${id(x)} -> ${id(f)}`);
      visit(x.creator);
    }
    for (const y of f.outputs) {
      if (!ids.has(y)) variable(y);
      lines.push(`  ${id(f)} -> ${id(y)}`);
    }
  }
  return `digraph g {\n${lines.join("\n")}\n}\n`;
}

function quote(text: string): string {
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
