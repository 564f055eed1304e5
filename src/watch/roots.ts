/** What `adgen --watch` hands to the watcher: the places new and changed inputs can appear, and which paths count. */
import type { Stats } from "node:fs";
import path from "node:path";
import { isDynamicPattern } from "tinyglobby";
import type { Project } from "../cli/project.js";

/**
 * The files and directories to watch: each named file, the directory a glob
 * starts from (`src` for `src/**\/*.ts`), the configuration's `include` bases,
 * or else the tsconfig's directory. Imported files are added as they are found.
 */
export function watchRoots(patterns: string[], project: Project, cwd: string): string[] {
  const { config, dir } = project.config;
  if (patterns.length) return patterns.map((pattern) => globBase(pattern, cwd));
  if (config.include) return config.include.map((pattern) => globBase(pattern, dir));
  return project.tsconfig ? [path.dirname(project.tsconfig)] : [cwd];
}

/** The longest leading part of `pattern` without glob syntax, resolved from `dir`. */
function globBase(pattern: string, dir: string): string {
  const segments = pattern.split("/");
  const stop = segments.findIndex((segment) => isDynamicPattern(segment));
  return path.resolve(dir, stop < 0 ? pattern : segments.slice(0, stop).join("/") || ".");
}

const SKIPPED_DIRECTORIES = new Set(["node_modules", ".git"]);

/** Directories (but node_modules and .git) and TypeScript and JavaScript files, not adgen's own outputs. */
export function isWatched(file: string, stats?: Stats): boolean {
  if (file.split(/[\\/]/).some((part) => SKIPPED_DIRECTORIES.has(part))) return false;
  if (/\.grad\.[mc]?[tj]s$/.test(file)) return false;
  if (!stats || stats.isDirectory()) return true;
  return /\.[mc]?[tj]s$/.test(file);
}
