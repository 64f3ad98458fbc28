/**
 * The shape of src/, enforced: the layers of .dependency-cruiser.cjs (one way down, no cycles, no
 * rule importing another rule), files of at most 600 lines and functions of at most 80.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSync } from '@swc/core';
import { describe, expect, it } from 'vitest';
import { filesUnder } from '../src/tools/files.js';
import { run } from './helpers.js';

const ROOT = path.join(import.meta.dirname, '..');
const SOURCES = filesUnder(path.join(ROOT, 'src')).filter((f) => f.endsWith('.ts'));
const MAX_FILE_LINES = 600;
const MAX_FUNCTION_LINES = 80;
const FUNCTION_NODES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ClassMethod', 'Constructor', 'MethodProperty', 'GetterProperty', 'SetterProperty']);

interface Span {
  start: number;
  end: number;
}

/** Every function in a TypeScript file with its first line and its length in lines. */
function functionsOf(file: string): { name: string; line: number; lines: number }[] {
  const text = readFileSync(file, 'utf8');
  const bytes = Buffer.from(text, 'utf8');
  const lineAt: number[] = []; // byte offset → line, built lazily from the byte buffer
  let line = 1;
  for (let i = 0; i <= bytes.length; i++) {
    lineAt.push(line);
    if (bytes[i] === 0x0a) line++;
  }
  const module = parseSync(text, { syntax: 'typescript', target: 'es2022' });
  const base = module.span.start;
  const found: { name: string; line: number; lines: number }[] = [];
  const visit = (node: unknown, name: string | undefined): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n, name);
      return;
    }
    const n = node as Record<string, unknown> & { type?: string; span?: Span };
    let own = name;
    const key = (n.key ?? n.identifier ?? n.id) as { value?: unknown } | undefined;
    if (typeof key?.value === 'string') own = key.value;
    if (n.type && FUNCTION_NODES.has(n.type) && n.span) {
      const first = lineAt[n.span.start - base];
      const last = lineAt[Math.max(n.span.start, n.span.end - base - 1)];
      found.push({ name: own ?? '(anonymous)', line: first, lines: last - first + 1 });
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'span') visit(v, own);
  };
  visit(module.body, undefined);
  return found;
}

describe('architecture', () => {
  it('the layers hold: dependency-cruiser finds no violation and no cycle', async () => {
    const cruiser = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
    const r = await run(process.execPath, [cruiser, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[]; totalCruised: number } };
    expect(result.summary.totalCruised, 'dependency-cruiser read the sources').toBeGreaterThan(50);
    expect(result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  });

  it(`no file under src/ is longer than ${MAX_FILE_LINES} lines`, () => {
    const long = SOURCES.map((f) => ({ f: path.relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length })).filter((x) => x.lines > MAX_FILE_LINES);
    expect(long).toEqual([]);
  });

  it(`no function under src/ is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    const long = SOURCES.flatMap((f) => functionsOf(f).filter((fn) => fn.lines > MAX_FUNCTION_LINES).map((fn) => `${path.relative(ROOT, f)}:${fn.line} ${fn.name} (${fn.lines} lines)`));
    expect(long).toEqual([]);
  });
});
