import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// The browser test builds the site with Vite, serves it and drives headless Chromium: slow on
// a shared two-core machine, so the hooks get minutes (the limits only catch hangs).
export default mergeConfig(
  shared,
  defineConfig({
    test: { include: ["test/**/*.test.ts"], testTimeout: 240_000, hookTimeout: 240_000 },
  }),
);
