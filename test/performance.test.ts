/**
 * The machinery that makes repeated runs fast, tested for behaviour (speed itself is measured by
 * `npm run bench`, never asserted here): the content cache, `cache clean`, `--no-cache`, and
 * worker threads giving the same output as one thread.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeFingerprint } from '../src/run/cache.js';
import { runCheck } from '../src/run/runner.js';
import { RULES } from '../src/rules/index.js';
import { cli, run, tempProject } from './helpers.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BLOCKING = 'import time\n\nasync def handler():\n    time.sleep(1)\n';

describe('the cache', () => {
  const project = () =>
    tempProject({ 'pyproject.toml': '[project]\nname = "x"\n', 'app/a.py': BLOCKING, 'app/b.py': 'from app.a import handler\n', Procfile: 'web: uvicorn app.a:app\n' });

  it('returns the same findings from the cache and notices a changed file', async () => {
    const dir = project();
    const options = { paths: ['.'], cwd: dir, rules: RULES };
    const cold = await runCheck(options);
    expect(cold.cacheHit).toBe(false);
    expect(existsSync(path.join(dir, '.pylint-perf-cache', '.gitignore'))).toBe(true);
    const warm = await runCheck(options);
    expect(warm.cacheHit).toBe(true);
    expect(warm.diagnostics).toEqual(cold.diagnostics);
    expect(warm.notices).toEqual(cold.notices);
    writeFileSync(path.join(dir, 'app/a.py'), `${BLOCKING}    time.sleep(2)\n`);
    const changed = await runCheck(options);
    expect(changed.cacheHit).toBe(false);
    expect(changed.diagnostics.filter((d) => d.code === 'PP101').map((d) => d.range.line)).toEqual([4, 5]);
  });

  it('is keyed by configuration too', async () => {
    const dir = project();
    await runCheck({ paths: ['.'], cwd: dir, rules: RULES });
    const other = await runCheck({ paths: ['.'], cwd: dir, rules: RULES, select: ['PP302'] });
    expect(other.cacheHit).toBe(false);
    expect(other.diagnostics.map((d) => d.code)).toEqual(['PP302']);
  });

  it('survives concurrent runs on the same project', async () => {
    const dir = project();
    const results = await Promise.all(Array.from({ length: 6 }, () => runCheck({ paths: ['.'], cwd: dir, rules: RULES })));
    for (const r of results) expect(r.diagnostics).toEqual(results[0].diagnostics);
  });

  it('--no-cache neither reads nor writes it; cache clean removes it', async () => {
    const dir = project();
    await cli(['check', '.', '--no-cache'], dir);
    expect(existsSync(path.join(dir, '.pylint-perf-cache'))).toBe(false);
    await cli(['check', '.'], dir);
    expect(existsSync(path.join(dir, '.pylint-perf-cache'))).toBe(true);
    const r = await cli(['cache', 'clean'], dir);
    expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/^removed .*\.pylint-perf-cache\n$/) });
    expect(existsSync(path.join(dir, '.pylint-perf-cache'))).toBe(false);
    expect((await cli(['cache', 'clean'], dir)).stdout).toMatch(/^no cache in /);
    expect((await cli(['cache', 'purge'], dir)).code).toBe(2);
  });
});

describe('the engine fingerprint', () => {
  it('covers every code file below the code root: a new folder, a new file or a move changes it', () => {
    const root = tempProject({ 'cli.js': 'a', 'run/runner.js': 'b', 'rules/PP101.js': 'c', 'README.md': 'not code' });
    const first = codeFingerprint(root);
    expect(codeFingerprint(root)).toBe(first);
    writeFileSync(path.join(root, 'README.md'), 'edited docs');
    expect(codeFingerprint(root)).toBe(first);
    mkdirSync(path.join(root, 'model'));
    writeFileSync(path.join(root, 'model', 'project.js'), 'd');
    const withNewFolder = codeFingerprint(root);
    expect(withNewFolder).not.toBe(first);
    renameSync(path.join(root, 'model', 'project.js'), path.join(root, 'run', 'project.js'));
    expect(codeFingerprint(root)).not.toBe(withNewFolder);
  });
});

describe('worker threads', () => {
  const built = existsSync(path.join(REPO, 'dist', 'cli-main.js'));
  if (!built && process.env.CI) throw new Error('dist/ is missing: .ci/run builds it with npm ci');
  it.runIf(built)('give byte-for-byte the same JSON as one thread (the built CLI over all fixtures)', async () => {
    const checkWith = (workers: string) =>
      run(process.execPath, [path.join(REPO, 'bin', 'pylint-perf.js'), 'check', 'test/fixtures', 'examples', '--isolated', '--no-cache', '--format', 'json', '--fail-on', 'never'], {
        cwd: REPO,
        env: { ...process.env, PYLINT_PERF_WORKERS: workers },
      });
    const one = await checkWith('1');
    const two = await checkWith('2');
    expect(one.status).toBe(0);
    expect(JSON.parse(two.stdout).length).toBeGreaterThan(50);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr);
  }, 120_000);
});

describe('--changed-since', () => {
  it('checks only the files changed since a revision, with the project as context', async () => {
    const dir = tempProject({
      'pyproject.toml': '[project]\nname = "x"\n',
      'app/__init__.py': '',
      'app/db.py': 'from sqlalchemy.orm import sessionmaker\nSessionLocal = sessionmaker()\n',
      'app/old.py': BLOCKING,
      'app/routes.py': 'from app.db import SessionLocal\n\nasync def r():\n    return 1\n',
      'README.md': 'x\n',
    });
    const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e.invalid' } });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    const none = await cli(['check', '--changed-since', 'HEAD', '--format', 'json'], dir);
    expect(none).toMatchObject({ code: 0, stdout: '[]\n' });
    writeFileSync(path.join(dir, 'app/routes.py'), 'from app.db import SessionLocal\n\nasync def r():\n    return SessionLocal().execute("select 1")\n');
    writeFileSync(path.join(dir, 'app/new.py'), BLOCKING);
    writeFileSync(path.join(dir, 'README.md'), 'y\n');
    const r = await cli(['check', '--changed-since', 'HEAD', '--format', 'json'], dir);
    expect((JSON.parse(r.stdout) as { path: string }[]).map((d) => d.path)).toEqual(['app/new.py', 'app/routes.py']);
    expect((await cli(['check', '--changed-since', 'no-such-rev'], dir)).code).toBe(2);
  });
});

describe('cache size', () => {
  it('keeps only recent runs and the facts of current contents', async () => {
    const dir = tempProject({ 'pyproject.toml': '[project]\nname = "x"\n', 'a.py': BLOCKING });
    for (let i = 0; i < 140; i++) {
      writeFileSync(path.join(dir, 'a.py'), `${BLOCKING}# edit ${i}\n`);
      await runCheck({ paths: ['.'], cwd: dir, rules: RULES });
    }
    const { readdirSync } = await import('node:fs');
    const base = path.join(dir, '.pylint-perf-cache');
    const engine = readdirSync(base).find((d) => /^[0-9a-f]{16}$/.test(d))!;
    expect(readdirSync(path.join(base, engine, 'runs')).length).toBeLessThanOrEqual(16);
    const facts = readdirSync(path.join(base, engine, 'facts')).flatMap((d) => readdirSync(path.join(base, engine, 'facts', d)));
    // 140 versions of a.py were seen; past twice the floor of 64, only the current one stays.
    expect(facts.length).toBeLessThanOrEqual(2 * 64);
  }, 60_000);
});
