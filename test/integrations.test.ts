/**
 * The CI integrations other than SARIF: GitHub workflow commands, partial runs (pre-commit passes
 * only the changed files), and the real pre-commit client against `.pre-commit-hooks.yaml`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { deploymentFileKind } from '../src/read/discover.js';
import { escapeData, escapeProperty } from '../src/reporters/github.js';
import { cli, run, tempDir, tempProject } from './helpers.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BLOCKING = 'import time\n\nasync def handler():\n    time.sleep(1)\n';

describe('--format github', () => {
  it('escapes %, CR and LF in messages', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeData('%0A is literal')).toBe('%250A is literal');
  });

  it('escapes %, CR, LF, : and , in properties', () => {
    expect(escapeProperty('a,b:c%d\ne\rf')).toBe('a%2Cb%3Ac%25d%0Ae%0Df');
    expect(escapeProperty('C:\\src\\x.py')).toBe('C%3A\\src\\x.py');
  });

  it('prints one workflow command per finding with file, line, col, endLine, endColumn and title', async () => {
    const dir = tempProject({ 'app/main.py': BLOCKING });
    const r = await cli(['check', '.', '--format', 'github'], dir);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^::error file=app\/main\.py,line=4,endLine=4,col=5,endColumn=18,title=PP101 blocking-call-in-async::`time\.sleep\(\)` /,
    );
  });

  it('escapes awkward file names and multi-line messages in the full command', async () => {
    const dir = tempProject({ 'app/a,b:c %.py': BLOCKING });
    const r = await cli(['check', '.', '--format', 'github'], dir);
    const line = r.stdout.trimEnd();
    expect(line).toContain('file=app/a%2Cb%3Ac %25.py,');
    // Nothing unescaped can split the command: one physical line, exactly one `::` after the properties.
    expect(line.split('\n')).toHaveLength(1);
    const [, props] = /^::error (.*?)::/.exec(line)!;
    expect(props.split(',').map((p) => p.split('=')[0])).toEqual(['file', 'line', 'endLine', 'col', 'endColumn', 'title']);
  });

  it('maps warnings and infos to warning and notice, and reports file notices', async () => {
    const dir = tempProject({
      'pylint-perf.json': JSON.stringify({ severity: { PP101: 'warning' } }),
      'a.py': BLOCKING,
      'bad.py': 'def (:\n',
    });
    const r = await cli(['check', '.', '--format', 'github'], dir);
    expect(r.stdout).toMatch(/^::warning file=a\.py,line=4,/m);
    expect(r.stdout).toMatch(/^::(warning|notice|error) file=bad\.py,line=1,title=pylint-perf[^:]*::/m);
    const dir2 = tempProject({ 'pylint-perf.json': JSON.stringify({ severity: { PP101: 'info' } }), 'a.py': BLOCKING });
    expect((await cli(['check', '.', '--format', 'github'], dir2)).stdout).toMatch(/^::notice file=a\.py,/);
  });

  it('rejects --sarif-category without --format sarif (exit 2)', async () => {
    const dir = tempProject({ 'a.py': 'x = 1\n' });
    const r = await cli(['check', '.', '--format', 'github', '--sarif-category', 'x'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--sarif-category needs --format sarif/);
  });

  it('prints nothing for a clean project', async () => {
    const dir = tempProject({ 'a.py': 'x = 1\n' });
    const r = await cli(['check', '.', '--format', 'github'], dir);
    expect(r).toMatchObject({ code: 0, stdout: '' });
  });
});

describe('partial runs (the files pre-commit passes)', () => {
  const files = {
    'pyproject.toml': '[project]\nname = "svc"\n',
    'app/__init__.py': '',
    'app/database.py':
      'from sqlalchemy import create_engine\nfrom sqlalchemy.orm import sessionmaker\n\nengine = create_engine("postgresql://")\nSessionLocal = sessionmaker(bind=engine)\n',
    'app/routes.py':
      'from .database import SessionLocal\n\n\nasync def report():\n    db = SessionLocal()\n    return db.execute("select 1")\n',
    'app/other.py': BLOCKING,
    'app/broken.py': 'def (:\n',
  };

  it('a router checked on its own still knows what the modules it imports define', async () => {
    const dir = tempProject(files);
    const r = await cli(['check', 'app/routes.py', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const items = JSON.parse(r.stdout) as { path: string; line: number; code: string }[];
    expect(items.map((i) => `${i.path}:${i.line}:${i.code}`)).toEqual(['app/routes.py:6:PP101']);
    // Only the named file is reported: neither app/other.py's finding nor app/broken.py's notice.
    expect(r.stderr).not.toMatch(/broken\.py/);
  });

  it('--no-project-context reads only the named files', async () => {
    const dir = tempProject(files);
    const r = await cli(['check', 'app/routes.py', '--format', 'json', '--no-project-context'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('the summary counts only the files that were checked', async () => {
    const dir = tempProject(files);
    const r = await cli(['check', 'app/routes.py', 'app/other.py'], dir);
    expect(r.stdout).toMatch(/Found 2 problems \(2 errors\) in 2 files checked\./);
  });
});

describe('.pre-commit-hooks.yaml', () => {
  const hooks = parseYaml(readFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[];
  const hook = hooks.find((h) => h.id === 'pylint-perf')!;
  const pattern = String(hook.files).replace(/^\(\?ix\)/, '');
  const files = new RegExp(pattern.replace(/\s+|#[^\n]*/g, ''), 'i');

  it('declares a node hook running pylint-perf check', () => {
    expect(hook).toMatchObject({ language: 'node', require_serial: true });
    expect(String(hook.entry)).toMatch(/^pylint-perf check\b/);
  });

  it.each([
    'app/main.py',
    'Dockerfile',
    'docker/Dockerfile.prod',
    'api.dockerfile',
    'docker-compose.yml',
    'compose.yaml',
    'Procfile',
    'gunicorn.conf.py',
    'deploy/nginx.conf',
    'nginx/sites-available/api',
    'scripts/start.sh',
    'docker/entrypoint',
    'bin/start',
    'Makefile',
    'template.yaml',
    'serverless.yml',
    'requirements.txt',
    'requirements/prod.txt',
    'pyproject.toml',
    'Pipfile',
    'setup.cfg',
    'deploy/app.service',
    'supervisord.conf',
    'zappa_settings.json',
    'template.json',
    'infra/stack.template.json',
  ])('selects %s, which discovery also reads', (file) => {
    expect(files.test(file)).toBe(true);
    expect(file.endsWith('.py') || deploymentFileKind(file) !== undefined).toBe(true);
  });

  it.each(['README.md', 'stubs/x.pyi', 'docs/notes.txt', 'src/index.ts', 'package.json', 'image.png'])('does not select %s', (file) => {
    expect(files.test(file)).toBe(false);
  });
});

