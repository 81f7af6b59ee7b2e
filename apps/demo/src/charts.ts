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
 * of 10 epochs and one of 1,000 steps have the same size. Values that are not finite (the
 * loss of a diverged run) cannot be drawn: they are left out, and the title says how many.
 * Axis labels switch to exponents when the values reach a million.
 */
export function terminalChart(
  title: string,
  values: readonly number[],
  options: TerminalChartOptions = {},
): string {
  const { height = 8, width = 60, decimals = 2 } = options;
  const finite = values.filter((value) => Number.isFinite(value));
  const skipped = values.length - finite.length;
  const heading =
    skipped === 0 ? title : `${title} [${skipped} of ${values.length} not finite, left out]`;
  if (finite.length === 0) return [heading, "(no finite values to draw)"].join("\n");
  const points = resample(finite, width);
  const chart = plot(points, { height, format: axisLabels(points, decimals) });
  const lines = chart.split("\n").map((line) => line.trimEnd());
  return [heading, ...lines].join("\n");
}

/**
 * The label format of a chart of `points`: fixed decimals, or exponents from a million on,
 * padded to one width (asciichart aligns the axis only when every label has the same length).
 */
function axisLabels(points: readonly number[], decimals: number): (y: number) => string {
  const largest = points.reduce((max, y) => Math.max(max, Math.abs(y)), 0);
  if (largest >= 1e6) {
    // sign, digit, point, decimals, "e", sign, up to 3 digits
    return (y) => y.toExponential(decimals).padStart(decimals + 8);
  }
  const ends = [Math.min(...points), Math.max(...points)];
  const width = Math.max(8, ...ends.map((y) => y.toFixed(decimals).length));
  return (y) => y.toFixed(decimals).padStart(width);
}

/**
 * `values` as `width` points: means of equal buckets, or each value repeated. Means of huge
 * values (up to Number.MAX_VALUE) do not overflow.
 */
export function resample(values: readonly number[], width: number): number[] {
  if (values.length === 0) return [];
  const points: number[] = [];
  for (let i = 0; i < width; i++) {
    const start = Math.floor((i * values.length) / width);
    const end = Math.max(start + 1, Math.floor(((i + 1) * values.length) / width));
    const count = end - start;
    let total = 0;
    for (let k = start; k < end; k++) total += values[k] as number;
    if (!Number.isFinite(total)) {
      // the sum overflowed: add the shares instead
      total = 0;
      for (let k = start; k < end; k++) total += (values[k] as number) / count;
      points.push(total);
    } else {
      points.push(total / count);
    }
  }
  return points;
}

/**
 * A value for a Vega-Lite line: itself when finite, else null, which breaks the line there
 * (Vega draws NaN as a gap too, but an infinity would wreck the scale).
 */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
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
