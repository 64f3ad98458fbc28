/**
 * Mutation fuzzing over the fixture projects: delete, duplicate and swap lines and byte ranges,
 * insert random tokens; run the real CLI on each mutant in JSON and SARIF; fail on a crash, a rule
 * or engine exception (a `rule-error` / `internal-error` notice), invalid JSON or SARIF that is not
 * valid SARIF 2.1.0. A failing mutant is saved under test/fuzz-regressions/ with its seed, and the
 * test suite re-checks every saved one.
 *
 *   npm run fuzz -- --count 500 --seconds 300 --seed 42
 */

import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { main } from '../cli.js';
import { filesUnder } from './files.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface FuzzOptions {
  count: number;
  seconds: number;
  seed: number;
  fixtures?: string;
  /** Where failing mutants are kept; undefined keeps none. */
  regressions?: string;
  log?: (line: string) => void;
}

export interface FuzzResult {
  mutants: number;
  failures: { seed: number; reason: string; saved?: string }[];
  seconds: number;
}

/** mulberry32: small, fast, reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  'async def f():\n', 'await ', '(', ')', '[', ']', '{', '}', ':', ',', '\n', '    ', '\t', '\r', '\r\n', '\f', '\0', '\\', '"', "'", '"""', "'''",
  'import torch\n', 'from . import x\n', 'from .. import *\n', 'lambda: ', 'yield ', '@app.get("/")\n', 'global x\n', 'if TYPE_CHECKING:\n', 'lazy import pandas\n',
  'time.sleep(1)', 'requests.get(url)', 'boto3.client("s3")', 'def ', 'class X(', 'return ', '#', '# pylint-perf: disable=PP101', '# noqa', 'ñ🚀', '\u2028', '\ufeff',
  ' &a [x]', ' *a', ' !Ref X', '- ', '- gunicorn app:app', 'command: uvicorn a:b', 'proxy_pass http://x;', 'include conf.d/*.conf;', 'upstream u {', ';', 'CMD ["gunicorn"', 'ENV A=', '${X}', '$(', '`', '&&', '|',
];

function mutate(text: string, random: () => number): string {
  const ops = 1 + Math.floor(random() * 3);
  let out = text;
  for (let i = 0; i < ops; i++) {
    const lines = out.split('\n');
    const pick = (n: number): number => Math.floor(random() * Math.max(1, n));
    switch (pick(7)) {
      case 0: // delete a line
        lines.splice(pick(lines.length), 1);
        out = lines.join('\n');
        break;
      case 1: {
        // duplicate a line
        const at = pick(lines.length);
        lines.splice(at, 0, lines[at] ?? '');
        out = lines.join('\n');
        break;
      }
      case 2: {
        // swap two lines
        const a = pick(lines.length);
        const b = pick(lines.length);
        [lines[a], lines[b]] = [lines[b], lines[a]];
        out = lines.join('\n');
        break;
      }
      case 3: {
        // delete a byte range
        const at = pick(out.length);
        out = out.slice(0, at) + out.slice(at + 1 + pick(40));
        break;
      }
      case 4: {
        // duplicate a byte range
        const at = pick(out.length);
        out = out.slice(0, at) + out.slice(at, at + 1 + pick(60)) + out.slice(at);
        break;
      }
      default: {
        // insert a token
        const at = pick(out.length + 1);
        out = out.slice(0, at) + TOKENS[pick(TOKENS.length)] + out.slice(at);
      }
    }
  }
  return out;
}

let sarifValidator: ValidateFunction | undefined;

function validSarif(text: string): string | undefined {
  if (!sarifValidator) {
    const schema = JSON.parse(readFileSync(path.join(REPO, 'test', 'data', 'sarif-schema-2.1.0.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: false, strict: false });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    sarifValidator = ajv.compile(schema);
  }
  let log: unknown;
  try {
    log = JSON.parse(text);
  } catch (error) {
    return `SARIF output is not JSON: ${(error as Error).message}`;
  }
  if (!sarifValidator!(log)) return `SARIF invalid: ${JSON.stringify(sarifValidator!.errors).slice(0, 300)}`;
  return undefined;
}

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string; error?: string }> {
  let stdout = '';
  let stderr = '';
  try {
    const code = await main(args, { cwd, env: {}, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
    return { code, stdout, stderr };
  } catch (error) {
    return { code: -1, stdout, stderr, error: (error as Error).stack ?? String(error) };
  }
}

/** Checks one project directory; returns why it failed, or undefined. */
export async function checkProject(dir: string): Promise<string | undefined> {
  const config = ['pylint-perf.json', 'pyproject.toml'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  const base = ['check', '.', '--fail-on', 'never', '--no-cache', ...(config ? [] : ['--isolated'])];
  const json = await run([...base, '--format', 'json'], dir);
  if (json.error) return `crash: ${json.error}`;
  if (json.code === 2) return undefined; // a mutated configuration file: a usage error is the right answer
  if (json.code !== 0) return `exit code ${json.code}`;
  try {
    JSON.parse(json.stdout);
  } catch (error) {
    return `JSON output is not JSON: ${(error as Error).message}`;
  }
  const failure = /notice \[(rule-error|internal-error)\].*/.exec(json.stderr);
  if (failure) return failure[0];
  const sarif = await run([...base, '--format', 'sarif'], dir);
  if (sarif.error) return `crash (sarif): ${sarif.error}`;
  if (sarif.code !== 0) return `SARIF run exited ${sarif.code}: ${sarif.stderr.slice(0, 500)}`;
  return validSarif(sarif.stdout);
}

export async function fuzz(options: FuzzOptions): Promise<FuzzResult> {
  const fixtures = options.fixtures ?? path.join(REPO, 'test', 'fixtures');
  const projects = readdirSync(fixtures).filter((f) => statSync(path.join(fixtures, f)).isDirectory()).sort();
  const started = Date.now();
  const failures: FuzzResult['failures'] = [];
  let mutants = 0;
  for (let i = 0; i < options.count && (Date.now() - started) / 1000 < options.seconds; i++) {
    const seed = options.seed + i;
    const random = prng(seed);
    const project = projects[Math.floor(random() * projects.length)];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pylint-perf-fuzz-'));
    cpSync(path.join(fixtures, project), dir, { recursive: true });
    const files = filesUnder(dir).filter((f) => !/pylint-perf\.json$/.test(f));
    const targets = 1 + Math.floor(random() * Math.min(3, files.length));
    for (let t = 0; t < targets; t++) {
      const file = files[Math.floor(random() * files.length)];
      writeFileSync(file, mutate(readFileSync(file, 'latin1'), random), 'latin1');
    }
    mutants++;
    const reason = await checkProject(dir);
    if (reason) {
      let saved: string | undefined;
      if (options.regressions) {
        saved = path.join(options.regressions, `${project}-seed-${seed}`);
        mkdirSync(path.dirname(saved), { recursive: true });
        cpSync(dir, saved, { recursive: true });
        writeFileSync(path.join(saved, 'FUZZ.txt'), `seed ${seed} (npm run fuzz -- --seed ${seed} --count 1) on test/fixtures/${project}\n${reason}\n`);
      }
      failures.push({ seed, reason, saved });
      options.log?.(`seed ${seed} (${project}): ${reason.split('\n')[0]}`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return { mutants, failures, seconds: (Date.now() - started) / 1000 };
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '300' },
      seconds: { type: 'string', default: '240' },
      seed: { type: 'string', default: String(Date.now() % 100000) },
    },
  });
  const options = { count: Number(values.count), seconds: Number(values.seconds), seed: Number(values.seed) };
  console.log(`fuzzing: up to ${options.count} mutants or ${options.seconds} s, seeds from ${options.seed}`);
  const result = await fuzz({ ...options, regressions: path.join(REPO, 'test', 'fuzz-regressions'), log: (l) => console.log(l) });
  console.log(`${result.mutants} mutants in ${result.seconds.toFixed(1)} s, ${result.failures.length} failures`);
  process.exitCode = result.failures.length > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await cli();
