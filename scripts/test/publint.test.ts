import { readFileSync } from "node:fs";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { describe, expect, inject, it } from "vitest";

const { packages } = inject("packs");

describe.each(packages)("publint on the $name tarball", (pkg) => {
  it("reports no error or warning (strict), and prints its suggestions", async () => {
    const data = readFileSync(pkg.tarball);
    const tarball = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    const { messages, pkg: manifest } = await publint({ pack: { tarball }, strict: true });
    const text = (type: string) =>
      messages
        .filter((m) => m.type === type)
        .map((m) => `${m.code}: ${formatMessage(m, manifest, { color: false })}`);
    for (const line of text("suggestion")) console.log(`publint ${pkg.name} suggestion: ${line}`);
    expect([...text("error"), ...text("warning")]).toEqual([]);
  });
});
