/**
 * Hostile input: every odd file becomes a notice, the other files are analysed, the exit code is
 * 0 or 1, nothing hangs and nothing crashes. The inputs are generated here (no megabytes committed).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { PythonParser } from '../src/read/python/parser.js';
import { runCheck } from '../src/run/runner.js';
import { readSource } from '../src/core/source.js';
import { RULES } from '../src/rules/index.js';
import { cli, tempProject } from './helpers.js';

const BLOCKING = 'import time\n\nasync def handler():\n    time.sleep(1)\n';

/** `path: notice [kind]` lines of the JSON run's stderr, as path → kinds. */
function noticesOf(stderr: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of stderr.matchAll(/^(.+?)(?::\d+)?: notice \[([a-z0-9-]+)\]/gm)) out.set(m[1], [...(out.get(m[1]) ?? []), m[2]]);
  return out;
}

describe('hostile Python files', () => {
  it('are notices or analysed; the rest of the run goes on', async () => {
    const dir = tempProject({ 'good.py': BLOCKING });
    const w = (name: string, data: string | Buffer) => writeFileSync(path.join(dir, name), data);
    w('invalid_utf8.py', Buffer.concat([Buffer.from('x = "'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"\n'), Buffer.from(BLOCKING)]));
    w('utf16_bom.py', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BLOCKING, 'utf16le')]));
    w('nul.py', Buffer.from('x = 1\0\n'));
    w('empty.py', '');
    w('crlf.py', BLOCKING.replace(/\n/g, '\r\n'));
    w('lone_cr.py', BLOCKING.replace(/\n/g, '\r'));
    w('tabs_ff.py', 'import time\n\f\nasync def handler():\n\ttime.sleep(1)\n');
    w('long_line.py', `x = "${'a'.repeat(200_000)}"; import time\nasync def h():\n    time.sleep(1)\n`);
    w('brackets.py', `x = ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    const ifs: string[] = [];
    for (let i = 0; i < 10_000; i++) ifs.push(`${' '.repeat(i)}if x:`);
    ifs.push(`${' '.repeat(10_000)}pass`);
    w('nested_ifs.py', `${ifs.join('\n')}\n`);
    // 20 MB: a generated data module (the usual reason a Python file is that big), code at the end.
    const rows: string[] = ['DATA = ['];
    let size = 0;
    for (let i = 0; size < 20 * 1024 * 1024; i++) {
      const row = `    (${i}, "item-${i}", ${i * 1.5}, {"k": ${i}}),`;
      rows.push(row);
      size += row.length + 1;
    }
    rows.push(']', '');
    w('big.py', `${rows.join('\n')}${BLOCKING}`);
    mkdirSync(path.join(dir, 'dir.py'));
    symlinkSync(path.join(dir, 'nowhere.py'), path.join(dir, 'dangling.py'));
    mkdirSync(path.join(dir, 'pkg'));
    symlinkSync(path.join(dir, 'pkg'), path.join(dir, 'pkg', 'loop'));
    w('secret.py', BLOCKING);
    chmodSync(path.join(dir, 'secret.py'), 0o000);
    const fifo = spawnSync('mkfifo', [path.join(dir, 'fifo.py')]).status === 0;

    const r = await cli(['check', '.', '--format', 'json'], dir);
    expect([0, 1]).toContain(r.code);
    const findings = (JSON.parse(r.stdout) as { path: string; line: number }[]).map((d) => `${d.path}:${d.line}`);
    const notices = noticesOf(r.stderr);
    // Analysed, with the right line numbers whatever the line ends and encodings.
    for (const f of ['good.py:4', 'utf16_bom.py:4', 'crlf.py:4', 'lone_cr.py:4', 'tabs_ff.py:4', 'long_line.py:3', 'invalid_utf8.py:5']) expect(findings).toContain(f);
    expect(findings.some((f) => f.startsWith('big.py:'))).toBe(true);
    // Odd files are notices.
    expect(notices.get('invalid_utf8.py')).toContain('not-utf8');
    expect(notices.get('nul.py')).toEqual(['binary']);
    expect(notices.get('brackets.py')).toContain('too-complex');
    expect(notices.get('nested_ifs.py')).toContain('too-complex');
    expect(notices.get('dangling.py')).toEqual(['unreadable']);
    if (fifo) expect(notices.get('fifo.py')).toEqual(['skipped']);
    // Root reads anything; everyone else gets a notice.
    if (process.getuid?.() === 0) expect(findings).toContain('secret.py:4');
    else expect(notices.get('secret.py')).toEqual(['unreadable']);
    // Never an internal error.
    expect(r.stderr).not.toMatch(/internal-error|rule-error/);
  }, 120_000);

  it('a file deleted between discovery and reading is a notice', async () => {
    const result = await readSource('/nonexistent/deleted-meanwhile.py');
    expect(result).toMatchObject({ ok: false, notice: { kind: 'unreadable', message: expect.stringMatching(/disappeared/) } });
  });
});

describe('hostile deployment files and project shapes', () => {
  it('alias bombs, deep YAML, include loops, exotic gunicorn configs and import cycles', async () => {
    const bomb = (tail: string) => {
      const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
      return `${lines.join('\n')}\n${tail}`;
    };
    const dir = tempProject({
      'docker-compose.yml': bomb('services:\n  api:\n    image: x\n    command: *i\n'),
      'template.yaml': bomb('Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: app.handler, Tags: *i}\n'),
      'deep.yaml': `${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
      'deep-block.yml': Array.from({ length: 2000 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + '\n',
      'nginx/nginx.conf': 'events {}\nhttp {\n  include conf.d/*.conf;\n  include /etc/passwd;\n  include ../../../../etc/nginx/*.conf;\n}\n',
      'nginx/conf.d/a.conf': 'server { include conf.d/b.conf; }\n',
      'nginx/conf.d/b.conf': 'location / { include conf.d/a.conf; proxy_pass http://127.0.0.1:1; }\n',
      'nginx/broken.conf': 'http { server { location / { proxy_pass http://x;\n',
      'gunicorn.conf.py':
        'import os\nimport multiprocessing as mp\n\nif (n := os.cpu_count()) and n > 2:\n    workers = n * 2 + 1\nmatch os.getenv("MODE"):\n    case "prod":\n        worker_class = "uvicorn.workers.UvicornWorker"\n    case _:\n        worker_class = "sync"\nexec("keepalive = 5")\nbind = f"0.0.0.0:{os.environ.get(\'PORT\', 8000)}"\nkeepalive = lambda: 75\n',
      Procfile: 'web: gunicorn app.main:app\n',
      'app/__init__.py': '',
      'app/main.py': 'from fastapi import FastAPI\nfrom app import a\napp = FastAPI()\n',
      'app/a.py': 'from app import b\nimport pandas\n\ndef f():\n    return b.g()\n',
      'app/b.py': 'from app import a\n\ndef g():\n    return a.f()\n\nasync def h():\n    g()\n',
      'pyproject.toml': '[project\nname = ',
    });
    const r = await cli(['check', '.', '--format', 'json'], dir);
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).not.toMatch(/internal-error|rule-error/);
    const notices = noticesOf(r.stderr);
    expect(notices.get('docker-compose.yml')).toBeUndefined(); // the alias is never expanded
    expect(notices.get('template.yaml')).toEqual(['unparsable']);
    expect(notices.get('nginx/broken.conf')).toEqual(['unparsable']);
    expect(notices.get('pyproject.toml')).toEqual(['unparsable']);
    expect([...notices.keys()].some((k) => k.startsWith('nginx/conf.d/'))).toBe(true); // the include loop
    const findings = JSON.parse(r.stdout) as { path: string; code: string }[];
    expect(findings.map((f) => `${f.path}:${f.code}`)).toEqual(expect.arrayContaining(['app/a.py:PP201']));
  }, 60_000);
});

describe('memory', () => {
  it('stays flat over 20 checks in one process (the API an editor or watch mode uses)', async () => {
    const dir = tempProject({ 'app/main.py': BLOCKING, 'app/routes.py': 'import pandas\nfrom fastapi import APIRouter\nrouter = APIRouter()\n', Dockerfile: 'FROM python:3.12\nCMD ["gunicorn", "app.main:app"]\n' });
    const parser = await PythonParser.create();
    const options = { paths: [path.join(import.meta.dirname, 'fixtures')], cwd: dir, rules: RULES, isolated: true, parser, cache: false };
    try {
      // A collection before each measure, so that the heap shows what is kept, not what is not yet collected.
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      for (let i = 0; i < 3; i++) await runCheck(options);
      gc();
      const before = process.memoryUsage();
      for (let i = 0; i < 20; i++) await runCheck(options);
      gc();
      const after = process.memoryUsage();
      // WASM memory (counted in `external`) is where an undeleted tree would leak: ~130 fixture files
      // per run would add megabytes per run. The JS heap is garbage-collected lazily, and RSS follows
      // the allocator (measured with forced GCs over 40 runs: heap 13–20 MB, RSS 97–156 MB, no
      // trend), so the heap gets the tight bound and RSS only a gross one.
      expect((after.external - before.external) / 1048576).toBeLessThan(4);
      expect((after.heapUsed - before.heapUsed) / 1048576).toBeLessThan(20);
      expect((after.rss - before.rss) / 1048576).toBeLessThan(250);
    } finally {
      parser.dispose();
    }
  }, 120_000);
});

describe('many runs in one process', () => {
  it('creating thousands of parsers does not exhaust the WASM function table (a fuzzer finding)', async () => {
    for (let i = 0; i < 6000; i++) {
      const parser = await PythonParser.create();
      parser.facts('import time\n', { path: '/x.py', moduleName: 'x', isPackage: false });
      parser.dispose();
    }
  }, 60_000);
});
