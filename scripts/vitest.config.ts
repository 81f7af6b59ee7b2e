import { defineConfig } from "vitest/config";

// The release checks run on packed tarballs (see global-setup.ts), never on sources, so this
// config does not use the @zerograd/source condition of vitest.shared.ts.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["./global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
