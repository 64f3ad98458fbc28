import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../src/tools/generate-docs.js';
import { cli, tempProject } from './helpers.js';

const BLOCKING = 'import time\n\nasync def handler():\n    time.sleep(1)\n';

describe('output contract', () => {
  it('text: path:line:col: CODE [name] message and a summary, no colours off a TTY', async () => {
    const dir = tempProject({ 'app/main.py': BLOCKING });
    const r = await cli(['check', '.'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^app\/main\.py:4:5: PP101 \[blocking-call-in-async\] `time\.sleep\(\)` /m);
    expect(r.stdout).toMatch(/Found 1 problem \(1 error\) in 1 file checked\./);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('colours only on a TTY, never with NO_COLOR', async () => {
    const dir = tempProject({ 'a.py': BLOCKING });
    let out = '';
    const { main } = await import('../src/cli.js');
    const tty = { write: (s: string) => (out += s), isTTY: true };
    await main(['check', '.'], { cwd: dir, env: {}, stdout: tty, stderr: { write: () => 0 } });
    expect(out).toMatch(/\x1b\[/);
    out = '';
    await main(['check', '.'], { cwd: dir, env: { NO_COLOR: '1' }, stdout: tty, stderr: { write: () => 0 } });
    expect(out).not.toMatch(/\x1b\[/);
  });

  it('json: only JSON on stdout, sorted, with the documented fields; notices on stderr', async () => {
    const dir = tempProject({ 'b.py': BLOCKING, 'a.py': BLOCKING + '    time.sleep(2)\n', 'bad.py': 'x = 1\x00\n' });
    const r = await cli(['check', '.', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const items = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(items.map((i) => `${i.path}:${i.line}`)).toEqual(['a.py:4', 'a.py:5', 'b.py:4']);
    expect(Object.keys(items[0]).sort()).toEqual(['code', 'column', 'context', 'endColumn', 'endLine', 'fix', 'line', 'message', 'path', 'rule', 'severity'].sort());
    expect(items[0]).toMatchObject({ code: 'PP101', rule: 'blocking-call-in-async', severity: 'error', line: 4, column: 5, endLine: 4, endColumn: 18, context: 'library' });
    expect(r.stderr).toMatch(/^bad\.py: notice \[binary\] /m);
  });

  it('--output writes the report to a file', async () => {
    const dir = tempProject({ 'a.py': BLOCKING });
    const r = await cli(['check', '.', '--format', 'json', '--output', 'report.json'], dir);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'))).toHaveLength(1);
  });

  it('exit codes follow --fail-on', async () => {
    const dir = tempProject({ 'a.py': BLOCKING, 'clean.py': 'x = 1\n' });
    expect((await cli(['check', 'clean.py'], dir)).code).toBe(0);
    expect((await cli(['check', '.', '--fail-on', 'never'], dir)).code).toBe(0);
    expect((await cli(['check', '.', '--fail-on', 'bogus'], dir)).code).toBe(2);
    expect((await cli(['check', 'missing-dir'], dir)).code).toBe(2);
  });

  it('--fix rewrites time.sleep to await asyncio.sleep and adds the import', async () => {
    const dir = tempProject({ 'a.py': BLOCKING });
    const r = await cli(['check', '.', '--fix'], dir);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, 'a.py'), 'utf8')).toBe('import asyncio\nimport time\n\nasync def handler():\n    await asyncio.sleep(1)\n');
  });

  it('--diff prints what --fix would change as a unified diff, writes nothing, and exits 1', async () => {
    const dir = tempProject({ 'a.py': BLOCKING });
    const r = await cli(['check', '.', '--diff'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      ['--- a/a.py', '+++ b/a.py', '@@ -1,4 +1,5 @@', '+import asyncio', ' import time', ' ', ' async def handler():', '-    time.sleep(1)', '+    await asyncio.sleep(1)', ''].join('\n'),
    );
    expect(r.stderr).toBe('Would fix 1 finding in 1 file (nothing written).\n');
    expect(readFileSync(path.join(dir, 'a.py'), 'utf8')).toBe(BLOCKING);
    const clean = await cli(['check', '.', '--diff'], tempProject({ 'b.py': 'async def f():\n    return 1\n' }));
    expect(clean.code).toBe(0);
    expect(clean.stderr).toBe('No fixes to apply.\n');
    expect((await cli(['check', '.', '--diff', '--fix'], dir)).code).toBe(2);
  });

  describe('--fix puts `import asyncio` where isort and Ruff would', () => {
    const SLEEP = '\n\nasync def handler():\n    time.sleep(1)\n';
    const FIXED = '\n\nasync def handler():\n    await asyncio.sleep(1)\n';
    const cases: [string, string, string][] = [
      [
        'in the standard-library block, in alphabetical order',
        `import os\nimport time\nimport requests\nfrom app import x${SLEEP}`,
        `import asyncio\nimport os\nimport time\nimport requests\nfrom app import x${FIXED}`,
      ],
      [
        'after the plain imports of the block, before its from-imports',
        `import abc\nimport time\nfrom os import path\n\nimport requests${SLEEP}`,
        `import abc\nimport asyncio\nimport time\nfrom os import path\n\nimport requests${FIXED}`,
      ],
      [
        'a block of its own when the first imports are third-party or first-party',
        `import requests\nfrom app import x\nfrom time import sleep as nap\nimport time${SLEEP}`,
        `import asyncio\n\nimport requests\nfrom app import x\nfrom time import sleep as nap\nimport time${FIXED}`,
      ],
      [
        'after the docstring and `from __future__` imports',
        `"""Service."""\nfrom __future__ import annotations\n\nimport time\n\nimport requests${SLEEP}`,
        `"""Service."""\nfrom __future__ import annotations\n\nimport asyncio\nimport time\n\nimport requests${FIXED}`,
      ],
      [
        'after the docstring and `from __future__` imports of a module that imports nothing at top level',
        '"""Service."""\nfrom __future__ import annotations\n\n\nasync def handler():\n    import time\n    time.sleep(1)\n',
        '"""Service."""\nfrom __future__ import annotations\n\nimport asyncio\n\n\nasync def handler():\n    import time\n    await asyncio.sleep(1)\n',
      ],
      [
        'before the first statement, after leading comments, of a module without imports or docstring',
        '#!/usr/bin/env python\n# a tool\nasync def handler():\n    import time\n    time.sleep(1)\n',
        '#!/usr/bin/env python\n# a tool\nimport asyncio\n\n\nasync def handler():\n    import time\n    await asyncio.sleep(1)\n',
      ],
      ['nowhere when asyncio is already imported', `import asyncio\nimport time${SLEEP}`, `import asyncio\nimport time${FIXED}`],
      ['nowhere when asyncio is imported under another name', `import asyncio as aio\nimport time${SLEEP}`, `import asyncio as aio\nimport time${FIXED.replace('asyncio', 'aio')}`],
    ];
    for (const [name, before, after] of cases) {
      it(name, async () => {
        const dir = tempProject({ 'a.py': before });
        const r = await cli(['check', '.', '--fix'], dir);
        expect(r.stdout).toMatch(/Fixed 1 problem/);
        expect(readFileSync(path.join(dir, 'a.py'), 'utf8')).toBe(after);
      });
    }
  });

  it('rules and explain come from the rule objects', async () => {
    const rules = await cli(['rules'], process.cwd());
    expect(rules.stdout).toMatch(/^PP101\s+blocking-call-in-async\s+error/m);
    const explain = await cli(['explain', 'blocking-call-in-async'], process.cwd());
    expect(explain.stdout).toMatch(/^# PP101 `blocking-call-in-async`/);
    expect(explain.stdout).toMatch(/108\.8 req\/s/);
    expect((await cli(['explain', 'PP999'], process.cwd())).code).toBe(2);
  });
});

describe('explain --why FILE:LINE', () => {
  const project = {
    'app/__init__.py': '',
    'app/main.py': 'from fastapi import FastAPI\n\nfrom app.users import load_user\n\napp = FastAPI()\n\n\n@app.get("/users/{uid}")\nasync def get_user(uid: int):\n    return await load_user(uid)\n',
    'app/users.py': 'import requests\n\nLIMIT = 3\n\n\nasync def load_user(uid):\n    return requests.get(f"http://users/{uid}").json()\n',
    'tests/test_users.py': 'import time\n\n\nasync def test_user():\n    time.sleep(1)\n',
  };

  it('prints the function, its contexts and the proof: the entry point and the chain from it', async () => {
    const dir = tempProject(project);
    const r = await cli(['explain', '--why', 'app/users.py:7'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'app/users.py:7 is in `async def load_user` (line 6), which runs in: server.',
        '',
        'server: route handler `get_user`, at app/main.py:8',
        '  app/main.py:10  `get_user` awaits `load_user()`',
        '',
        'PP101 blocking-call-in-async reports findings here (it reports: server, library, startup).',
        'PP102 http-client-per-request reports findings here (it reports: server, library, startup).',
        '',
      ].join('\n'),
    );
  });

  it('a step whose call is written over several lines reads as one line; a factory typed Type[X] and the base class its branches share', async () => {
    const dir = tempProject({
      'app/__init__.py': '',
      'app/stores.py': 'import boto3\n\n\nclass Store:\n    async def initialize(self):\n        pass\n\n\nclass S3Store(Store):\n    async def initialize(self):\n        boto3.client("s3").head_bucket(Bucket="b")\n\n\nclass MemoryStore(Store):\n    async def initialize(self):\n        pass\n\n\ndef make_store(kind):\n    if kind == "s3":\n        return S3Store()\n    return MemoryStore()\n',
      'app/main.py': 'from typing import Type\n\nfrom fastapi import FastAPI\n\nfrom app.stores import make_store\n\n\nclass Factory:\n    def __init__(self, kind):\n        self.kind = kind\n\n    async def build(self):\n        store = make_store(self.kind)\n        await store.initialize()\n\n\nasync def assemble(factory: Type[Factory]):\n    await factory(\n        "s3",\n    ).build()\n\n\nasync def lifespan(app):\n    await assemble(Factory)\n    yield\n\n\napp = FastAPI(lifespan=lifespan)\n',
    });
    const r = await cli(['explain', '--why', 'app/stores.py:11'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('  app/main.py:18  `assemble` awaits `factory("s3",).build()`\n');
    expect(r.stdout).toContain('  app/main.py:14  `Factory.build` awaits `store.initialize()`, overridden in `S3Store`\n');
    expect(r.stdout).toMatch(/runs in: startup\.$/m);
  });

  it('a test, with the contexts option of the configuration; a line outside any function', async () => {
    const dir = tempProject({ ...project, 'pylint-perf.json': JSON.stringify({ PP101: { contexts: ['server', 'test'] } }) });
    const test = await cli(['explain', '--why=tests/test_users.py:5'], dir);
    expect(test.stdout).toMatch(/^tests\/test_users\.py:5 is in `async def test_user` \(line 4\), which runs in: test\.$/m);
    expect(test.stdout).toMatch(/^test: `test_users\.py` is a test file, at tests\/test_users\.py:4$/m);
    expect(test.stdout).toMatch(/^PP101 blocking-call-in-async reports findings here \(it reports: server, test\)\.$/m);
    const outside = await cli(['explain', '--why', 'app/users.py:3'], dir);
    expect(outside.code).toBe(0);
    expect(outside.stdout).toBe('app/users.py:3 is not inside a function: module-level and class-level code runs once, when the module is imported.\n');
  });

  const bad: [string, string[], RegExp][] = [
    ['no location', ['explain', '--why'], /option '--why' needs a value/],
    ['no line', ['explain', '--why', 'app/users.py'], /--why app\/users\.py: expected FILE:LINE with a line number from 1/],
    ['line 0', ['explain', '--why', 'app/users.py:0'], /expected FILE:LINE with a line number from 1/],
    ['missing file', ['explain', '--why', 'app/nope.py:3'], /--why app\/nope\.py:3: app\/nope\.py: no such file/],
    ['not Python', ['explain', '--why', 'app:3'], /--why app:3: app is not a Python file/],
    ['past the end', ['explain', '--why', 'app/users.py:99'], /--why app\/users\.py:99: app\/users\.py has 7 lines/],
    ['also a rule', ['explain', 'PP101', '--why', 'app/users.py:7'], /explain --why takes one FILE:LINE, not also 'PP101'/],
  ];
  for (const [name, args, message] of bad) {
    it(`bad input: ${name} (exit 2)`, async () => {
      const r = await cli(args, tempProject(project));
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    });
  }
});

describe('configuration', () => {
  const bad: [string, Record<string, string>, RegExp][] = [
    ['unknown key with a suggestion', { 'pylint-perf.json': '{"selct": ["PP101"]}' }, /pylint-perf\.json[\s\S]*selct: unknown key \(did you mean 'select'\?\)/],
    ['wrong type', { 'pylint-perf.json': '{"select": "PP101"}' }, /select: expected array, got string "PP101"/],
    ['unknown rule in select', { 'pylint-perf.json': '{"ignore": ["PP999"]}' }, /ignore\[0\]: expected a rule code, name or prefix/],
    ['bad severity', { 'pylint-perf.json': '{"severity": {"PP101": "fatal"}}' }, /severity\.PP101: expected one of "error", "warning", "info", "off"/],
    ['unknown rule in severity', { 'pylint-perf.json': '{"severity": {"PP777": "error"}}' }, /severity\.PP777: 'PP777' is not a rule code or name/],
    ['bad rule option', { 'pylint-perf.json': '{"blocking-call-in-async": {"blocking-calls": "x"}}' }, /blocking-call-in-async\.blocking-calls: expected array/],
    ['pyproject path prefix', { 'pyproject.toml': '[tool.pylint-perf]\nfail-on = "sometimes"\n' }, /pyproject\.toml[\s\S]*tool\.pylint-perf\.fail-on: expected one of/],
    ['TOML syntax error', { 'pyproject.toml': '[tool.pylint-perf]\nselect = [\n' }, /pyproject\.toml[\s\S]*line \d+, column \d+/],
    ['JSON syntax error', { '.pylint-perf.json': '{"select": [}' }, /\.pylint-perf\.json[\s\S]*not valid JSON/],
  ];
  for (const [name, files, message] of bad) {
    it(`exits 2 on ${name}`, async () => {
      const dir = tempProject({ ...files, 'a.py': BLOCKING });
      const r = await cli(['check', '.'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }

  it('applies select, ignore, severity, per-file-ignores and fail-on from pyproject.toml', async () => {
    const dir = tempProject({
      'pyproject.toml': '[tool.pylint-perf]\nseverity = { blocking-call-in-async = "warning" }\nfail-on = "error"\n[tool.pylint-perf.per-file-ignores]\n"tests/" = ["PP101"]\n',
      'app.py': BLOCKING,
      'tests/test_app.py': BLOCKING,
    });
    const r = await cli(['check', '.', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    const items = JSON.parse(r.stdout) as { path: string; severity: string }[];
    expect(items.map((i) => [i.path, i.severity])).toEqual([['app.py', 'warning']]);
    const ignored = await cli(['check', '.', '--ignore', 'PP1', '--format', 'json'], dir);
    expect(JSON.parse(ignored.stdout)).toEqual([]);
  });

  it('the nearest config file wins and --config overrides', async () => {
    const dir = tempProject({
      'pylint-perf.json': '{"ignore": ["PP101"]}',
      'svc/pylint-perf.json': '{}',
      'svc/a.py': BLOCKING,
    });
    expect((await cli(['check', 'svc'], dir)).code).toBe(1);
    expect((await cli(['check', 'svc', '--config', 'pylint-perf.json'], dir)).code).toBe(0);
  });
});

describe('discovery', () => {
  it('honours .gitignore, default and configured excludes; explicit files are always checked', async () => {
    const dir = tempProject({
      '.gitignore': 'generated/\n',
      'generated/a.py': BLOCKING,
      '.venv/lib/b.py': BLOCKING,
      'build/c.py': BLOCKING,
      'archive/d.py': BLOCKING,
      'pylint-perf.json': '{"extend-exclude": ["archive/"]}',
      'src/e.py': BLOCKING,
    });
    mkdirSync(path.join(dir, '.git'));
    const r = await cli(['check', '.', '--format', 'json'], dir);
    expect((JSON.parse(r.stdout) as { path: string }[]).map((i) => i.path)).toEqual(['src/e.py']);
    const explicit = await cli(['check', 'generated/a.py', 'archive/d.py', '--format', 'json'], dir);
    expect((JSON.parse(explicit.stdout) as { path: string }[]).map((i) => i.path)).toEqual(['archive/d.py', 'generated/a.py']);
    const forced = await cli(['check', 'archive/d.py', '--force-exclude', '--format', 'json'], dir);
    expect(JSON.parse(forced.stdout)).toEqual([]);
  });

  it('checks build/ and dist/ inside a package (code), not at the top (build output)', async () => {
    const dir = tempProject({
      'build/lib/app/x.py': BLOCKING,
      'dist/y.py': BLOCKING,
      'app/__init__.py': '',
      'app/build/api.py': BLOCKING,
      'app/dist/z.py': BLOCKING,
      'app/build/lib/w.py': BLOCKING,
    });
    const r = await cli(['check', '.', '--format', 'json', '--select', 'PP101'], dir);
    const paths = (JSON.parse(r.stdout || '[]') as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(['app/build/api.py', 'app/build/lib/w.py', 'app/dist/z.py']);
    // A configured exclude list is the user's word.
    const own = tempProject({ 'app/__init__.py': '', 'app/build/api.py': BLOCKING, 'pylint-perf.json': '{"exclude": ["build"]}' });
    expect(JSON.parse((await cli(['check', '.', '--format', 'json'], own)).stdout)).toEqual([]);
  });

  it('survives symlink loops, dangling links and unreadable files', async () => {
    const dir = tempProject({ 'pkg/a.py': BLOCKING, 'bad.py': Buffer.from([0x78, 0x3d, 0xff, 0xfe, 0x0a]).toString('latin1') });
    writeFileSync(path.join(dir, 'bad.py'), Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x22, 0xff, 0x22, 0x0a]));
    symlinkSync(path.join(dir, 'pkg'), path.join(dir, 'pkg', 'loop'));
    symlinkSync(path.join(dir, 'nowhere.py'), path.join(dir, 'dangling.py'));
    writeFileSync(path.join(dir, 'secret.py'), BLOCKING);
    chmodSync(path.join(dir, 'secret.py'), 0o000);
    const r = await cli(['check', '.'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/PP101/g)?.length).toBe(process.getuid?.() === 0 ? 2 : 1);
    expect(r.stdout).toMatch(/dangling\.py: notice \[unreadable\] dangling symbolic link/);
    expect(r.stdout).toMatch(/bad\.py:1: notice \[not-utf8\]/);
  });
});

describe('grouped findings', () => {
  it('a PP101 cause reached from several call sites is grouped among the checked files only', async () => {
    const dir = tempProject({
      'users.py': 'import requests\n\n\ndef get_user(i):\n    return requests.get(f"https://users.internal/{i}")\n',
      'a.py': 'from users import get_user\n\n\nasync def one(i):\n    return get_user(i)\n',
      'b.py': 'from users import get_user\n\n\nasync def two(i):\n    return get_user(i)\n',
    });
    const all = JSON.parse((await cli(['check', '.', '--isolated', '--format', 'json'], dir)).stdout) as { path: string; related: unknown[] }[];
    expect(all.map((d) => [d.path, d.related.length])).toEqual([['a.py', 2]]);
    // A pre-commit run on b.py alone reports b.py's call site: a group never hides a checked file behind an unchecked one.
    const one = JSON.parse((await cli(['check', 'b.py', '--isolated', '--format', 'json'], dir)).stdout) as { path: string; message: string }[];
    expect(one.map((d) => d.path)).toEqual(['b.py']);
    expect(one[0].message).not.toMatch(/also called/);
  });
});

describe('generated files', () => {
  it('docs/rules, rules.schema.json and the README rule table match the rule objects (run `npm run docs`)', () => {
    for (const [rel, text] of generatedFiles()) {
      expect(readFileSync(path.join(import.meta.dirname, '..', rel), 'utf8'), `${rel} is out of date: run npm run docs`).toBe(text);
    }
  });
});

describe('execution context from the paths named on the command line', () => {
  const ROUTE = 'import time\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\nasync def index():\n    time.sleep(1)\n';
  it('a folder named examples/ decides unless the user names a directory inside it', async () => {
    const dir = tempProject({ 'examples/shop/app.py': ROUTE, 'pyproject.toml': '[project]\nname = "x"\n' });
    const codes = async (args: string[]) => (JSON.parse((await cli(['check', ...args, '--format', 'json', '--no-cache'], dir)).stdout) as { path: string; code: string; context?: string }[]).map((d) => `${d.path}:${d.code}:${d.context}`);
    expect(await codes(['.'])).toEqual([]);
    expect(await codes(['examples/shop/app.py'])).toEqual([]);
    expect(await codes(['examples/shop'])).toEqual(['examples/shop/app.py:PP101:server']);
    expect(await codes(['examples'])).toEqual(['examples/shop/app.py:PP101:server']);
  });
});
