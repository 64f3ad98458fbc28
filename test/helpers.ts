import { spawn, type SpawnOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { main } from '../src/cli.js';
import type { ModuleFacts } from '../src/read/python/facts.js';
import { PythonParser } from '../src/read/python/parser.js';

let parser: PythonParser | undefined;

export async function factsOf(source: string, moduleName = 'app.main', isPackage = false): Promise<ModuleFacts> {
  parser ??= await PythonParser.create();
  return parser.facts(source, { path: `/virtual/${moduleName.replace(/\./g, '/')}.py`, moduleName, isPackage });
}

/** Callee names of every call, in source order. */
export async function callees(source: string, moduleName?: string): Promise<(string | null)[]> {
  return (await factsOf(source, moduleName)).calls.map((c) => c.callee);
}

const created: string[] = [];

/** Removes every folder `tempDir` made in this test file once its tests have run. */
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new empty folder under the system's temporary folder, removed after this file's tests. */
export function tempDir(prefix = 'pylint-perf-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function tempProject(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return dir;
}

export async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { cwd, env, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

/**
 * Runs a program without blocking the test worker (a long `spawnSync` stalls the worker's event
 * loop, and vitest then times out talking to it): its exit status and output, never a throw.
 */
export function run(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', (error) => resolve({ status: null, stdout, stderr: stderr + String(error) }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
