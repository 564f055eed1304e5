/** Checks a loaded configuration against AdgenConfig, naming the file and the field that is wrong. */
import type { AdgenConfig } from "./index.js";
import { ConfigError } from "./tsconfig.js";
import { derivativeKinds, isDerivativeKind } from "./derivatives.js";

const FIELDS = ["include", "exclude", "prettier", "tsconfig", "derivatives"];

export function validateConfig(value: unknown, file: string): AdgenConfig {
  const fail = (message: string): never => {
    throw new ConfigError(`${file}: ${message}`);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("the configuration must be an object");
  const config = value as Record<string, unknown>;
  const unknown = Object.keys(config).filter((key) => !FIELDS.includes(key));
  if (unknown.length) fail(`unknown field${unknown.length === 1 ? "" : "s"} ${unknown.map((key) => `'${key}'`).join(", ")}; adgen knows ${FIELDS.join(", ")}`);
  for (const key of ["include", "exclude"]) {
    const globs = config[key];
    if (globs !== undefined && !(Array.isArray(globs) && globs.every((g) => typeof g === "string"))) fail(`'${key}' must be an array of globs`);
  }
  const prettier = config.prettier;
  if (prettier !== undefined && prettier !== "project" && prettier !== "defaults" && (typeof prettier !== "object" || prettier === null || Array.isArray(prettier))) {
    fail(`'prettier' must be "project", "defaults" or an object of prettier options`);
  }
  const tsconfig = config.tsconfig;
  if (tsconfig !== undefined && tsconfig !== false && typeof tsconfig !== "string") fail("'tsconfig' must be a path or false");
  const derivatives = config.derivatives;
  if (derivatives !== undefined && !(Array.isArray(derivatives) && derivatives.length > 0 && derivatives.every((d) => typeof d === "string" && isDerivativeKind(d)))) {
    fail(`'derivatives' must be a list of ${derivativeKinds.map((k) => `"${k}"`).join(", ")}`);
  }
  return config as AdgenConfig;
}
