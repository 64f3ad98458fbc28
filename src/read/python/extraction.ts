/**
 * Fact extraction for the files the cache does not have: in worker threads when there are enough
 * files to pay for the workers' start (a pool sized to the cores, each worker with its own parser),
 * in this thread otherwise. Results come back in the order of the requests, whatever the
 * scheduling, so the output is deterministic.
 */

import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ModuleFacts } from './facts.js';
import type { PythonParser } from './parser.js';

export interface FactRequest {
  path: string;
  text: string;
  moduleName: string;
  isPackage: boolean;
  importAliases?: Record<string, string>;
}

export type FactResult = { path: string; facts: ModuleFacts } | { path: string; error: string };

/**
 * Told the JSON text of a file's facts made in a worker. Facts come back from workers as JSON text,
 * parsed here: a structured clone of a module's facts is slower to receive and takes more memory
 * than the same facts parsed from JSON, and the text is what the cache stores. It is handed on at
 * once and not kept, so that the texts of all files are never in memory together.
 */
export type OnFactsText = (path: string, json: string) => void;

/** What a worker sends back for one file. */
export type WorkerResult = { path: string; json: string } | { path: string; error: string };

/** Below this many files a worker's start-up (loading the grammar) costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 48;
const CHUNK = 24;

export function extractWith(parser: PythonParser, request: FactRequest): FactResult {
  try {
    return { path: request.path, facts: parser.facts(request.text, request) };
  } catch (error) {
    return { path: request.path, error: (error as Error).message };
  }
}

/** In a worker: the facts of one file as JSON text (see FactResult). */
export function extractAsJson(parser: PythonParser, request: FactRequest): WorkerResult {
  const result = extractWith(parser, request);
  return 'facts' in result ? { path: result.path, json: JSON.stringify(result.facts) } : result;
}

function workerScript(): string | undefined {
  const url = new URL('./extract-worker.js', import.meta.url);
  const file = fileURLToPath(url);
  // Running from TypeScript sources (the test runner): no compiled worker, extract in this thread.
  return existsSync(file) ? file : undefined;
}

export function workerCount(files: number): number {
  const env = Number(process.env.PYLINT_PERF_WORKERS);
  const cores = Number.isFinite(env) && env > 0 ? env : os.availableParallelism();
  return Math.max(1, Math.min(cores, Math.ceil(files / CHUNK)));
}

/** Told how many files are done, of how many (a progress line on a terminal). */
export type Progress = (done: number, total: number) => void;

export async function extractFacts(requests: FactRequest[], parser?: PythonParser, progress?: Progress, onText?: OnFactsText): Promise<FactResult[]> {
  if (requests.length === 0) return [];
  const script = workerScript();
  const workers = workerCount(requests.length);
  // A parser handed in (editor, watch mode) does the few files an edit leaves; many go to workers.
  if (!script || requests.length < MIN_FILES_FOR_WORKERS || workers < 2) {
    // A parser made here serves this run only, a short one when there are few files (with many,
    // workers were unavailable: running from the TypeScript sources). Loaded only now: a run whose
    // facts all come from the cache never loads the parser and the extractor.
    const own = parser ?? (await (await import('./parser.js')).PythonParser.create({ shortLived: requests.length < MIN_FILES_FOR_WORKERS }));
    try {
      return requests.map((r, i) => {
        const result = extractWith(own, r);
        progress?.(i + 1, requests.length);
        return result;
      });
    } finally {
      if (!parser) own.dispose();
    }
  }
  return inWorkers(script, requests, workers, progress, onText);
}

async function inWorkers(script: string, requests: FactRequest[], count: number, progress?: Progress, onText?: OnFactsText): Promise<FactResult[]> {
  const results: FactResult[] = new Array(requests.length);
  let next = 0;
  let done = 0;
  const pool = Array.from({ length: count }, () => new Worker(script));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              if (next >= requests.length) {
                resolve();
                return;
              }
              const start = next;
              const chunk = requests.slice(start, start + CHUNK);
              next += chunk.length;
              worker.once('message', (batch: WorkerResult[]) => {
                batch.forEach((r, i) => {
                  if (!('json' in r)) {
                    results[start + i] = r;
                    return;
                  }
                  results[start + i] = { path: r.path, facts: JSON.parse(r.json) as ModuleFacts };
                  onText?.(r.path, r.json);
                });
                done += batch.length;
                progress?.(done, requests.length);
                send();
              });
              worker.postMessage(chunk);
            };
            worker.once('error', reject);
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
