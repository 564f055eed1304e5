#!/usr/bin/env node
// The adgen command: the built dist/cli.js, or, in a clone of the repository
// that has not been built yet, src/cli.ts run through tsx (a dev dependency),
// so that `npm install && npx adgen fixtures/seed.ts` works in the repository.
import { existsSync } from "node:fs";

const built = new URL("../dist/cli.js", import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("../src/cli.ts", import.meta.url).href);
}
