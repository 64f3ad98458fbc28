#!/usr/bin/env node
// Launcher: the compiled CLI lives in dist/ (built by `npm install` through the `prepare` script),
// bundled into dist/bundle/ when esbuild was there to do it (faster to start; scripts/bundle.mjs).
import { existsSync, statSync } from 'node:fs';

const entry = new URL('../dist/cli-main.js', import.meta.url);
const bundled = new URL('../dist/bundle/cli-main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('pylint-perf: dist/ is missing; run `npm install` (or `npm run build`) in the pylint-perf checkout first.\n');
  process.exit(2);
}
// A bundle older than the compiled modules (the compiler run on its own since) is out of date.
const useBundle = existsSync(bundled) && statSync(bundled).mtimeMs >= statSync(entry).mtimeMs;
await import((useBundle ? bundled : entry).href);
