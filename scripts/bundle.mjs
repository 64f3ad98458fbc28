#!/usr/bin/env node
/**
 * `npm run build`, after the TypeScript compiler: the compiled CLI bundled into a few files in
 * dist/bundle/ (the entry points `cli-main.js` and `extract-worker.js`, and chunks for what a run
 * loads on demand), which bin/pylint-perf.js prefers. Loading ~100 modules one by one was a third
 * of a one-file check; the bundle saves Node's module loader most of that work. Libraries stay
 * outside (node_modules). Without esbuild (a dev dependency) this does nothing and the CLI runs
 * from the compiled modules in dist/, only slower to start.
 */
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
let esbuild;
try {
  esbuild = createRequire(path.join(root, 'package.json'))('esbuild');
} catch {
  process.exit(0);
}
rmSync(path.join(dist, 'bundle'), { recursive: true, force: true });
await esbuild.build({
  entryPoints: [path.join(dist, 'cli-main.js'), path.join(dist, 'read', 'python', 'extract-worker.js')],
  outdir: path.join(dist, 'bundle'),
  entryNames: '[name]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
