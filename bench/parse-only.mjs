#!/usr/bin/env node
/**
 * The floor: parse every Python file under a directory with web-tree-sitter, no rules.
 *   node bench/parse-only.mjs DIR              one thread
 *   node bench/parse-only.mjs DIR --threads N  N worker threads, the files dealt out in turn
 *                                              (the floor of a run that uses every core)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Language, Parser } from 'web-tree-sitter';

const require = createRequire(import.meta.url);

async function parseAll(files) {
  await Parser.init();
  const parser = new Parser();
  parser.setLanguage(await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm')));
  for (const file of files) parser.parse(readFileSync(file, 'utf8'))?.delete();
  return files.length;
}

function pythonFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) pythonFiles(p, out);
    else if (e.isFile() && e.name.endsWith('.py')) out.push(p);
  }
  return out;
}

if (!isMainThread) {
  parentPort.postMessage(await parseAll(workerData));
} else {
  const files = pythonFiles(process.argv[2]);
  const at = process.argv.indexOf('--threads');
  const threads = at > 0 ? Number(process.argv[at + 1]) : 1;
  let parsed;
  if (threads <= 1) parsed = await parseAll(files);
  else {
    const shares = Array.from({ length: threads }, (_, i) => files.filter((_, j) => j % threads === i));
    const counts = await Promise.all(shares.map((share) => new Promise((resolve, reject) => {
      const worker = new Worker(new URL(import.meta.url), { workerData: share });
      worker.once('message', resolve);
      worker.once('error', reject);
    })));
    parsed = counts.reduce((a, b) => a + b, 0);
  }
  console.log(`${parsed} files parsed in ${threads} thread${threads === 1 ? '' : 's'}`);
}
