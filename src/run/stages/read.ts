/**
 * Stage 2, reading: every file once, a few reads in flight at once. A Python file gets its module
 * name and a content key (which keys the cache); a file that cannot be read is left out, with a
 * notice when it is a target.
 */

import type { Notice } from '../../core/diagnostics.js';
import { readSource, type SourceResult } from '../../core/source.js';
import type { DeploymentSource } from '../../read/deploy/read.js';
import { deploymentFileKind } from '../../read/discover.js';
import { moduleIdentity, sourceRootPrefixes, type ModuleIdentity } from '../../model/modules.js';
import { contentKey } from '../cache.js';
import type { RunSettings } from '../settings.js';
import type { RunSession } from '../session.js';
import type { Discovered } from './discover.js';

export interface PythonText {
  text: string;
  identity: ModuleIdentity;
  /** Content, path and module name: the key of the file's facts in the cache. */
  key: string;
}

export interface ReadFiles {
  /** The readable Python files, in discovery order. */
  readonly python: ReadonlyMap<string, PythonText>;
  readonly deployment: readonly DeploymentSource[];
  /** What reading the targets had to say (undecodable bytes, unreadable files...). */
  readonly notices: readonly Notice[];
}

export async function readFiles(discovered: Discovered, settings: RunSettings, session?: RunSession): Promise<ReadFiles> {
  const { pythonFiles, deploymentFiles, targets } = discovered;
  const read = session ? (file: string) => session.read(file) : readSource;
  const pythonRead = await readAll(pythonFiles, read);
  const deploymentRead = await readAll(deploymentFiles, read);
  const notices = [...pythonFiles.map((f, i) => [f, pythonRead[i]] as const), ...deploymentFiles.map((f, i) => [f, deploymentRead[i]] as const)]
    .filter(([file]) => targets.has(file))
    .flatMap(([, source]) => (source.ok ? source.notices : [source.notice]));
  // Two configured roots with the same package: the later one's names get its path as a prefix.
  const prefixes = settings.srcConfigured ? sourceRootPrefixes(pythonFiles, settings.root, settings.sourceRoots) : undefined;
  const python = new Map<string, PythonText>();
  pythonFiles.forEach((file, i) => {
    const source = pythonRead[i];
    if (!source.ok) return;
    const identity = moduleIdentity(file, settings.root, settings.sourceRoots, prefixes);
    python.set(file, { text: source.text, identity, key: contentKey(source.text, file, identity.moduleName, identity.isPackage) });
  });
  const deployment: DeploymentSource[] = [];
  deploymentFiles.forEach((file, i) => {
    const source = deploymentRead[i];
    if (source.ok) deployment.push({ path: file, kind: deploymentFileKind(file)!, text: source.text });
  });
  return { python, deployment, notices };
}

/** Reads files with a few reads in flight at once (the file system, not the CPU, is the limit); results in order. */
async function readAll(files: readonly string[], read: (file: string) => Promise<SourceResult>): Promise<SourceResult[]> {
  const queue = files.entries();
  const lanes = await Promise.all(Array.from({ length: Math.min(32, files.length) }, () => readLane(queue, read)));
  const out: SourceResult[] = new Array(files.length);
  for (const [i, source] of lanes.flat()) out[i] = source;
  return out;
}

/** One reader: takes the next file from the queue it shares with the others until none is left. */
async function readLane(queue: IterableIterator<[number, string]>, read: (file: string) => Promise<SourceResult>): Promise<[number, SourceResult][]> {
  const out: [number, SourceResult][] = [];
  for (const [i, file] of queue) out.push([i, await read(file)]);
  return out;
}
