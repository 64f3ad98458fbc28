/**
 * What `--fix` makes of a fixture: every folder of test/fixed/ is named after a fixture folder and
 * holds the files as they must be after `pylint-perf check --fix --unsafe-fixes` on a copy of it —
 * byte for byte, and no other file of the fixture changes. Each fixed file must still be read as
 * what it is: Python parses without syntax errors (tree-sitter), YAML and Dockerfiles parse, and
 * nginx configurations are checked with `nginx -t` (test/deployment.test.ts takes test/fixed/ too).
 */
import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PythonParser } from '../src/read/python/parser.js';
import { cli, tempDir } from './helpers.js';

const HERE = import.meta.dirname;
const FIXED = path.join(HERE, 'fixed');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = path.join(dir, e);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Whether the text still reads as its kind of file (nginx: test/deployment.test.ts). */
async function problemsReading(file: string, text: string, parser: PythonParser): Promise<string[]> {
  const name = path.basename(file);
  if (name.endsWith('.py')) return parser.facts(text, { path: file, moduleName: 'fixed', isPackage: false }).syntaxErrors.map((r) => `syntax error at line ${r.line}`);
  if (/\.ya?ml$/.test(name)) return parseAllDocuments(text).flatMap((d) => ('errors' in d ? d.errors.map((e) => e.message) : []));
  if (/^Dockerfile/.test(name)) return DockerfileParser.parse(text).getInstructions().length > 0 ? [] : ['no instruction'];
  return [];
}

const folders = readdirSync(FIXED).sort();

describe('fixes: test/fixed/<fixture> is the fixture after --fix', () => {
  it('there are fixed fixtures', () => expect(folders.length).toBeGreaterThan(0));
  for (const folder of folders) {
    it(folder, async () => {
      const source = path.join(HERE, 'fixtures', folder);
      const work = tempDir('pylint-perf-fix-');
      cpSync(source, work, { recursive: true });
      const r = await cli(['check', '.', '--fix', '--unsafe-fixes', '--no-cache', '--fail-on', 'never'], work);
      expect(r.code, r.stderr).toBe(0);
      const expected = new Map(filesUnder(path.join(FIXED, folder)).map((f) => [path.relative(path.join(FIXED, folder), f), readFileSync(f, 'utf8')]));
      const parser = await PythonParser.create();
      try {
        for (const file of filesUnder(work)) {
          const rel = path.relative(work, file);
          const after = readFileSync(file, 'utf8');
          const before = readFileSync(path.join(source, rel), 'utf8');
          if (expected.has(rel)) {
            expect(after, `${rel} after --fix`).toBe(expected.get(rel));
            expect(after, `${rel}: --fix changed nothing`).not.toBe(before);
            expect(await problemsReading(file, after, parser), rel).toEqual([]);
          } else {
            expect(after, `${rel} changed but has no expected version in test/fixed/${folder}/`).toBe(before);
          }
        }
      } finally {
        parser.dispose();
      }
    });
  }
});
