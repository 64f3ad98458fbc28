#!/usr/bin/env node
/**
 * The performance regression guard CI runs (`npm run bench:guard`, called by `.ci/run`).
 *
 * A cold run of every rule on a fixed, cheap subset of the benchmark corpus — FILES Python files
 * of Django, every third in path order (the whole code base, not only its first folders), copied
 * with their folders so the packages resolve — is
 * measured against its own floor in the same run: the web-tree-sitter parse of the same files on
 * one thread (bench/parse-only.mjs). Runs alternate (floor, cold, floor, cold...) and the fastest
 * of each are compared — the least disturbed run of each, which on a shared machine varies far less
 * than the median — so the machine's speed cancels out: only the ratio cold / floor is judged,
 * never a time (a ratio over the limit first gets a second round of runs, and the fastest runs of
 * both rounds are judged). The guard fails when that ratio exceeds the committed baseline (bench/guard-baseline.json)
 * by more than TOLERANCE. `node bench/guard.mjs --update` measures and writes a new baseline (after
 * a change that is meant to cost more, or one that made the analyser faster: keep it honest).
 */

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const FILES = 300;
const RUNS = Number(process.env.GUARD_RUNS ?? 5);
const TOLERANCE = 0.25;
const BASELINE = path.join(HERE, 'guard-baseline.json');
const CLI = path.join(REPO, 'bin', 'pylint-perf.js');

function pythonFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.py')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function timed(command, args, cwd) {
  const started = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}\n${(r.stderr ?? '').slice(-2000)}`);
  return seconds;
}

const fastest = (values) => Math.min(...values);

const corpus = path.join(HERE, 'corpus', 'django');
const made = spawnSync('bash', [path.join(HERE, 'corpus.sh'), 'django'], { encoding: 'utf8' });
if (made.status !== 0) {
  console.error(made.stderr.trim());
  process.exit(2);
}
const all = pythonFiles(corpus);
const step = Math.max(1, Math.floor(all.length / FILES));
const subset = all.filter((_, i) => i % step === 0).slice(0, FILES);
const work = mkdtempSync(path.join(os.tmpdir(), 'pylint-perf-guard-'));
try {
  for (const file of subset) {
    const to = path.join(work, 'django', path.relative(corpus, file));
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(file, to);
  }
  const lines = subset.reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').length, 0);
  console.log(`guard: ${subset.length} files of Django (${lines} lines), ${RUNS} alternating runs each, ${os.availableParallelism()} cores`);
  const floor = [];
  const cold = [];
  const check = [CLI, 'check', '.', '--isolated', '--no-respect-gitignore', '--no-cache', '--format', 'json', '--fail-on', 'never'];
  const round = () => {
    for (let i = 0; i < RUNS; i++) {
      floor.push(timed(process.execPath, [path.join(HERE, 'parse-only.mjs'), work], REPO));
      cold.push(timed(process.execPath, check, work));
    }
    return Number((fastest(cold) / fastest(floor)).toFixed(3));
  };
  let ratio = round();
  const baseline = JSON.parse(readFileSync(BASELINE, 'utf8'));
  const limit = Number((baseline.ratio * (1 + TOLERANCE)).toFixed(3));
  // Over the limit: a second round before judging. A machine busy with something else (the tests
  // that ran just before) can slow every run of one round; a regression slows both rounds.
  if (!process.argv.includes('--update') && ratio > limit) {
    console.log(`cold / floor = ${ratio} after ${RUNS} runs each, over the limit ${limit}: ${RUNS} more runs each`);
    ratio = round();
  }
  console.log(`parse-only floor ${fastest(floor).toFixed(2)} s (runs ${floor.map((s) => s.toFixed(2)).join(', ')})`);
  console.log(`cold, all rules  ${fastest(cold).toFixed(2)} s (runs ${cold.map((s) => s.toFixed(2)).join(', ')})`);
  if (process.argv.includes('--update')) {
    writeFileSync(BASELINE, `${JSON.stringify({ ratio, files: subset.length, lines, runs: RUNS, cores: os.availableParallelism(), node: process.version, date: new Date().toISOString().slice(0, 10) }, null, 2)}\n`);
    console.log(`cold / floor = ${ratio}: written to ${path.relative(REPO, BASELINE)}`);
  } else {
    const verdict = ratio <= limit ? 'ok' : 'SLOWER';
    console.log(`cold / floor = ${ratio}; baseline ${baseline.ratio} (${baseline.date}), limit ${limit} (+${TOLERANCE * 100} %): ${verdict}`);
    if (verdict !== 'ok') {
      console.error(`performance regression: a cold run costs ${((ratio / baseline.ratio - 1) * 100).toFixed(0)} % more relative to the parse-only floor than the baseline (more than ${TOLERANCE * 100} %). Profile it (PYLINT_PERF_TIMING=1, node --cpu-prof), or if the cost is intended, run 'node bench/guard.mjs --update' and say why in the commit.`);
      process.exitCode = 1;
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
