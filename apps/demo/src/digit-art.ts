import { IMAGE_SIZE } from "./mnist-data";

/** Shades from background to full ink. */
const SHADES = [" ", "░", "▒", "▓", "█"];

/** A 28 × 28 image with a caption. */
export interface CaptionedDigit {
  /** 784 pixel values in [0, 1], row-major. */
  pixels: ArrayLike<number>;
  caption: string;
}

/**
 * Draws digits as text art, side by side while they fit in `maxWidth` columns, under their
 * captions, one shade character per pixel (from blank to █ in four steps). Blank rows are
 * trimmed across a row of digits, blank columns per digit (one column of margin kept).
 */
export function digitArt(digits: readonly CaptionedDigit[], maxWidth = 100): string {
  const blocks = digits.map((digit) => drawDigit(digit));
  const gap = "   ";
  const rows: string[] = [];
  let group: DigitDrawing[] = [];
  const flush = () => {
    if (group.length === 0) return;
    const top = Math.min(...group.map((d) => d.top));
    const bottom = Math.max(...group.map((d) => d.bottom));
    if (rows.length > 0) rows.push("");
    rows.push(
      group
        .map((d) => d.caption.padEnd(d.width))
        .join(gap)
        .trimEnd(),
    );
    for (let y = top; y <= bottom; y++) {
      rows.push(
        group
          .map((d) => d.lines[y] as string)
          .join(gap)
          .trimEnd(),
      );
    }
    group = [];
  };
  let width = 0;
  for (const block of blocks) {
    const added = (group.length > 0 ? gap.length : 0) + block.width;
    if (group.length > 0 && width + added > maxWidth) {
      flush();
      width = 0;
    }
    width += group.length > 0 ? gap.length + block.width : block.width;
    group.push(block);
  }
  flush();
  return rows.join("\n");
}

interface DigitDrawing {
  caption: string;
  /** One string per image row, all `width` characters. */
  lines: string[];
  /** The first and last rows with ink. */
  top: number;
  bottom: number;
  width: number;
}

function drawDigit({ pixels, caption }: CaptionedDigit): DigitDrawing {
  const ink = (x: number, y: number) => (pixels[y * IMAGE_SIZE + x] as number) > 0;
  let left = IMAGE_SIZE;
  let right = -1;
  let top = IMAGE_SIZE;
  let bottom = -1;
  for (let y = 0; y < IMAGE_SIZE; y++) {
    for (let x = 0; x < IMAGE_SIZE; x++) {
      if (!ink(x, y)) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  if (right < 0) [left, right, top, bottom] = [0, IMAGE_SIZE - 1, 0, IMAGE_SIZE - 1];
  left = Math.max(0, left - 1);
  right = Math.min(IMAGE_SIZE - 1, right + 1);
  const lines: string[] = [];
  for (let y = 0; y < IMAGE_SIZE; y++) {
    let line = "";
    for (let x = left; x <= right; x++) {
      const value = Math.min(1, Math.max(0, pixels[y * IMAGE_SIZE + x] as number));
      line += SHADES[Math.ceil(value * (SHADES.length - 1))] as string;
    }
    lines.push(line);
  }
  const width = Math.max(right - left + 1, caption.length);
  return {
    caption,
    lines: lines.map((line) => line.padEnd(width)),
    top,
    bottom,
    width,
  };
}
