import { defineConfig } from "vitest/config";

/**
 * `npm run test:integration`: the packed tool installed into temporary
 * projects (npm ci --omit=dev, a Vite dev server and production build, a
 * headless Chromium). Slow, so not part of `npm test`; `.ci/run` runs it.
 * One file at a time: each installs packages and the machine has two cores.
 */
export default defineConfig({
  test: {
    include: ["test/integration/**/*.test.ts"],
    globalSetup: ["test/integration/setup.ts"],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
