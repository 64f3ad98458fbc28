/**
 * The on-disk cache, in `.pylint-perf-cache/` at the project root (it holds its own `.gitignore`).
 *
 * - Facts, per Python file, keyed by the file's content, path and module identity. A changed file
 *   misses; the others are read back instead of parsed.
 * - Findings, per run, keyed by every input of the run (the content keys of all files, the
 *   deployment files, configuration, selected rules, import-time data): when nothing changed, the
 *   previous run's findings are returned without loading any facts.
 *
 * Every key also includes the engine's own fingerprint (a hash of the analyser's compiled code), so
 * a new version, or a local change while developing, never reads stale entries. Writes go to a
 * temporary file renamed into place: concurrent runs never see half an entry.
 */

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CACHE_DIR = '.pylint-perf-cache';

let fingerprint: string | undefined;

/**
 * A hash of the analyser's code: every compiled file of the package (everything under `dist/`, or
 * `src/` when run from source), by relative path and content, so no move or new file can leave a
 * stale key behind.
 */
export function engineFingerprint(): string {
  fingerprint ??= codeFingerprint(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
  return fingerprint;
}

/** The hash behind `engineFingerprint`: every code file below `codeRoot`, by relative path and content. */
export function codeFingerprint(codeRoot: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else if (/\.(js|ts|json|wasm)$/.test(entry.name)) {
        hash.update(path.relative(codeRoot, abs));
        hash.update('\0');
        hash.update(readFileSync(abs));
      }
    }
  };
  walk(codeRoot);
  return hash.digest('hex').slice(0, 16);
}

export function contentKey(...parts: (string | number | boolean)[]): string {
  const hash = createHash('sha256');
  for (const p of parts) {
    hash.update(String(p));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export class Cache {
  private readonly base: string;
  private prepared = false;
  hits = 0;
  misses = 0;

  constructor(readonly root: string) {
    this.base = path.join(root, CACHE_DIR, engineFingerprint());
  }

  private prepare(): void {
    if (this.prepared) return;
    this.prepared = true;
    const top = path.join(this.root, CACHE_DIR);
    mkdirSync(this.base, { recursive: true });
    if (!existsSync(path.join(top, '.gitignore'))) writeAtomic(path.join(top, '.gitignore'), '# created by pylint-perf\n*\n');
    if (!existsSync(path.join(top, 'CACHEDIR.TAG'))) writeAtomic(path.join(top, 'CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n# pylint-perf cache; see https://bford.info/cachedir/\n');
    // Entries of other engine versions are dead weight.
    for (const name of readdirSync(top)) {
      if (/^[0-9a-f]{16}$/.test(name) && path.join(top, name) !== this.base) rmSync(path.join(top, name), { recursive: true, force: true });
    }
  }

  private file(kind: 'facts' | 'runs', key: string): string {
    return kind === 'runs' ? path.join(this.base, kind, `${key}.json`) : path.join(this.base, kind, key.slice(0, 2), `${key}.json`);
  }

  /**
   * Keeps the cache from growing without bound as files change: the newest `runs` entries only,
   * and, once there are more than twice as many facts as the project has files, only the facts of
   * the current contents.
   */
  prune(currentFacts: ReadonlySet<string>, keepRuns = 16): void {
    try {
      const runs = path.join(this.base, 'runs');
      if (existsSync(runs)) {
        const entries = readdirSync(runs)
          .filter((f) => f.endsWith('.json'))
          .map((f) => ({ f, t: statSync(path.join(runs, f)).mtimeMs }))
          .sort((a, b) => b.t - a.t);
        for (const e of entries.slice(keepRuns)) rmSync(path.join(runs, e.f), { force: true });
      }
      const facts = path.join(this.base, 'facts');
      if (!existsSync(facts)) return;
      const files: string[] = [];
      for (const dir of readdirSync(facts)) for (const f of readdirSync(path.join(facts, dir))) files.push(path.join(facts, dir, f));
      if (files.length <= 2 * Math.max(currentFacts.size, 64)) return;
      for (const f of files) if (!currentFacts.has(path.basename(f, '.json'))) rmSync(f, { force: true });
    } catch {
      // Another run pruning at the same time, or a read-only cache: nothing to do.
    }
  }

  get<T>(kind: 'facts' | 'runs', key: string): T | undefined {
    try {
      const value = JSON.parse(readFileSync(this.file(kind, key), 'utf8')) as T;
      this.hits++;
      return value;
    } catch {
      this.misses++;
      return undefined;
    }
  }

  /** Stores `value`; a string is taken to be the value's JSON text already. */
  set(kind: 'facts' | 'runs', key: string, value: unknown): void {
    try {
      this.prepare();
      const file = this.file(kind, key);
      mkdirSync(path.dirname(file), { recursive: true });
      writeAtomic(file, typeof value === 'string' ? value : JSON.stringify(value));
    } catch {
      // A read-only checkout or a full disk: the cache is an optimisation, never an error.
    }
  }
}

function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** `pylint-perf cache clean`: removes the cache directory of a project. */
export function cleanCache(root: string): boolean {
  const dir = path.join(root, CACHE_DIR);
  if (!existsSync(dir)) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}
