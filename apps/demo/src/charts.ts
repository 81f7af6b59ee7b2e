import { plot } from "asciichart";
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** Options of `terminalChart`. */
export interface TerminalChartOptions {
  /** Rows of the plot (default 8). */
  height?: number;
  /** Columns of the plot: the series is resampled to this many points (default 60). */
  width?: number;
  /** Decimals of the y-axis labels (default 2). */
  decimals?: number;
}

/**
 * A line chart of `values` drawn with box characters by asciichart, under a `title` line,
 * resampled to `width` columns (bucket means when longer, stretched when shorter), so a chart
 * of 10 epochs and one of 1,000 steps have the same size.
 */
export function terminalChart(
  title: string,
  values: readonly number[],
  options: TerminalChartOptions = {},
): string {
  const { height = 8, width = 60, decimals = 2 } = options;
  const points = resample(values, width);
  const chart = plot(points, {
    height,
    format: (y: number) => y.toFixed(decimals).padStart(8),
  });
  const lines = chart.split("\n").map((line) => line.trimEnd());
  return [title, ...lines].join("\n");
}

/** `values` as `width` points: means of equal buckets, or each value repeated. */
export function resample(values: readonly number[], width: number): number[] {
  if (values.length === 0) return [];
  const points: number[] = [];
  for (let i = 0; i < width; i++) {
    const start = Math.floor((i * values.length) / width);
    const end = Math.max(start + 1, Math.floor(((i + 1) * values.length) / width));
    let total = 0;
    for (let k = start; k < end; k++) total += values[k] as number;
    points.push(total / (end - start));
  }
  return points;
}

/**
 * Renders a Vega-Lite spec to SVG text, headless and offline: compiled to Vega, run by a
 * Vega View without a renderer, serialised with `toSVG`.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
