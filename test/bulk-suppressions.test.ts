import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir, tempProject } from './helpers.js';

const REPO = path.resolve(import.meta.dirname, '..');
const SUPPRESSIONS = 'pylint-perf-suppressions.json';

/** The example service of the quick start, in a folder of its own. */
function exampleProject(): string {
  const dir = tempDir('pylint-perf-bulk-');
  cpSync(path.join(REPO, 'examples'), dir, { recursive: true });
  return dir;
}

const edit = (dir: string, file: string, change: (text: string) => string): void => {
  const p = path.join(dir, file);
  writeFileSync(p, change(readFileSync(p, 'utf8')));
};

const recorded = (dir: string) => JSON.parse(readFileSync(path.join(dir, SUPPRESSIONS), 'utf8')) as { version: number; suppressions: Record<string, Record<string, Record<string, number>>> };
const count = (dir: string): number =>
  Object.values(recorded(dir).suppressions).reduce((n, rules) => n + Object.values(rules).reduce((m, prints) => m + Object.values(prints).reduce((a, b) => a + b, 0), 0), 0);

const USERS = 'fastapi-service/app/routers/users.py';

describe('bulk suppressions', () => {
  it('--suppress-all records the example service, after which only a new finding is reported; moving lines keeps the old ones suppressed; --prune-suppressions shrinks the file after a fix', async () => {
    const dir = exampleProject();
    const all = await cli(['check', '.', '--suppress-all', '--no-show-source'], dir);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('pylint-perf-suppressions.json: recorded 8 findings.');
    expect(all.stdout).toContain('All checks passed: 10 files checked; 8 suppressed by pylint-perf-suppressions.json.');
    expect(recorded(dir).version).toBe(1);
    expect(count(dir)).toBe(8);

    const again = await cli(['check', '.', '--no-show-source'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('8 suppressed by pylint-perf-suppressions.json');

    // Lines move (a comment block above, the routes re-indented nowhere) and one new blocking call.
    edit(dir, USERS, (t) =>
      t
        .replace('@router.get("/{user_id}")\n', '# Routes of the users API.\n# (two lines added above)\n\n@router.get("/{user_id}")\n')
        .replace('    return {"user"', '    requests.post("https://audit.internal/reads", timeout=2)\n    return {"user"'),
    );
    const added = await cli(['check', '.', '--format', 'json'], dir);
    expect(added.code).toBe(1);
    const findings = JSON.parse(added.stdout) as { code: string; path: string; line: number; message: string }[];
    expect(findings.map((f) => `${f.path}:${f.line} ${f.code}`)).toEqual([`${USERS}:18 PP101`]);
    expect(findings[0].message).toMatch(/^`requests\.post\(\)`/);

    // The new call fixed, and an old one too: pruning drops the old one's entry.
    edit(dir, USERS, (t) => t.replace('    requests.post("https://audit.internal/reads", timeout=2)\n', '').replace('    obj = s3.get_object(Bucket=BUCKET, Key=f"{user_id}.png")', '    obj = {"Body": b""}'));
    const pruned = await cli(['check', '.', '--prune-suppressions', '--no-show-source'], dir);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toContain('pylint-perf-suppressions.json: pruned 1 suppression matching no finding any more.');
    expect(count(dir)).toBe(7);
  });

  it('a partial run (pre-commit passes a few files) applies the file and records only the checked files', async () => {
    const dir = tempProject({
      // A project marker: the root (where the file lives) is the same for `check app/a.py` and `check .`.
      'pyproject.toml': '[project]\nname = "service"\n',
      'app/__init__.py': '',
      'app/a.py': 'import time\n\n\nasync def a():\n    time.sleep(1)\n',
      'app/b.py': 'import time\n\n\nasync def b():\n    time.sleep(2)\n',
    });
    expect((await cli(['check', 'app/a.py', '--suppress-all'], dir)).code).toBe(0);
    expect(Object.keys(recorded(dir).suppressions)).toEqual(['app/a.py']);
    const b = await cli(['check', 'app/b.py', '--no-show-source'], dir);
    expect(b.code).toBe(1);
    expect(b.stdout).toMatch(/^app\/b\.py:5:5: PP101/m);
    expect((await cli(['check', 'app/b.py', '--suppress-rule', 'PP101'], dir)).code).toBe(0);
    expect(Object.keys(recorded(dir).suppressions)).toEqual(['app/a.py', 'app/b.py']);
    // Pruning on a partial run leaves the other files' entries alone.
    edit(dir, 'app/b.py', (t) => t.replace('time.sleep(2)', 'pass'));
    expect((await cli(['check', 'app/b.py', '--prune-suppressions'], dir)).code).toBe(0);
    expect(Object.keys(recorded(dir).suppressions)).toEqual(['app/a.py']);
    expect((await cli(['check', '.'], dir)).code).toBe(0);
  });

  it('--changed-since applies the file to the changed files: an old finding in a changed file stays suppressed, a new one is reported', async () => {
    const dir = tempProject({
      'pyproject.toml': '[project]\nname = "service"\n',
      'app.py': 'import time\n\n\nasync def a():\n    time.sleep(1)\n',
      'other.py': 'import time\n\n\nasync def b():\n    time.sleep(2)\n',
    });
    const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' } });
    expect((await cli(['check', '.', '--suppress-all'], dir)).code).toBe(0);
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'baseline');
    edit(dir, 'app.py', (t) => `# moved down\n\n${t}    time.sleep(3)\n`);
    const r = await cli(['check', '--changed-since', 'HEAD', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { path: string; line: number }[]).map((f) => `${f.path}:${f.line}`)).toEqual(['app.py:8']);
  });

  it('--suppressions-location; a malformed file stops the run with exit 2, naming the file, the JSON path and what was expected', async () => {
    const dir = tempProject({ 'app.py': 'import time\n\n\nasync def a():\n    time.sleep(1)\n' });
    expect((await cli(['check', '.', '--suppress-all', '--suppressions-location', 'ci/baseline.json'], dir)).code).toBe(2);
    writeFileSync(path.join(dir, 'baseline.json'), '');
    const elsewhere = await cli(['check', '.', '--suppress-all', '--suppressions-location', 'baseline.json'], dir);
    expect(elsewhere.stderr).toMatch(/baseline\.json/);
    writeFileSync(path.join(dir, 'baseline.json'), JSON.stringify({ version: 1, suppressions: {} }));
    expect((await cli(['check', '.', '--suppress-all', '--suppressions-location', 'baseline.json'], dir)).code).toBe(0);
    expect((await cli(['check', '.'], dir)).code).toBe(1);
    expect((await cli(['check', '.', '--suppressions-location', 'baseline.json'], dir)).code).toBe(0);

    writeFileSync(path.join(dir, SUPPRESSIONS), JSON.stringify({ version: 1, suppressions: { 'app.py': { PP101: { nothex: 1 } } } }));
    const bad = await cli(['check', '.'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(SUPPRESSIONS);
    expect(bad.stderr).toContain('$.suppressions["app.py"]["PP101"]["nothex"]: expected a 16-digit hexadecimal fingerprint as the key');
    expect((await cli(['check', '.', '--suppress-all', '--suppress-rule', 'PP101'], dir)).code).toBe(2);
    const unknown = await cli(['check', '.', '--suppress-rule', 'PP999'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--suppress-rule: 'PP999' is not a rule code or name");
  });
});
