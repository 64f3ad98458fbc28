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
 *   recall     real problems recorded by reading the code (`FN` rows: found by the analyzer or not)
 *              that some finding (sampled or not) matches now / all of them
 *
 *   npm run accuracy                         all repositories that are present
 *   npm run accuracy -- --repo simonw/datasette --select PP101
 *   npm run accuracy -- --reuse              read bench/results/real/<repo>.json from the last run
 *
 * Where a repository has more than --sample findings of one rule (default 40), a fixed random
 * sample of that many (seeded by --seed, default 1, over the findings in path/line order) is what
 * is judged and counted; the rest are reported as "not sampled".
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
    sample: { type: 'string', default: '40' },
    seed: { type: 'string', default: '1' },
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

/** A small seeded generator (mulberry32): the same sample on every machine. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** At most `size` findings per rule, a fixed random choice when there are more. */
function sampled(findings, size, seed) {
  const byRule = new Map();
  for (const f of findings) byRule.set(f.code, [...(byRule.get(f.code) ?? []), f]);
  const kept = [];
  let skipped = 0;
  for (const [code, list] of [...byRule].sort()) {
    list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
    if (list.length <= size) {
      kept.push(...list);
      continue;
    }
    const next = random(seed + [...code].reduce((h, c) => h * 31 + c.charCodeAt(0), 0));
    const order = list.map((f) => ({ f, r: next() })).sort((a, b) => a.r - b.r);
    kept.push(...order.slice(0, size).map((o) => o.f));
    skipped += list.length - size;
  }
  return { kept, skipped };
}

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

const EMPTY = () => ({ reported: 0, findings: 0, TP: 0, FP: 0, unsure: 0, unjudged: 0, labelled: 0, found: 0 });
const perRule = new Map();
const perRepo = new Map();
/** The counters of a rule, overall and in one repository. */
const rows = (repo, code) => {
  if (!perRule.has(code)) perRule.set(code, EMPTY());
  const key = `${repo}\t${code}`;
  if (!perRepo.has(key)) perRepo.set(key, EMPTY());
  return [perRule.get(code), perRepo.get(key)];
};
const count = (repo, code, field) => rows(repo, code).forEach((s) => s[field]++);
const unjudged = [];
const judged = [];
const perSeverity = new Map();
for (const { repo, commit } of repos) {
  if (!existsSync(folderOf(repo))) {
    console.log(`${repo}: not extracted at ${folderOf(repo)} (skipped)`);
    continue;
  }
  if (extracted.has(repo) && commit && extracted.get(repo) !== commit) {
    console.log(`${repo}: extracted at ${extracted.get(repo)}, but the judgements are for ${commit} (skipped)`);
    continue;
  }
  const all = findingsOf(repo).filter((f) => wanted(f.code));
  for (const f of all) count(repo, f.code, 'reported');
  const { kept: findings, skipped } = sampled(all, Number(values.sample), Number(values.seed));
  if (skipped > 0) console.log(`${repo}: ${skipped} findings not sampled (at most ${values.sample} per rule are judged)`);
  const labels = judgements.filter((j) => j.repo === repo && wanted(j.code));
  const matched = new Set();
  for (const f of findings) {
    count(repo, f.code, 'findings');
    const candidates = labels.filter((j) => j.path === f.path && j.code === f.code && Math.abs(Number(j.line) - f.line) <= 2);
    candidates.sort((a, b) => Math.abs(Number(a.line) - f.line) - Math.abs(Number(b.line) - f.line));
    const label = candidates[0];
    if (!label) {
      count(repo, f.code, 'unjudged');
      unjudged.push([repo, commit, f.path, f.line, f.code, f.message.replace(/\s+/g, ' ')].join('\t'));
      continue;
    }
    matched.add(label);
    judged.push([repo, f.path, f.line, f.code, f.severity, label.verdict, label.reason, f.message.replace(/\s+/g, ' ')].join('\t'));
    const severityKey = `${f.code}\t${f.severity}`;
    if (!perSeverity.has(severityKey)) perSeverity.set(severityKey, EMPTY());
    const bySeverity = perSeverity.get(severityKey);
    bySeverity.findings++;
    if (label.verdict === 'TP' || label.verdict === 'FN') bySeverity.TP++;
    else if (label.verdict === 'FP') bySeverity.FP++;
    else bySeverity.unsure++;
    count(repo, f.code, label.verdict === 'TP' || label.verdict === 'FN' ? 'TP' : label.verdict === 'FP' ? 'FP' : 'unsure');
  }
  // Recall: the real problems recorded by reading the code (FN rows), against every finding, sampled or not.
  for (const j of labels) {
    if (j.verdict !== 'FN') continue;
    count(repo, j.code, 'labelled');
    // A call site listed by a grouped finding ("also called here") is found too.
    const near = (p, line) => p === j.path && Math.abs(Number(j.line) - line) <= 2;
    if (all.some((f) => f.code === j.code && (near(f.path, f.line) || (f.related ?? []).some((r) => /^also /.test(r.message) && near(r.path, r.line))))) count(repo, j.code, 'found');
  }
}

const pct = (n, d) => (d === 0 ? '-' : (n / d).toFixed(2));
const line = (label, s) =>
  `| ${label} | ${s.reported} | ${s.findings} | ${s.TP} | ${s.FP} | ${s.unsure} | ${s.unjudged} | ${pct(s.TP, s.TP + s.FP)} | ${pct(s.found, s.labelled)} |`;
const HEADER = '| reported | sampled | TP | FP | unsure | unjudged | precision | recall |\n';
console.log(`\n| repository | rule ${HEADER.replace('\n', '')}\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
for (const [key, s] of [...perRepo].sort()) console.log(line(key.replace('\t', ' | '), s));
console.log(`\n| rule ${HEADER}| --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
const total = EMPTY();
for (const [code, s] of [...perRule].sort()) {
  for (const k of Object.keys(total)) total[k] += s[k];
  console.log(line(code, s));
}
console.log(line('all', total));
mkdirSync(RESULTS, { recursive: true });
writeFileSync(
  path.join(RESULTS, 'judged.tsv'),
  `repo\tpath\tline\tcode\tseverity\tverdict\treason\tmessage\n${judged.join('\n')}\n`,
);
console.log('\n| rule | severity | judged | TP | FP | unsure | precision |\n| --- | --- | --- | --- | --- | --- | --- |');
for (const [key, s] of [...perSeverity].sort()) {
  console.log(`| ${key.replace('\t', ' | ')} | ${s.findings} | ${s.TP} | ${s.FP} | ${s.unsure} | ${pct(s.TP, s.TP + s.FP)} |`);
}
writeFileSync(path.join(RESULTS, 'unjudged.tsv'), `repo\tcommit\tpath\tline\tcode\tmessage\n${unjudged.join('\n')}\n`);
if (unjudged.length > 0) console.log(`\n${unjudged.length} findings are not judged yet: bench/results/unjudged.tsv (precision is not measured until they are).`);
