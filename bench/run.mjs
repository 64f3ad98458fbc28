#!/usr/bin/env node
/**
 * The benchmark: `npm run bench` (after `bench/corpus.sh`, which `npm run bench` calls).
 *
 * Everything is measured in the same run, on the same files (bench/corpus: CPython 3.11 with its
 * tests and Django, from Debian packages), median of RUNS runs each, and reported as ratios:
 *   parse-only   web-tree-sitter parse of every file, one thread, no rules (the floor)
 *   parse, all cores  the same parse spread over one worker thread per core (the floor of a
 *                run that uses every core: what ast-grep, a native program, is compared with)
 *   ast-grep     @ast-grep/cli scanning the same files with six rules like ours (bench/ast-grep)
 *   cold         pylint-perf, all rules, --no-cache
 *   warm         pylint-perf, all rules, cache populated, nothing changed
 *   touched      pylint-perf, all rules, after changing one file
 *   one-file     pylint-perf on one small file, against a bare `node -e ''`
 * Peak RSS comes from GNU time (`/usr/bin/time -f %M`) when it is installed.
 * Results: printed, and written to bench/results/latest.json.
 */

import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const CORPUS = path.join(HERE, 'corpus');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const CLI = path.join(REPO, 'bin', 'pylint-perf.js');
const ASTGREP = path.join(REPO, 'node_modules', '.bin', 'ast-grep');
const CHECK = ['check', '.', '--isolated', '--no-respect-gitignore', '--format', 'json', '--fail-on', 'never'];

function measure(label, command, args, options = {}) {
  const full = TIME ? [TIME, ['-f', '%e %M', command, ...args]] : [command, args];
  const started = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { cwd: options.cwd ?? CORPUS, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...options.env } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0 && !(options.okCodes ?? [0]).includes(r.status)) {
    throw new Error(`${label}: ${command} ${args.join(' ')} exited ${r.status}\n${r.stderr.slice(-2000)}`);
  }
  let rssMb;
  if (TIME) {
    const last = r.stderr.trim().split('\n').pop() ?? '';
    const m = /^([\d.]+) (\d+)$/.exec(last);
    if (m) rssMb = Number(m[2]) / 1024;
  }
  return { seconds, rssMb, stdout: r.stdout };
}

function median(values) {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
}

function series(label, fn) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(fn(i));
  const result = { seconds: median(runs.map((r) => r.seconds)), rssMb: runs[0].rssMb === undefined ? undefined : Math.max(...runs.map((r) => r.rssMb)), runs: runs.map((r) => Number(r.seconds.toFixed(3))) };
  console.log(`${label.padEnd(12)} ${result.seconds.toFixed(2).padStart(7)} s   peak RSS ${result.rssMb === undefined ? '   n/a' : `${result.rssMb.toFixed(0).padStart(5)} MB`}   runs ${result.runs.join(', ')}`);
  return result;
}

const lines = spawnSync('bash', ['-c', "find cpython django -type f -name '*.py' | wc -l; find cpython django -type f -name '*.py' -print0 | xargs -0 cat | wc -l"], { cwd: CORPUS, encoding: 'utf8' }).stdout.trim().split('\n');
console.log(`corpus: ${lines[0]} Python files, ${lines[1]} lines; ${os.availableParallelism()} cores; node ${process.version}; ${RUNS} runs each\n`);

const results = {};
results.parseOnly = series('parse-only', () => measure('parse-only', process.execPath, [path.join(HERE, 'parse-only.mjs'), CORPUS], { cwd: REPO }));
results.parseAllCores = series('parse, cores', () => measure('parse-all-cores', process.execPath, [path.join(HERE, 'parse-only.mjs'), CORPUS, '--threads', String(os.availableParallelism())], { cwd: REPO }));
results.astGrep = series('ast-grep', () => measure('ast-grep', ASTGREP, ['scan', '-c', path.join(HERE, 'ast-grep', 'sgconfig.yml'), '.', '--json=compact'], { okCodes: [0, 1] }));
results.cold = series('cold', () => measure('cold', process.execPath, [CLI, ...CHECK, '--no-cache']));
measure('populate', process.execPath, [CLI, ...CHECK]);
results.warm = series('warm', () => measure('warm', process.execPath, [CLI, ...CHECK]));
const touchedFile = path.join(CORPUS, 'django', 'utils', 'text.py');
const original = readFileSync(touchedFile);
try {
  results.touched = series('touched', (i) => {
    writeFileSync(touchedFile, original);
    appendFileSync(touchedFile, `\n# bench ${Date.now()} ${i}\n`);
    return measure('touched', process.execPath, [CLI, ...CHECK]);
  });
} finally {
  writeFileSync(touchedFile, original);
}
const tiny = mkdtempSync(path.join(os.tmpdir(), 'pylint-perf-bench-'));
writeFileSync(path.join(tiny, 'app.py'), 'import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(0)\n');
results.node = series('node -e ""', () => measure('node', process.execPath, ['-e', ''], { cwd: tiny }));
results.oneFile = series('one-file', () => measure('one-file', process.execPath, [CLI, 'check', 'app.py', '--no-cache'], { cwd: tiny }));
rmSync(tiny, { recursive: true, force: true });

const ratio = (a, b) => Number((a / b).toFixed(2));
// Targets and goals of the performance issue: each row a ratio measured in this run.
const ratios = {
  coldVsAstGrep: { value: ratio(results.cold.seconds, results.astGrep.seconds), target: 2.0, goal: 1.2 },
  peakRssVsParseOnly: results.cold.rssMb && results.parseOnly.rssMb ? { value: ratio(results.cold.rssMb, results.parseOnly.rssMb), target: 4, goal: 2 } : undefined,
  warmVsCold: { value: ratio(results.warm.seconds, results.cold.seconds), target: 0.05, goal: 0.02 },
  touchedVsCold: { value: ratio(results.touched.seconds, results.cold.seconds), target: 0.1, goal: 0.05 },
  oneFileVsNode: { value: ratio(results.oneFile.seconds, results.node.seconds), target: 3, goal: 2 },
  coldVsParseOnly: { value: ratio(results.cold.seconds, results.parseOnly.seconds) },
  // The parse alone, on every core, against ast-grep's whole scan: the part of coldVsAstGrep no
  // analysis on web-tree-sitter can go below.
  parseAllCoresVsAstGrep: { value: ratio(results.parseAllCores.seconds, results.astGrep.seconds) },
  coldVsParseAllCores: { value: ratio(results.cold.seconds, results.parseAllCores.seconds) },
};
console.log('\nratios (target; goal beyond):');
for (const [k, v] of Object.entries(ratios)) if (v) console.log(`  ${k.padEnd(20)} ${String(v.value).padStart(6)}${v.target !== undefined ? `   (≤ ${v.target}; ${v.goal}) ${v.value <= v.goal ? 'goal met' : v.value <= v.target ? 'met' : 'MISSED'}` : ''}`);
mkdirSync(path.join(HERE, 'results'), { recursive: true });
const out = { date: new Date().toISOString(), cores: os.availableParallelism(), node: process.version, files: Number(lines[0]), lines: Number(lines[1]), runs: RUNS, results, ratios };
writeFileSync(path.join(HERE, 'results', 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`\nwritten to ${path.relative(REPO, path.join(HERE, 'results', 'latest.json'))}`);
