/**
 * The large real run (issue "reliability"): every rule over the benchmark corpus (CPython 3.11 with
 * its tests, and Django, from Debian packages: bench/corpus.sh), twice. Checks that nothing
 * crashes, that every discovered file is accounted for (analysed, or a notice saying why not), and
 * that the JSON output is the same byte for byte; prints the figures.
 *
 *   npm run reliability -- [corpus dir]
 */

import { readdirSync, realpathSync } from 'node:fs';
import ignoreFactory from 'ignore';
import { DEFAULT_EXCLUDES } from '../run/config.js';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCheck } from '../run/runner.js';
import { deploymentFileKind } from '../read/discover.js';
import { formatJson } from '../reporters/json.js';
import { CHECK_RULES } from '../rules/index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const defaults = ignoreFactory().add([...DEFAULT_EXCLUDES]);

/** Every candidate file; those under a default exclude (`venv/`, `build/`...) counted apart. */
function walk(dir: string, root: string, out: string[], excluded: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    const rel = path.relative(root, p);
    if (e.isDirectory()) {
      if (defaults.ignores(`${rel}/`)) walk(p, root, excluded, excluded);
      else walk(p, root, out, excluded);
    } else if ((e.isFile() || e.isSymbolicLink()) && (e.name.endsWith('.py') || deploymentFileKind(p))) out.push(p);
  }
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

async function once(corpus: string, workers: number) {
  process.env.PYLINT_PERF_WORKERS = String(workers);
  const started = process.hrtime.bigint();
  const result = await runCheck({ paths: [corpus], cwd: corpus, rules: CHECK_RULES, isolated: true, respectGitignore: false, select: ['ALL'], cache: false });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const json = formatJson({ diagnostics: result.diagnostics, notices: result.notices, cwd: corpus } as never);
  return { result, json, seconds };
}

const corpus = path.resolve(process.argv[2] ?? path.join(REPO, 'bench', 'corpus'));
// Without the cache both times: once with one worker thread per core, once with a single worker.
const first = await once(corpus, os.availableParallelism());
const second = await once(corpus, 1);
const files: string[] = [];
const excludedFiles: string[] = [];
walk(corpus, corpus, files, excludedFiles);
// A link and its target are one file (discovery reads it once).
const accounted = new Set([...first.result.checkedFiles, ...first.result.notices.map((n) => n.path)].map(real));
const missing = files.filter((f) => !accounted.has(real(f)));
const byKind = new Map<string, number>();
for (const n of first.result.notices) byKind.set(n.kind, (byKind.get(n.kind) ?? 0) + 1);
const byCode = new Map<string, number>();
for (const d of first.result.diagnostics) byCode.set(d.code, (byCode.get(d.code) ?? 0) + 1);
const crashes = first.result.notices.filter((n) => n.kind === 'rule-error' || n.kind === 'internal-error');
console.log(`corpus: ${corpus}`);
console.log(`files: ${files.length} (and ${excludedFiles.length} under default excludes such as venv/); analysed: ${first.result.checkedFiles.length}; with notices: ${new Set(first.result.notices.map((n) => n.path)).size}; unaccounted: ${missing.length}`);
console.log(`notices by kind: ${[...byKind].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
console.log(`findings by rule: ${[...byCode].sort().map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
console.log(`runs: ${first.seconds.toFixed(1)} s with ${os.availableParallelism()} workers, ${second.seconds.toFixed(1)} s with 1; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
console.log(`identical JSON on both runs: ${first.json === second.json} (${first.json.length} bytes)`);
for (const m of missing.slice(0, 10)) console.log(`  unaccounted: ${m}`);
for (const c of crashes.slice(0, 10)) console.log(`  crash: ${c.path}: ${c.message}`);
process.exitCode = missing.length === 0 && crashes.length === 0 && first.json === second.json ? 0 : 1;
