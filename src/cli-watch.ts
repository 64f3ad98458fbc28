/**
 * `pylint-perf check --watch`: the full report once, then, after each change under the project
 * (debounced), only what changed — findings that appeared (`+`) and findings that went away (`-`)
 * — and the new total. One process keeps the parser, the file texts and the facts between runs
 * (run/session.ts), so a change re-parses the changed files only. Ctrl-C (SIGINT) or SIGTERM stops
 * it with exit 0.
 */

import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Diagnostic } from './core/diagnostics.js';
import { displayPath } from './core/paths.js';
import { PythonParser } from './read/python/parser.js';
import { ConfigError } from './run/config.js';
import { runCheck, type CheckOptions, type CheckResult } from './run/runner.js';
import { RunSession } from './run/session.js';

export interface WatchIO {
  cwd: string;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/** Folders whose changes are never the project's code. */
const IGNORED = /(^|[/\\])(\.git|node_modules|\.pylint-perf-cache|__pycache__|\.venv|venv|\.mypy_cache|\.ruff_cache|\.pytest_cache)([/\\]|$)/;

const DEBOUNCE_MS = 200;

/** A finding's identity across runs: where, which rule, what it says. */
const identity = (d: Diagnostic): string => `${d.path}\0${d.range.line}\0${d.range.column}\0${d.code}\0${d.message}`;

function oneLine(d: Diagnostic, cwd: string): string {
  return `${displayPath(d.path, cwd)}:${d.range.line}:${d.range.column}: ${d.code} [${d.rule}] ${d.message}`;
}

const clock = (): string => new Date().toTimeString().slice(0, 8);

export async function watchChecks(options: CheckOptions, io: WatchIO, firstReport: (result: CheckResult) => Promise<string>, signal?: AbortSignal): Promise<number> {
  const parser = await PythonParser.create();
  const session = new RunSession();
  const run = (): Promise<CheckResult> => runCheck({ ...options, parser, session });
  let previous: CheckResult | undefined;
  try {
    previous = await run();
    io.stdout.write(await firstReport(previous));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`pylint-perf: ${error.message}\n`);
  }
  const root = previous ? previous.workTree : options.cwd;
  const watched = (options.paths.length > 0 ? options.paths : ['.']).map((p) => path.resolve(options.cwd, p));
  io.stderr.write(`Watching ${watched.map((p) => path.relative(options.cwd, p) || '.').join(', ')} for changes (Ctrl-C to stop).\n`);
  const watcher: FSWatcher = watch(watched, { ignored: (p: string) => IGNORED.test(path.relative(root, p)), ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 10 } });

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const changed = new Set<string>();
  const recheck = async (): Promise<void> => {
    const files = [...changed].map((f) => displayPath(f, options.cwd));
    changed.clear();
    try {
      const result = await run();
      io.stdout.write(difference(previous, result, files, options.cwd));
      previous = result;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.stderr.write(`[${clock()}] pylint-perf: ${error.message}\n`);
    }
  };
  const start = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = recheck().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        start();
      }
    });
  };
  watcher.on('all', (event, file) => {
    if (event === 'add' || event === 'unlink' || event === 'addDir' || event === 'unlinkDir') session.filesChanged();
    changed.add(file);
    clearTimeout(timer);
    timer = setTimeout(start, DEBOUNCE_MS);
  });
  await new Promise<void>((resolve) => watcher.on('ready', () => resolve()));
  io.stderr.write('Ready.\n');

  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  clearTimeout(timer);
  await watcher.close();
  await running;
  parser.dispose();
  return 0;
}

/** `+` new findings, `-` gone ones, and the new total; a line saying nothing changed otherwise. */
export function difference(before: CheckResult | undefined, after: CheckResult, files: string[], cwd: string): string {
  const old = new Map((before?.diagnostics ?? []).map((d) => [identity(d), d]));
  const now = new Map(after.diagnostics.map((d) => [identity(d), d]));
  const added = [...now].filter(([k]) => !old.has(k)).map(([, d]) => d);
  const gone = [...old].filter(([k]) => !now.has(k)).map(([, d]) => d);
  const what = files.length === 0 ? 'files changed' : files.length === 1 ? `${files[0]} changed` : `${files.length} files changed`;
  const total = after.diagnostics.length;
  const summary = added.length + gone.length === 0 ? 'no change in the findings' : `${added.length} new, ${gone.length} gone`;
  const out = [`[${clock()}] ${what}: ${summary} (${total} problem${total === 1 ? '' : 's'} now)`];
  for (const d of added) out.push(`+ ${oneLine(d, cwd)}`);
  for (const d of gone) out.push(`- ${oneLine(d, cwd)}`);
  return `${out.join('\n')}\n`;
}
