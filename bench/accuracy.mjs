#!/usr/bin/env node
/**
 * Precision (and recall) of the rules on real public services: `npm run accuracy`.
 *
 * The repositories of the development set (bench/real-world/repos.tsv) are extracted outside the
 * project (default ../real/<owner>+<name>, or REAL_CODE_DIR) as described in bench/real-world/README.md.
 * This script runs the built CLI on each folder that is present, matches every finding to the
 * hand-made judgements in bench/real-world/judgements.tsv (same repository, path and code, line
 * within ±2) and prints, per rule:
 *   findings   how many the analyzer reports now
 *   TP / FP / unsure   judged findings by verdict
 *   unjudged   findings nobody has judged yet (listed in bench/results/unjudged.tsv: judge them)
 *   precision  TP / (TP + FP) over judged findings
 *   recall     labelled real problems (TP and FN rows) that a finding matches now / all of them
 *
 *   npm run accuracy                         all repositories that are present
 *   npm run accuracy -- --repo simonw/datasette --select PP101
 *   npm run accuracy -- --reuse              read bench/results/real/<repo>.json from the last run
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..');
const CLI = path.join(REPO_ROOT, 'bin', 'pylint-perf.js');
const RESULTS = path.join(HERE, 'results');
const { values } = parseArgs({
  options: {
    repo: { type: 'string', multiple: true },
    select: { type: 'string' },
    reuse: { type: 'boolean', default: false },
    real: { type: 'string', default: process.env.REAL_CODE_DIR ?? path.resolve(REPO_ROOT, '..', 'real') },
  },
});

function readTsv(file) {
  if (!existsSync(file)) return [];
  const [header, ...rows] = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const keys = header.split('\t');
  return rows.map((row) => Object.fromEntries(row.split('\t').map((v, i) => [keys[i], v])));
}

const folderOf = (repo) => path.join(values.real, repo.replace('/', '+'));
const repos = readTsv(path.join(HERE, 'real-world', 'repos.tsv')).filter((r) => !values.repo || values.repo.includes(r.repo));
const judgements = readTsv(path.join(HERE, 'real-world', 'judgements.tsv'));
const extracted = new Map(readTsv(path.join(values.real, 'INDEX.tsv')).map((r) => [r.repo, r.commit]));
const codes = values.select?.split(',').map((c) => c.trim().toUpperCase());
const wanted = (code) => !codes || codes.some((c) => code.startsWith(c));

function findingsOf(repo) {
  const saved = path.join(RESULTS, 'real', `${repo.replace('/', '+')}.json`);
  if (values.reuse && existsSync(saved)) return JSON.parse(readFileSync(saved, 'utf8'));
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json', '--no-cache', '--isolated', '--fail-on', 'never'], {
    cwd: folderOf(repo),
    encoding: 'utf8',
    maxBuffer: 1 << 29,
  });
  if (r.status !== 0) throw new Error(`${repo}: pylint-perf exited ${r.status}\n${r.stderr.slice(-2000)}`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${repo}: ${seconds.toFixed(1)} s`);
  mkdirSync(path.dirname(saved), { recursive: true });
  writeFileSync(saved, r.stdout);
  return JSON.parse(r.stdout);
}

const perRule = new Map();
const row = (code) => {
  if (!perRule.has(code)) perRule.set(code, { findings: 0, TP: 0, FP: 0, unsure: 0, unjudged: 0, labelled: 0, found: 0 });
  return perRule.get(code);
};
const unjudged = [];
for (const { repo, commit } of repos) {
  if (!existsSync(folderOf(repo))) {
    console.log(`${repo}: not extracted at ${folderOf(repo)} (skipped)`);
    continue;
  }
  if (extracted.has(repo) && commit && extracted.get(repo) !== commit) {
    console.log(`${repo}: extracted at ${extracted.get(repo)}, but the judgements are for ${commit} (skipped)`);
    continue;
  }
  const findings = findingsOf(repo).filter((f) => wanted(f.code));
  const labels = judgements.filter((j) => j.repo === repo && wanted(j.code));
  const matched = new Set();
  for (const f of findings) {
    const stats = row(f.code);
    stats.findings++;
    const candidates = labels.filter((j) => j.path === f.path && j.code === f.code && Math.abs(Number(j.line) - f.line) <= 2);
    candidates.sort((a, b) => Math.abs(Number(a.line) - f.line) - Math.abs(Number(b.line) - f.line));
    const label = candidates[0];
    if (!label) {
      stats.unjudged++;
      unjudged.push([repo, commit, f.path, f.line, f.code, f.message.replace(/\s+/g, ' ')].join('\t'));
      continue;
    }
    matched.add(label);
    if (label.verdict === 'TP' || label.verdict === 'FN') stats.TP++;
    else if (label.verdict === 'FP') stats.FP++;
    else stats.unsure++;
  }
  for (const j of labels) {
    if (j.verdict !== 'TP' && j.verdict !== 'FN') continue;
    const stats = row(j.code);
    stats.labelled++;
    if (matched.has(j)) stats.found++;
  }
}

const pct = (n, d) => (d === 0 ? '   -' : (n / d).toFixed(2));
console.log('\nrule    findings    TP    FP  unsure  unjudged  precision  recall');
const total = { findings: 0, TP: 0, FP: 0, unsure: 0, unjudged: 0, labelled: 0, found: 0 };
for (const [code, s] of [...perRule].sort()) {
  for (const k of Object.keys(total)) total[k] += s[k];
  console.log(`${code}  ${String(s.findings).padStart(8)}  ${String(s.TP).padStart(4)}  ${String(s.FP).padStart(4)}  ${String(s.unsure).padStart(6)}  ${String(s.unjudged).padStart(8)}  ${pct(s.TP, s.TP + s.FP).padStart(9)}  ${pct(s.found, s.labelled).padStart(6)}`);
}
console.log(`all     ${String(total.findings).padStart(8)}  ${String(total.TP).padStart(4)}  ${String(total.FP).padStart(4)}  ${String(total.unsure).padStart(6)}  ${String(total.unjudged).padStart(8)}  ${pct(total.TP, total.TP + total.FP).padStart(9)}  ${pct(total.found, total.labelled).padStart(6)}`);
mkdirSync(RESULTS, { recursive: true });
writeFileSync(path.join(RESULTS, 'unjudged.tsv'), `repo\tcommit\tpath\tline\tcode\tmessage\n${unjudged.join('\n')}\n`);
if (unjudged.length > 0) console.log(`\n${unjudged.length} findings are not judged yet: bench/results/unjudged.tsv (precision is not measured until they are).`);
