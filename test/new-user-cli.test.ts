/**
 * What a new user runs into first: paths that do not exist, typos in options, rule codes and
 * commands, configuration files named on the command line, a closed pipe, an empty directory,
 * and what `--fix` can do. Every case goes through the real CLI code path.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from './helpers.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BLOCKING = 'import time\n\nasync def handler():\n    time.sleep(1)\n';
const CACHE = '.pylint-perf-cache';

/** No internal error, no stack trace, no Node message. */
function expectNoCrash(stderr: string): void {
  expect(stderr).not.toMatch(/internal error|^\s+at |Unhandled|EPIPE|node:/m);
}

describe('--output is checked before the analysis', () => {
  it('a missing directory: one line, exit 2, nothing analysed', async () => {
    const dir = tempProject({ 'a.py': BLOCKING });
    const r = await cli(['check', '.', '--output', 'missing-dir/report.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('pylint-perf: --output missing-dir/report.json: directory missing-dir does not exist\n');
    expect(existsSync(path.join(dir, CACHE)), 'the analysis ran').toBe(false);
  });

  it('a directory, existing or written with a trailing slash: one line, exit 2', async () => {
    const dir = tempProject({ 'a.py': BLOCKING });
    mkdirSync(path.join(dir, 'some-dir'));
    for (const given of ['some-dir/', 'some-dir', 'new-dir/']) {
      const r = await cli(['check', '.', '--output', given, '--format', 'json'], dir);
      expect(r.code, given).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^pylint-perf: --output ${given}: is a directory; name a file, e.g\\. --output some-dir|new-dir/report\\.json\\n$`));
      expectNoCrash(r.stderr);
    }
    expect(existsSync(path.join(dir, 'new-dir')), 'a file named new-dir was written').toBe(false);
    expect(existsSync(path.join(dir, CACHE))).toBe(false);
  });
});

describe('a reader that closes the pipe early (| head -c 10)', () => {
  const built = existsSync(path.join(REPO, 'dist', 'cli-main.js'));
  if (!built && process.env.CI) throw new Error('dist/ is missing: .ci/run builds it with npm ci');
  // Far more output than a pipe holds, so the CLI is still writing when head exits.
  const many = `import time\n\nasync def handler():\n${'    time.sleep(1)\n'.repeat(1500)}`;
  const pipeline = (dir: string, args: string) =>
    spawnSync('bash', ['-c', `"${process.execPath}" "${path.join(REPO, 'bin', 'pylint-perf.js')}" check . --no-cache ${args} | head -c 10; exit "\${PIPESTATUS[0]}"`], {
      cwd: dir,
      encoding: 'utf8',
    });

  it.runIf(built)('ends quietly with the run\'s own exit code (the built CLI)', () => {
    const dir = tempProject({ 'app.py': many });
    const sarif = pipeline(dir, '--format sarif --fail-on never');
    expect(sarif.stdout).toBe('{\n  "$sche');
    expect(sarif.stderr).toBe('');
    expect(sarif.status).toBe(0);
    const text = pipeline(dir, '--format text');
    expect(text.stdout).toBe('app.py:4:5');
    expect(text.stderr).toBe('');
    expect(text.status).toBe(1);
  }, 60_000);
});

describe('cache clean', () => {
  it('a path that does not exist is exit 2, and no other cache is removed', async () => {
    const dir = tempProject({ 'pyproject.toml': '[project]\nname = "x"\n', 'a.py': BLOCKING });
    await cli(['check', '.'], dir);
    expect(existsSync(path.join(dir, CACHE))).toBe(true);
    const r = await cli(['cache', 'clean', '/nonexistent-pylint-perf-dir'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^pylint-perf: \/nonexistent-pylint-perf-dir: no such file or directory\n/);
    expect(existsSync(path.join(dir, CACHE))).toBe(true);
  });
});

describe('--config FILE says what is wrong with the file', () => {
  const files = {
    'a.py': BLOCKING,
    'pyproject.toml': '[project]\nname = "x"\n',
    'ci.toml': '[tool.pylint-perf]\nignore = ["PP101"]\n',
    'flat.toml': 'ignore = ["PP101"]\n',
    'setup.cfg': '[flake8]\nmax-line-length = 100\n',
  };

  it('a pyproject.toml without [tool.pylint-perf]: exit 2, not silently ignored', async () => {
    const dir = tempProject(files);
    const r = await cli(['check', '.', '--config', 'pyproject.toml'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`pylint-perf: invalid configuration in ${dir}/pyproject.toml:\n  has no [tool.pylint-perf] table; add one, or pass a file that has the settings to --config\n`);
  });

  it('another TOML file is a configuration of its own: top-level keys; [tool.pylint-perf] in it is explained', async () => {
    const dir = tempProject(files);
    const flat = await cli(['check', '.', '--config', 'flat.toml'], dir);
    expect(flat).toMatchObject({ code: 0, stderr: '' });
    const r = await cli(['check', '.', '--config', 'ci.toml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`invalid configuration in ${dir}/ci.toml:\n`);
    expect(r.stderr).toMatch(/\[tool\.pylint-perf\] is read only from a file named pyproject\.toml; ci\.toml is read as a pylint-perf configuration, with the settings at its top level/);
    expect(r.stderr).not.toMatch(/unknown key/);
  });

  it('a file of another kind names the kinds that are read', async () => {
    const dir = tempProject(files);
    const r = await cli(['check', '.', '--config', 'setup.cfg'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/setup\.cfg:\n {2}not valid JSON \(a configuration file is pyproject\.toml, another \.toml file, or a \.json file\)/);
  });
});

describe('typos get our own message and a suggestion', () => {
  const dir = tempProject({ 'a.py': BLOCKING });
  const firstLine = async (args: string[]) => {
    const r = await cli(args, dir);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expectNoCrash(r.stderr);
    return r.stderr.split('\n')[0];
  };

  it('an unknown option', async () => {
    expect(await firstLine(['check', '.', '--formt', 'json'])).toBe("pylint-perf: unknown option '--formt' for 'check'; did you mean '--format'?");
    expect(await firstLine(['check', '--extend-selct=PP1'])).toBe("pylint-perf: unknown option '--extend-selct' for 'check'; did you mean '--extend-select'?");
    expect(await firstLine(['check', '--zzzzzz'])).toBe("pylint-perf: unknown option '--zzzzzz' for 'check'");
    expect(await firstLine(['rules', '--formt', 'json'])).toBe("pylint-perf: unknown option '--formt' for 'rules'; did you mean '--format'?");
    expect(await firstLine(['check', '--format'])).toBe("pylint-perf: option '--format' needs a value");
    expect(await firstLine(['check', '--fix=yes'])).toBe("pylint-perf: option '--fix' takes no value");
  });

  it('an unknown rule for explain, by code or name', async () => {
    expect(await firstLine(['explain', 'PP10'])).toBe("pylint-perf: unknown rule 'PP10'; did you mean 'PP101'?");
    expect(await firstLine(['explain', 'blocking-call-in-asnyc'])).toBe("pylint-perf: unknown rule 'blocking-call-in-asnyc'; did you mean 'blocking-call-in-async'?");
    expect(await firstLine(['explain', 'nothing-like-it-at-all'])).toBe("pylint-perf: unknown rule 'nothing-like-it-at-all'; 'pylint-perf rules' lists them");
  });

  it('an unknown rule in --select, --extend-select and --ignore', async () => {
    expect(await firstLine(['check', '--select', 'PP1O1'])).toBe("pylint-perf: --select: 'PP1O1' is not a rule code, name or prefix; did you mean 'PP101'?");
    expect(await firstLine(['check', '--extend-select', 'lru-cache-on-asyn'])).toBe("pylint-perf: --extend-select: 'lru-cache-on-asyn' is not a rule code, name or prefix; did you mean 'lru-cache-on-async'?");
    expect(await firstLine(['check', '--ignore', 'PP101,unused-supression'])).toBe("pylint-perf: --ignore: 'unused-supression' is not a rule code, name or prefix; did you mean 'unused-suppression'?");
  });

  it('an unknown command', async () => {
    expect(await firstLine(['chek', '.'])).toBe("pylint-perf: unknown command 'chek'; did you mean 'check'?");
    expect(await firstLine(['a.py'])).toBe("pylint-perf: unknown command 'a.py'; to check it, run 'pylint-perf check a.py'");
    expect(await firstLine(['frobnicate'])).toBe("pylint-perf: unknown command 'frobnicate' (expected check, rules, explain, cache or server)");
    expect(await firstLine(['cache', 'clen'])).toBe("pylint-perf: unknown subcommand 'clen' for 'cache'; did you mean 'clean'?");
  });

  it('--help after a command prints the help', async () => {
    const r = await cli(['check', '--help'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pylint-perf .*\n\nUsage:/);
  });
});

describe('PP001 is selected like any rule', () => {
  const SOURCE = 'import time\n\nasync def handler():\n    return 1  # noqa: PP101\n';
  const unusedAt = async (dir: string, args: string[]) => {
    const r = await cli(['check', '.', '--format', 'json', '--fail-on', 'never', ...args], dir);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { code: string; line: number }[]).filter((d) => d.code === 'PP001').map((d) => d.line);
  };

  it('--select, --extend-select, config extend-select and the old --report-unused-suppressions', async () => {
    const dir = tempProject({ 'a.py': SOURCE });
    expect(await unusedAt(dir, [])).toEqual([]);
    expect(await unusedAt(dir, ['--extend-select', 'PP001'])).toEqual([4]);
    expect(await unusedAt(dir, ['--extend-select', 'unused-suppression'])).toEqual([4]);
    expect(await unusedAt(dir, ['--select', 'PP101,PP001'])).toEqual([4]);
    expect(await unusedAt(dir, ['--report-unused-suppressions'])).toEqual([4]);
    expect(await unusedAt(dir, ['--extend-select', 'PP001', '--ignore', 'PP001'])).toEqual([]);
    const configured = tempProject({ 'a.py': SOURCE, 'pylint-perf.json': '{"extend-select": ["PP001"]}' });
    expect(await unusedAt(configured, [])).toEqual([4]);
    const all = tempProject({ 'a.py': SOURCE, 'pylint-perf.json': '{"select": ["ALL"]}' });
    expect(await unusedAt(all, [])).toEqual([4]);
  });

  it('a suppression of a rule that did not run is not called unused', async () => {
    const dir = tempProject({ 'a.py': SOURCE, 'b.py': 'import pandas  # noqa: PP201\n' });
    expect(await unusedAt(dir, ['--select', 'PP001'])).toEqual([]);
    expect(await unusedAt(dir, ['--select', 'PP2,PP001'])).toEqual([1]);
    expect(await unusedAt(dir, ['--select', 'PP101', '--report-unused-suppressions'])).toEqual([4]);
  });
});

describe('a code prefix in a suppression (# noqa: PP1) covers the rules it starts', () => {
  const SOURCE = [
    'import time',
    '',
    'async def handler():',
    '    time.sleep(1)  # noqa: PP1',
    '    time.sleep(2)  # pylint-perf: disable=PP10',
    '    time.sleep(3)  # noqa: PP2',
    '    time.sleep(4)  # noqa: PP9',
    '',
  ].join('\n');

  it('silences the rules it starts; an unused or unknown prefix is reported by PP001', async () => {
    const dir = tempProject({ 'a.py': SOURCE });
    const r = await cli(['check', '.', '--format', 'json', '--extend-select', 'PP001'], dir);
    const items = (JSON.parse(r.stdout) as { code: string; line: number; message: string }[]).map((d) => `${d.line} ${d.code} ${d.message.split(':')[0]}${d.code === 'PP001' ? `:${d.message.split(':')[1]}` : ''}`);
    expect(items).toEqual([
      '6 PP101 `time.sleep()` is a blocking sleep call inside `async def handler`',
      '6 PP001 Unused suppression: nothing to suppress for PP2.',
      '7 PP101 `time.sleep()` is a blocking sleep call inside `async def handler`',
      '7 PP001 Unused suppression: unknown rule PP9.',
    ]);
  });
});

describe('nothing to check', () => {
  it('an empty directory, or one without Python or deployment files, says so (exit 0)', async () => {
    const dir = tempProject({ 'docs/README.md': '# x\n' });
    mkdirSync(path.join(dir, 'empty'));
    for (const target of ['empty', 'docs']) {
      const r = await cli(['check', target], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`No Python or deployment files found under '${target}'.\n`);
    }
    expect((await cli(['check'], path.join(dir, 'empty'))).stdout).toBe("No Python or deployment files found under '.'.\n");
    expect(await cli(['check', 'empty', '--format', 'json'], dir)).toMatchObject({ code: 0, stdout: '[]\n' });
  });
});

describe('fixes: what can be fixed, and what was', () => {
  // No top-level import: the fix adds `import asyncio` at the top of the module.
  const NO_IMPORTS = 'async def handler():\n    import time\n    time.sleep(1)\n';

  it('the text summary counts the fixable findings', async () => {
    const dir = tempProject({ 'a.py': BLOCKING, 'b.py': BLOCKING, 'c.py': NO_IMPORTS });
    const r = await cli(['check', '.'], dir);
    expect(r.stdout).toMatch(/Found 3 problems \(3 errors\) in 3 files checked\.\n3 fixable with `--fix`\.\n$/);
    const one = await cli(['check', 'c.py'], dir);
    expect(one.stdout).toMatch(/\n1 fixable with `--fix`\.\n$/);
  });

  it('--fix says how many were fixed; in JSON on stderr, stdout stays JSON', async () => {
    const dir = tempProject({ 'a.py': BLOCKING, 'b.py': BLOCKING, 'c.py': NO_IMPORTS, 'd.py': 'import requests\n\nasync def f():\n    requests.get("u")\n' });
    const r = await cli(['check', '.', '--fix'], dir);
    expect(r.stdout).toMatch(/^d\.py:4:5: PP101 /);
    expect(r.stdout).toMatch(/\nFixed 3 problems in 3 files\.\nFound 1 problem \(1 error\) in 4 files checked\.\n$/);
    const json = tempProject({ 'a.py': BLOCKING });
    const j = await cli(['check', '.', '--fix', '--format', 'json'], json);
    expect(j).toMatchObject({ code: 0, stdout: '[]\n', stderr: 'Fixed 1 problem in 1 file.\n' });
    expect(readFileSync(path.join(json, 'a.py'), 'utf8')).toContain('await asyncio.sleep(1)');
  });

  it('--unsafe-fixes without --fix is a usage error', async () => {
    const dir = tempProject({ 'c.py': NO_IMPORTS });
    const r = await cli(['check', '.', '--unsafe-fixes'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pylint-perf: --unsafe-fixes needs --fix or --diff/);
    expect(readFileSync(path.join(dir, 'c.py'), 'utf8')).toBe(NO_IMPORTS);
  });
});
