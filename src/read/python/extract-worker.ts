/** A fact-extraction worker: its own parser; receives batches of files, returns their facts. */

import { parentPort } from 'node:worker_threads';
import { extractAsJson, type FactRequest } from './extraction.js';
import { PythonParser } from './parser.js';

const parser = await PythonParser.create();
parentPort!.on('message', (batch: FactRequest[]) => {
  parentPort!.postMessage(batch.map((r) => extractAsJson(parser, r)));
});
