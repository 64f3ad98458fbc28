#!/usr/bin/env node
/**
 * Tools that only the tests and the benchmarks use, not the analyser: installed on first use, at a
 * pinned version, into this checkout's node_modules without touching package.json or the lockfile —
 * so `npm install` (a contributor's, or pre-commit's when it builds the hook) stays small.
 *
 *   node scripts/tools.mjs test       (npm test, npm run typecheck: vitest, dependency-cruiser and
 *                                     swc for the architecture test, GitHub's action.yml parser,
 *                                     the SARIF validator — 104 MB of it)
 *   node scripts/tools.mjs ast-grep   (npm run bench: the baseline, 108 MB)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TOOLS = {
  vitest: { spec: 'vitest@3.2.7', present: 'node_modules/vitest/package.json' },
  'dependency-cruiser': { spec: 'dependency-cruiser@17.4.3', present: 'node_modules/dependency-cruiser/package.json' },
  swc: { spec: '@swc/core@1.16.22', present: 'node_modules/@swc/core/package.json' },
  'workflow-parser': { spec: '@actions/workflow-parser@0.3.61', present: 'node_modules/@actions/workflow-parser/package.json' },
  'sarif-multitool': { spec: '@microsoft/sarif-multitool@5.7.0', present: `node_modules/@microsoft/sarif-multitool-${process.platform}/package.json` },
  'ast-grep': { spec: '@ast-grep/cli@0.51.1', present: 'node_modules/@ast-grep/cli/package.json' },
};
/** Names for several: what the tests need. */
const GROUPS = { test: ['vitest', 'dependency-cruiser', 'swc', 'workflow-parser', 'sarif-multitool'] };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wanted = process.argv.slice(2).flatMap((t) => GROUPS[t] ?? [t]);
const unknown = wanted.filter((t) => !TOOLS[t]);
if (wanted.length === 0 || unknown.length > 0) {
  console.error(`usage: node scripts/tools.mjs ${[...Object.keys(GROUPS), ...Object.keys(TOOLS)].join('|')} ...${unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''}`);
  process.exit(2);
}
const present = (t) => existsSync(path.join(root, TOOLS[t].present));
const missing = wanted.filter((t) => !present(t));
if (missing.length > 0) {
  // npm removes what package.json does not list on every install: name the tools already here too.
  const specs = [...new Set([...Object.keys(TOOLS).filter(present), ...missing])].map((t) => TOOLS[t].spec);
  console.error(`installing ${missing.map((t) => TOOLS[t].spec).join(', ')} (used by the tests and benchmarks only; not saved to package.json)`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', ...specs], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
