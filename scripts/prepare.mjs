#!/usr/bin/env node
/**
 * `npm run prepare` (npm runs it on `npm install` in a clone, and on `npm pack`): compiles src/ into
 * dist/ with the TypeScript compiler of the dev dependencies, then bundles it (scripts/bundle.mjs).
 * Some installs of a source checkout leave the dev dependencies out — pre-commit builds the hook with `npm install --dev --prod`, which
 * npm 10+ reads as "omit dev"; `npx /path/to/a/clone` links the folder without installing anything —
 * so when the compiler is missing, this installs what the build needs (the dev dependencies in
 * package.json: the compiler, the bundler and type declarations, no test tools) without saving, then builds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiler = () => {
  // The checkout's own node_modules first: Node's resolver remembers a package it did not find, so
  // after the install below only a look at the file itself tells.
  const own = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (existsSync(own)) return own;
  try {
    return createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
};

let tsc = compiler();
if (!tsc && !process.env.PYLINT_PERF_PREPARING) {
  const { devDependencies = {} } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const specs = Object.entries(devDependencies).map(([name, range]) => `${name}@${range}`);
  console.error(`pylint-perf: building from source; installing what the build needs (${specs.join(', ')}), not saved`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  spawnSync(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', '--include=dev', ...specs], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PYLINT_PERF_PREPARING: '1' },
  });
  tsc = compiler();
}
if (!tsc) {
  if (existsSync(path.join(root, 'dist', 'cli-main.js'))) process.exit(0);
  console.error(`pylint-perf: cannot build ${root}: the TypeScript compiler is not installed and could not be. Run \`npm install\` there, then \`node ${path.join(root, 'bin', 'pylint-perf.js')} check .\``);
  process.exit(1);
}
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
// The bundle that starts faster (scripts/bundle.mjs; skipped when esbuild is not installed). The
// compiled modules work without it, so a failure here does not fail the install.
const b = spawnSync(process.execPath, [path.join(root, 'scripts', 'bundle.mjs')], { cwd: root, stdio: 'inherit' });
if (b.status !== 0) console.error('pylint-perf: the bundle could not be built; the CLI runs from the compiled modules in dist/ (slower to start)');
process.exit(0);
