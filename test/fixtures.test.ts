/**
 * The one fixture harness. Every folder under test/fixtures/ is a small project whose files carry
 * their expectations:
 *   code()  # expect: PP101            a finding of PP101 on this line
 *   code()  # expect: PP101:warning    ... with this severity
 *   # expect-next: PP301               a finding on the next non-blank line (files that
 *                                      cannot end a line with a comment)
 *   expected.tsv                       path<TAB>line<TAB>code, for files without comments
 * The folder is checked through the real CLI (`main(['check', ..., '--format', 'json'])`), with
 * its own pylint-perf.json when it has one and --isolated otherwise, and the complete set of
 * findings is compared: a missing finding and an extra finding both fail. Sub-folders are parts
 * of the one project their top-level folder is (PP301 has one per way of starting gunicorn).
 *
 * expected.json, next to the markers, pins what users read: the folder's complete JSON report
 * exactly as the CLI prints it (messages, severities, columns, related locations, fixes; paths
 * relative to the folder). When a folder has one, the report must be byte-for-byte the same.
 * `npm test -- -u` (vitest's update flag) writes it for every folder instead, creating it for a
 * new one: review the diff of expected.json like code. -u never changes the markers: they are
 * written by hand and are still compared.
 */

import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { filesUnder } from '../src/tools/files.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const REPORT = 'expected.json';
const EXPECT = /#\s*expect(-next)?:\s*([A-Z]{2}\d{3}(?::\w+)?(?:\s*,\s*[A-Z]{2}\d{3}(?::\w+)?)*)/;

function expectations(dir: string): string[] {
  const expected: string[] = [];
  for (const file of filesUnder(dir)) {
    const rel = path.relative(dir, file).split(path.sep).join('/');
    if (rel === REPORT) continue;
    if (path.basename(file) === 'expected.tsv') {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const [p, l, code] = line.split('\t');
        if (p && l && code && !p.startsWith('#')) expected.push(`${p}:${l}:${code.trim()}`);
      }
      continue;
    }
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      const m = EXPECT.exec(text);
      if (!m) return;
      let line = i + 1;
      if (m[1]) {
        line = i + 2;
        while (line <= lines.length && lines[line - 1].trim() === '') line++;
      }
      for (const code of m[2].split(',')) expected.push(`${rel}:${line}:${code.trim()}`);
    });
  }
  return expected.sort();
}

async function findings(dir: string): Promise<{ items: Record<string, unknown>[]; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const config = ['pylint-perf.json', '.pylint-perf.json', 'pyproject.toml'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  const args = ['check', '.', '--format', 'json', '--fail-on', 'never', '--no-cache', ...(config ? ['--config', config] : ['--isolated'])];
  const code = await main(args, {
    cwd: dir,
    env: {},
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  expect(code, stderr).toBe(0);
  return { items: JSON.parse(stdout) as Record<string, unknown>[], stdout, stderr };
}

/**
 * Whether vitest runs with -u (`npm test -- -u`, or `u` in watch mode): its snapshot state is then
 * 'all' (otherwise 'new', or 'none' in CI). vitest has no public API for it; the test below fails
 * if a vitest upgrade moves it, rather than -u silently rewriting nothing.
 */
function updating(): boolean {
  return snapshotMode() === 'all';
}

function snapshotMode(): string | undefined {
  const state = expect.getState().snapshotState as unknown as { _updateSnapshot?: string } | undefined;
  return state?._updateSnapshot;
}

/** Under -u, writes the report to the folder's expected.json (only when it changed). */
function updateReport(dir: string, report: string): void {
  const file = path.join(dir, REPORT);
  if (!existsSync(file) || readFileSync(file, 'utf8') !== report) writeFileSync(file, report);
}

/** Compares the report with the folder's expected.json, when it has one. */
function compareReport(dir: string, report: string): void {
  const file = path.join(dir, REPORT);
  if (!existsSync(file)) return;
  const rel = path.relative(path.dirname(FIXTURES), file);
  expect(report, `${rel} is not the report: if the change is intended, run npm test -- -u and review its diff`).toBe(readFileSync(file, 'utf8'));
}

const folders = readdirSync(FIXTURES).filter((f) => statSync(path.join(FIXTURES, f)).isDirectory()).sort();

describe('fixtures', () => {
  it('exist', () => expect(folders.length).toBeGreaterThan(0));
  it('can tell whether vitest runs with -u (which rewrites expected.json)', () => expect(['all', 'new', 'none']).toContain(snapshotMode()));
  for (const folder of folders) {
    it(folder, async () => {
      const dir = path.join(FIXTURES, folder);
      const expected = expectations(dir);
      const { items, stdout, stderr } = await findings(dir);
      if (updating()) updateReport(dir, stdout);
      const withSeverity = new Set(expected.filter((e) => e.split(':').length === 4));
      const actual = items
        .map((d) => {
          const base = `${d.path}:${d.line}:${d.code}`;
          const full = `${base}:${d.severity}`;
          return withSeverity.has(full) ? full : base;
        })
        .sort();
      const messages = items.map((d) => `${d.path}:${d.line}: ${d.code} ${d.message}`).join('\n');
      expect(actual, `findings were:\n${messages}\n${stderr}`).toEqual(expected);
      expect(stderr, 'fixture files must not produce notices').toBe('');
      // What users read: every message is one or more sentences ending with a full stop, and
      // cites the field reports by name, never by internal file names.
      for (const d of items) {
        expect(String(d.message), `${d.path}:${d.line} ${d.code}`).toMatch(/[^.]\.$/);
        expect(String(d.message), `${d.path}:${d.line} ${d.code}`).not.toMatch(/\bseed\s*0\d\d\b/i);
      }
      compareReport(dir, stdout);
    });
  }
});
