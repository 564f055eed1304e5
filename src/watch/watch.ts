/**
 * `adgen --watch`: one run, then a regeneration of the inputs a change
 * touches (an input itself, or a file it imports, directly or not), one line
 * each with the clock time, what happened and how long it took; diagnostics
 * are printed and the watch goes on. New files a glob or `include` matches
 * are compiled when they appear. chokidar watches the files (the watcher
 * most Node tools use: it smooths over the platforms' file events).
 */
import path from "node:path";
import { type FSWatcher, watch as chokidarWatch } from "chokidar";
import { ConfigError } from "../config/tsconfig.js";
import { UsageError } from "../cli/exit.js";
import { displayPath, plural } from "../cli/format.js";
import type { Input } from "../cli/inputs.js";
import type { CliIo } from "../cli/io.js";
import { Log, type LogLevel, shows } from "../cli/log.js";
import { type Project, projectInputs } from "../cli/project.js";
import { ErrorReport } from "../cli/report.js";
import { generateAndWrite, logWritten, type RunOptions } from "../cli/run.js";
import { isWatched, watchRoots } from "./roots.js";

export interface Watching {
  /** Resolves when the first run is done and the watcher is ready. */
  ready: Promise<void>;
  /** Stops watching (after the regeneration under way, if any). */
  close(): Promise<void>;
}

/** How long to wait for more changes before regenerating: editors save in several steps. */
const SETTLE_MS = 50;

export function watch(patterns: string[], project: Project, io: CliIo, options: RunOptions): Watching {
  const loop = new WatchLoop(patterns, project, io, options);
  return { ready: loop.start(), close: () => loop.close() };
}

class WatchLoop {
  private inputs: Input[] = [];
  /** Per input, the project files it imports. */
  private readonly imports = new Map<string, string[]>();
  /** Inputs whose last regeneration reported errors: retried when a file appears. */
  private readonly failing = new Set<string>();
  private readonly changed = new Set<string>();
  private added = false;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly log: Log;

  constructor(
    private readonly patterns: string[],
    private readonly project: Project,
    private readonly io: CliIo,
    private readonly options: RunOptions,
  ) {
    this.log = new Log(io, options.logLevel);
  }

  async start(): Promise<void> {
    this.inputs = await projectInputs(this.patterns, this.project, this.io.cwd);
    const started = Date.now();
    await this.regenerate(this.inputs, "first");
    const roots = [...watchRoots(this.patterns, this.project, this.io.cwd), ...this.importedFiles()];
    this.watcher = chokidarWatch(roots, { ignoreInitial: true, ignored: (file, stats) => !isWatched(file, stats) });
    this.watcher.on("all", (event, file) => this.onEvent(event, path.resolve(file)));
    await new Promise<void>((resolve) => this.watcher!.once("ready", () => resolve()));
    this.log.log(`${clock()} watching ${plural(this.inputs.length, "file")} for changes (first run ${elapsed(started)}); press Ctrl-C to stop`);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.watcher?.close();
    await this.running;
  }

  private onEvent(event: string, file: string): void {
    if (event === "addDir" || event === "unlinkDir") return;
    this.changed.add(file);
    if (event === "add" || event === "unlink") this.added = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.running.then(() => this.round());
    }, SETTLE_MS);
  }

  /** Regenerates what the changes since the last round touch. */
  private async round(): Promise<void> {
    if (this.closed || this.changed.size === 0) return;
    const changed = new Set(this.changed);
    const added = this.added;
    this.changed.clear();
    this.added = false;
    const before = new Set(this.inputs.map((input) => input.path));
    try {
      if (added) this.inputs = await projectInputs(this.patterns, this.project, this.io.cwd);
    } catch (error) {
      if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
      this.log.error(`${clock()} adgen: error: ${error.message}\n`);
      return;
    }
    const affected = this.inputs.filter(
      (input) => !before.has(input.path) || changed.has(input.path) || (added && this.failing.has(input.path)) || (this.imports.get(input.path) ?? []).some((file) => changed.has(file)),
    );
    if (affected.length) await this.regenerate(affected, "again");
  }

  /** One generation and write of `inputs`, reported as a run reports it the first time and in one line afterwards. */
  private async regenerate(inputs: Input[], turn: "first" | "again"): Promise<void> {
    const started = Date.now();
    const report = new ErrorReport(this.io, this.options);
    const options = turn === "first" ? this.options : { ...this.options, logLevel: quieter(this.options.logLevel) };
    let summary: string;
    try {
      const { result, written } = await generateAndWrite(inputs, report, this.io, options);
      if (turn === "first") logWritten(written, this.log, this.io);
      for (const { sourcePath, files } of result.imports ?? []) this.imports.set(sourcePath, files);
      this.watcher?.add(this.importedFiles());
      const done = new Set([...result.skipped, ...written.filter((w) => w.status === "wrote" || w.status === "unchanged").map((w) => w.sourcePath)]);
      for (const input of inputs) {
        if (done.has(input.path)) this.failing.delete(input.path);
        else this.failing.add(input.path);
      }
      summary = describeRound(written.map((w) => `${w.status === "error" ? "could not write" : w.status} ${displayPath(w.outputPath, this.io.cwd)}`), report.count);
    } catch (error) {
      if (turn === "first") throw error;
      // An internal error: reported, and the watch goes on (the next change may not meet it).
      summary = `internal error: ${(error as Error).message}; this is a bug in adgen, please report it`;
    }
    if (turn === "first") report.finish();
    else this.log.log(`${clock()} ${summary} (${elapsed(started)})`);
  }

  private importedFiles(): string[] {
    return [...new Set([...this.imports.values()].flat())];
  }
}

/** After the first run, the per-file lines give way to one line per regeneration. */
function quieter(level: LogLevel = "log"): LogLevel {
  return shows(level, "warn") ? "warn" : level;
}

/** `wrote a.grad.ts, unchanged b.grad.ts; 2 errors`. */
function describeRound(files: string[], errors: number): string {
  const parts = [...(files.length ? [files.join(", ")] : []), ...(errors ? [plural(errors, "error")] : [])];
  return parts.join("; ") || "nothing to write";
}

/** `[14:03:27]`, local time. */
function clock(now = new Date()): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `[${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}]`;
}

function elapsed(since: number): string {
  const ms = Date.now() - since;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
