import { defineConfig } from "vitest/config";

/**
 * `npm test`: everything under test/ except the slow tests that install the
 * packed tool into temporary projects and drive a browser
 * (`npm run test:integration`, vitest.integration.config.ts).
 */
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/integration/**", "**/node_modules/**"],
    // dist/ is built once before any test: the CLI tests run it, and fixtures import adgen/runtime from it.
    globalSetup: ["test/build/build-dist.ts"],
  },
});
