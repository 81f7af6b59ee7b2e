import { describe, expect, it } from "vitest";
import { resample, terminalChart } from "../src/charts";
import { digitArt } from "../src/digit-art";

describe("resample", () => {
  it("averages buckets when longer and repeats values when shorter", () => {
    expect(resample([1, 3, 5, 7], 2)).toEqual([2, 6]);
    expect(resample([1, 2], 4)).toEqual([1, 1, 2, 2]);
    expect(resample([], 5)).toEqual([]);
  });
});

describe("terminalChart", () => {
  it("draws a titled chart of the requested size", () => {
    const chart = terminalChart("loss", [3, 2, 1.5, 1, 0.8], { height: 4, width: 20 });
    const lines = chart.split("\n");
    expect(lines[0]).toBe("loss");
    expect(lines).toHaveLength(1 + 5);
    expect(lines[1]).toContain("3.00");
    expect(lines.at(-1)).toContain("0.80");
  });
});

describe("digitArt", () => {
  const square = new Float32Array(784);
  for (let y = 10; y < 14; y++) for (let x = 12; x < 16; x++) square[y * 28 + x] = (x - 11) / 4;

  it("draws one shade character per pixel, trimmed, under the caption", () => {
    const art = digitArt([{ pixels: square, caption: "p 1, t 2" }]).split("\n");
    expect(art[0]).toBe("p 1, t 2");
    expect(art.slice(1)).toEqual(Array(4).fill(" ░▒▓█"));
  });

  it("puts digits side by side while they fit, and wraps after", () => {
    const digits = Array.from({ length: 3 }, (_, i) => ({ pixels: square, caption: `digit ${i}` }));
    const wide = digitArt(digits, 100).split("\n");
    expect(wide[0]).toBe("digit 0   digit 1   digit 2");
    expect(wide).toHaveLength(5);
    const narrow = digitArt(digits, 20).split("\n");
    expect(narrow[0]).toBe("digit 0   digit 1");
    expect(narrow[6]).toBe("digit 2");
    expect(narrow).toHaveLength(5 + 1 + 5);
  });
});
