import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PythonParser } from '../src/read/python/parser.js';
import { withNoqa } from '../src/run/add-noqa.js';
import { cli, tempProject } from './helpers.js';

const SERVICE = [
  'import time',
  'import requests',
  '',
  'DOC = """',
  'text"""',
  '',
  '',
  'async def handler():',
  '    time.sleep(1)  # noqa: E501',
  '    x = requests.get("u" \\',
  '        , timeout=1)',
  '    y = requests.get(',
  '        "v")',
  '    z = f"""{requests.get("w")}',
  '"""',
  '    requests.post("audit")',
  '',
].join('\n');

describe('--add-noqa', () => {
  it('appends or extends a noqa comment per flagged line, keeps the codes already there, and is idempotent', async () => {
    const dir = tempProject({ 'pyproject.toml': '[project]\nname = "s"\n', 'service.py': SERVICE, Dockerfile: 'FROM python:3.12\nCMD ["gunicorn", "service:app"]\n' });
    const first = await cli(['check', '.', '--add-noqa'], dir);
    expect(first.code, first.stderr).toBe(0);
    // Lines 9, 12 and 16; line 10 continues with a backslash and line 14 ends inside a string.
    expect(first.stdout).toBe('Added 3 noqa comments to 1 file. 2 findings left as they are (deployment files, lines continued with a backslash or ending inside a string): --suppress-all records those.\n');
    const lines = readFileSync(path.join(dir, 'service.py'), 'utf8').split('\n');
    expect(lines[8]).toBe('    time.sleep(1)  # noqa: E501, PP101');
    expect(lines[9]).toBe('    x = requests.get("u" \\');
    expect(lines[11]).toBe('    y = requests.get(  # noqa: PP101');
    expect(lines[13]).toBe('    z = f"""{requests.get("w")}');
    expect(lines[15]).toBe('    requests.post("audit")  # noqa: PP101');
    // The file still parses as it did.
    const parser = await PythonParser.create();
    try {
      expect(parser.facts(lines.join('\n'), { path: 'service.py', moduleName: 'service', isPackage: false }).syntaxErrors).toEqual([]);
    } finally {
      parser.dispose();
    }
    const second = await cli(['check', '.', '--add-noqa'], dir);
    expect(second.stdout).toMatch(/^Added 0 noqa comments to 0 files\./);
    expect(readFileSync(path.join(dir, 'service.py'), 'utf8').split('\n')).toEqual(lines);
    const after = await cli(['check', '.', '--format', 'json'], dir);
    expect((JSON.parse(after.stdout) as { line: number }[]).map((f) => f.line)).toEqual([10, 14]);
  });

  it('withNoqa: a new comment, codes merged into an existing one, a bare noqa left alone', () => {
    expect(withNoqa('    time.sleep(1)   ', ['PP101'])).toBe('    time.sleep(1)  # noqa: PP101');
    expect(withNoqa('x()  # noqa: E501  (long)', ['PP101', 'PP102'])).toBe('x()  # noqa: E501, PP101, PP102  (long)');
    expect(withNoqa('x()  # noqa:PP101', ['PP101'])).toBe('x()  # noqa:PP101');
    expect(withNoqa('x()  # noqa', ['PP101'])).toBe('x()  # noqa');
  });

  it('does not combine with --fix or the bulk suppression options', async () => {
    const dir = tempProject({ 'service.py': SERVICE });
    for (const other of ['--fix', '--suppress-all', '--prune-suppressions']) {
      const r = await cli(['check', '.', '--add-noqa', other], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--add-noqa does not combine with --fix or the bulk suppression options');
    }
  });
});
