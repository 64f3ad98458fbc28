#!/usr/bin/env node
/**
 * `npm run prepare` (npm runs it on `npm install` in a clone, and on `npm pack`): compiles src/ into
 * dist/ with the TypeScript compiler of the dev dependencies. Run from a source checkout whose dev
 * dependencies are not installed (`npx /path/to/a/clone` links the folder without installing them),
 * it says what to do instead of failing with a bare exit status.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let tsc;
try {
  tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  tsc = undefined;
}
if (!tsc) {
  if (existsSync(path.join(root, 'dist', 'cli-main.js'))) process.exit(0);
  console.error(
    `pylint-perf: ${root} is a source checkout whose dev dependencies are not installed, so it cannot be built here.\n` +
      `  Build it once:   (cd ${root} && npm install)   then run it with   node ${path.join(root, 'bin', 'pylint-perf.js')} check .\n` +
      '  Or install the published package: npm install --save-dev pylint-perf (see "Install" in the README).',
  );
  process.exit(1);
}
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
