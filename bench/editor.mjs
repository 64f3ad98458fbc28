#!/usr/bin/env node
/**
 * The editor server's latency: `npm run bench:editor`.
 *
 * On a synthetic FastAPI service of 1,000 Python files (bench/editor-project.mjs), with the disk
 * cache warm, it starts `pylint-perf server`, opens a route module and the service module it
 * calls, then edits the service module (unsaved) so that the route's PP101 finding appears and
 * disappears in turn, and measures, for each edit, the time from sending `didChange` to receiving
 * the route's new `publishDiagnostics` — the server's debounce (100 ms by default) included. In
 * the same run it measures a one-file `pylint-perf check` of the route module (warm cache, a new
 * process, as an editor plugin that shells out would) and `node -e ''`, and reports the median
 * latency, the goal (≤ 0.3 s), and the ratios.
 *
 *   node bench/editor.mjs [--files 1000] [--edits 21] [--debounce MS]
 */

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';
import { writeEditorProject } from './editor-project.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(HERE, '..', 'bin', 'pylint-perf.js');
const { values } = parseArgs({ options: { files: { type: 'string', default: '1000' }, edits: { type: 'string', default: '21' }, debounce: { type: 'string' } } });
const FILES = Number(values.files);
const EDITS = Number(values.edits);
const GOAL_MS = 300;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timed = (args, cwd) => {
  const t = performance.now();
  spawnSync(process.execPath, args, { cwd, stdio: 'ignore' });
  return performance.now() - t;
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'pylint-perf-editor-'));
try {
  const written = writeEditorProject(dir, FILES);
  // Warm the disk cache, as a project that has been checked before.
  spawnSync(process.execPath, [BIN, 'check', '.'], { cwd: dir, stdio: 'ignore' });

  const route = path.join(dir, 'app', 'routers', 'r5.py');
  const service = path.join(dir, 'app', 'services', 's5.py');
  const serviceText = readFileSync(service, 'utf8');
  const blocking = serviceText.replace('return json.loads(json.dumps({"i": i}))', 'return requests.get(f"https://svc.example.com/{i}", timeout=5).json()');
  if (blocking === serviceText) throw new Error('the service module did not have the expected shape');

  const child = spawn(process.execPath, [BIN, 'server', '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    for (const w of waiting.splice(0)) w(p);
  });
  connection.listen();
  const next = (uri, count) =>
    new Promise((resolve) => {
      const check = (p) => (p.uri === uri && p.diagnostics.length === count ? resolve(performance.now()) : waiting.push(check));
      waiting.push(check);
    });
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    capabilities: {},
    workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'bench' }],
    initializationOptions: values.debounce !== undefined ? { debounceMs: Number(values.debounce) } : {},
  });
  await connection.sendNotification(InitializedNotification.type, {});
  const routeUri = pathToFileURL(route).href;
  const serviceUri = pathToFileURL(service).href;
  const opened = next(routeUri, 0);
  await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: routeUri, languageId: 'python', version: 1, text: readFileSync(route, 'utf8') } });
  await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: serviceUri, languageId: 'python', version: 1, text: serviceText } });
  const t0 = performance.now();
  await opened;
  const firstMs = performance.now() - t0;

  const latencies = [];
  for (let i = 0; i < EDITS; i++) {
    const makeBlocking = i % 2 === 0;
    const published = next(routeUri, makeBlocking ? 1 : 0);
    const sent = performance.now();
    await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: serviceUri, version: i + 2 }, contentChanges: [{ text: makeBlocking ? blocking : serviceText }] });
    latencies.push((await published) - sent);
  }
  await connection.sendRequest(ShutdownRequest.type);
  await connection.sendNotification(ExitNotification.type);
  await new Promise((resolve) => child.on('exit', resolve));
  connection.dispose();

  const oneFile = median([0, 1, 2].map(() => timed([BIN, 'check', 'app/routers/r5.py'], dir)));
  const node = median([0, 1, 2].map(() => timed(['-e', ''], dir)));
  const latency = median(latencies);
  const result = {
    date: new Date().toISOString().slice(0, 10),
    files: written,
    cores: os.availableParallelism(),
    edits: EDITS,
    debounceMs: values.debounce !== undefined ? Number(values.debounce) : 100,
    firstCheckMs: Math.round(firstMs),
    latencyMs: { median: Math.round(latency), min: Math.round(Math.min(...latencies)), max: Math.round(Math.max(...latencies)) },
    oneFileCheckMs: Math.round(oneFile),
    nodeMs: Math.round(node),
  };
  console.log(`editor server on ${written} Python files, ${result.cores} cores, ${EDITS} edits of an open service module (unsaved) that add or remove a route's PP101 finding`);
  console.log(`first check after opening: ${result.firstCheckMs} ms (facts from the disk cache)`);
  console.log(`didChange → publishDiagnostics, median ${result.latencyMs.median} ms (min ${result.latencyMs.min}, max ${result.latencyMs.max}; debounce ${result.debounceMs} ms included): goal ≤ ${GOAL_MS} ms: ${latency <= GOAL_MS ? 'met' : 'NOT met'}`);
  console.log(`one-file 'pylint-perf check' of the route module (new process, warm cache): ${result.oneFileCheckMs} ms; the server answers in ${(latency / oneFile).toFixed(2)}× that time`);
  console.log(`node -e '': ${result.nodeMs} ms`);
  mkdirSync(path.join(HERE, 'results'), { recursive: true });
  writeFileSync(path.join(HERE, 'results', 'editor.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