function preCommitAvailable(): boolean {
  return spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;
}

const haveGitCommit = spawnSync('git', ['-C', REPO, 'rev-parse', 'HEAD']).status === 0;

describe('pre-commit end to end', () => {
  // CI installs pre-commit (.ci/run); locally the test is skipped, loudly, when it is missing.
  const available = preCommitAvailable();
  if (!available && process.env.CI) throw new Error('pre-commit is not installed; .ci/run installs it (apt-get install pre-commit)');
  if (!available) console.warn('pre-commit not installed: skipping the end-to-end hook test (apt-get install pre-commit)');

  it.runIf(available && haveGitCommit)(
    'pre-commit try-repo fails on a blocking call and passes on clean code',
    async () => {
      const home = tempDir('pylint-perf-precommit-home-');
      const work = tempDir('pylint-perf-precommit-');
      const env = {
        ...process.env,
        PRE_COMMIT_HOME: home,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.invalid',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.invalid',
        NO_COLOR: '1',
      };
      const git = (...args: string[]) => execFileSync('git', args, { cwd: work, env, stdio: 'pipe' });
      git('init', '-q');
      writeFileSync(path.join(work, 'service.py'), 'import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n');
      git('add', '-A');
      const tryRepo = () => run('pre-commit', ['try-repo', REPO, 'pylint-perf', '--all-files', '--color', 'never'], { cwd: work, env });

      const clean = await tryRepo();
      expect(clean.stdout + clean.stderr).toMatch(/pylint-perf\.+Passed/);
      expect(clean.status).toBe(0);

      writeFileSync(path.join(work, 'service.py'), BLOCKING);
      git('add', '-A');
      const bad = await tryRepo();
      expect(bad.status).toBe(1);
      expect(bad.stdout).toMatch(/pylint-perf\.+Failed/);
      expect(bad.stdout).toMatch(/service\.py:4:5: PP101 \[blocking-call-in-async\]/);
    },
    180_000,
  );

  it('a packed release installs with --omit=dev into at most 25 MB of node_modules and checks the example', async () => {
    const out = tempDir('pylint-perf-pack-');
    const packed = await run('npm', ['pack', '--silent', '--pack-destination', out], { cwd: REPO });
    expect(packed.status, packed.stderr).toBe(0);
    const tarball = path.join(out, packed.stdout.trim().split('\n').pop()!);
    const project = path.join(out, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), '{"name": "service", "private": true}\n');
    const install = await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', tarball], { cwd: project });
    expect(install.status, install.stderr).toBe(0);
    const bytes = (dir: string): number =>
      readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? bytes(path.join(dir, e.name)) : e.isFile() ? statSync(path.join(dir, e.name)).size : 0), 0);
    expect(bytes(path.join(project, 'node_modules')) / 1e6).toBeLessThanOrEqual(25);
    const checked = await run('npx', ['pylint-perf', 'check', path.join(REPO, 'examples'), '--no-cache', '--no-show-source'], { cwd: project });
    expect(checked.status, checked.stderr).toBe(1);
    expect(checked.stdout).toMatch(/Found 8 problems/);
  }, 120_000);

  it.runIf(haveGitCommit)(
    "pre-commit's install of the hook (npm install --dev --prod, which npm 10+ reads as 'omit dev') builds it and brings no test tool",
    async () => {
      // The command pre-commit's node support runs in its copy of the repository, then `npm pack`.
      const copy = tempDir('pylint-perf-hook-install-');
      const tracked = execFileSync('git', ['-C', REPO, 'ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter((f) => f && !f.startsWith('test/') && !f.startsWith('bench/') && !f.startsWith('docs/') && existsSync(path.join(REPO, f)));
      for (const f of tracked) {
        mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
        writeFileSync(path.join(copy, f), readFileSync(path.join(REPO, f)));
      }
      const install = await run('npm', ['install', '--dev', '--prod', '--ignore-prepublish', '--no-progress', '--no-save', '--no-audit', '--no-fund'], { cwd: copy });
      expect(install.status, install.stderr).toBe(0);
      const installed = readdirSync(path.join(copy, 'node_modules'));
      expect(installed).toContain('typescript');
      expect(installed.filter((name) => ['vitest', 'dependency-cruiser', '@microsoft', '@ast-grep', '@swc'].includes(name))).toEqual([]);
      expect(existsSync(path.join(copy, 'dist', 'cli-main.js'))).toBe(true);
      const checked = await run(process.execPath, [path.join(copy, 'bin', 'pylint-perf.js'), 'check', path.join(REPO, 'examples'), '--no-cache', '--no-show-source'], { cwd: copy });
      expect(checked.status).toBe(1);
      expect(checked.stdout).toMatch(/Found 8 problems/);
    },
    180_000,
  );
});
