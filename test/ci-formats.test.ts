import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { cli, tempDir, tempProject } from './helpers.js';

const REPO = path.resolve(import.meta.dirname, '..');
const schema = JSON.parse(readFileSync(path.join(REPO, 'test', 'schemas', 'gitlab-code-quality.schema.json'), 'utf8')) as object;
const validateGitlab = new Ajv({ allErrors: true }).compile(schema);

/** The message of a finding that XML must escape: a blocking call whose URL holds `<`, `&`, quotes and a control character. */
const AWKWARD = 'import requests\n\n\nasync def handler():\n    requests.get("https://x.internal/?a=<b>&c=\'d\'\\x07")\n';

interface Issue {
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number } };
}

describe('--format gitlab (GitLab Code Quality)', () => {
  it('matches the documented schema, with paths from the repository root and stable fingerprints', async () => {
    const r = await cli(['check', 'examples', '--format', 'gitlab'], REPO);
    expect(r.code).toBe(1);
    const issues = JSON.parse(r.stdout) as Issue[];
    expect(validateGitlab(issues), JSON.stringify(validateGitlab.errors)).toBe(true);
    expect(issues).toHaveLength(8);
    expect(issues.map((i) => i.location.path)).toContain('examples/fastapi-service/app/routers/users.py');
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    expect(issues.find((i) => i.check_name === 'PP301')!.severity).toBe('major');
    // The schema is not vacuous.
    expect(validateGitlab([{ ...issues[0], severity: 'high' }])).toBe(false);
    expect(validateGitlab([{ ...issues[0], location: { path: '/abs/file.py', lines: { begin: 1 } } }])).toBe(false);
  });

  it('keeps a finding\'s fingerprint when lines are added above it', async () => {
    const dir = tempProject({ 'app.py': AWKWARD });
    const before = JSON.parse((await cli(['check', '.', '--format', 'gitlab', '--no-cache'], dir)).stdout) as Issue[];
    writeFileSync(path.join(dir, 'app.py'), `# a comment\n\n${AWKWARD}`);
    const after = JSON.parse((await cli(['check', '.', '--format', 'gitlab', '--no-cache'], dir)).stdout) as Issue[];
    expect(after[0].location.lines.begin).toBe(before[0].location.lines.begin + 2);
    expect(after[0].fingerprint).toBe(before[0].fingerprint);
    expect(validateGitlab(after)).toBe(true);
  });
});

describe('--format junit', () => {
  const xmllint = spawnSync('xmllint', ['--version']).status === 0;
  if (!xmllint && process.env.CI) throw new Error('xmllint is not installed; .ci/run installs it (apt-get install libxml2-utils)');
  if (!xmllint) console.warn('xmllint not installed: skipping the JUnit schema validation (apt-get install libxml2-utils)');

  const validate = (xml: string): { status: number | null; stderr: string } => {
    const file = path.join(tempDir('pylint-perf-junit-'), 'report.xml');
    writeFileSync(file, xml);
    const r = spawnSync('xmllint', ['--noout', '--schema', path.join(REPO, 'test', 'schemas', 'junit.xsd'), file], { encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr };
  };

  it.runIf(xmllint)('validates against the JUnit schema: findings, escaping, and a run without findings', async () => {
    const example = await cli(['check', 'examples', '--format', 'junit'], REPO);
    expect(example.code).toBe(1);
    expect(validate(example.stdout)).toMatchObject({ status: 0 });
    expect(example.stdout.match(/<testcase /g)).toHaveLength(8);
    expect(example.stdout).toContain('<testsuites name="pylint-perf" tests="8" failures="8"');

    // A path XML must escape: `&`, `'`, `<`, `>` (all allowed in file names).
    const awkward = await cli(['check', '.', '--format', 'junit'], tempProject({ "r&d's <old>/app.py": AWKWARD }));
    expect(validate(awkward.stdout)).toMatchObject({ status: 0 });
    expect(awkward.stdout).toContain('classname="r&amp;d&apos;s &lt;old&gt;/app.py"');

    const clean = await cli(['check', '.', '--format', 'junit'], tempProject({ 'app.py': 'async def handler():\n    return 1\n' }));
    expect(clean.code).toBe(0);
    expect(validate(clean.stdout)).toMatchObject({ status: 0 });
    expect(clean.stdout).toContain('<testcase name="no findings in 1 files" classname="pylint-perf" time="0"/>');
    // The schema is not vacuous.
    expect(validate(clean.stdout.replace(' classname="pylint-perf"', '')).status).not.toBe(0);
  });
});

describe('--statistics', () => {
  it('counts per rule, most frequent first, with what --fix can fix; as JSON with --format json', async () => {
    const text = await cli(['check', 'examples', '--statistics'], REPO);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe(
      [
        '  4  PP101  blocking-call-in-async            (1 fixable with --fix)',
        '  2  PP303  nginx-upstream-keep-alive         (2 fixable with --fix)',
        '  1  PP201  heavy-import-in-router            (1 fixable with --fix --unsafe-fixes)',
        '  1  PP301  gunicorn-without-uvicorn-worker   (1 fixable with --fix)',
        'Found 8 problems in 10 files checked.',
        '',
      ].join('\n'),
    );
    const json = await cli(['check', 'examples', '--statistics', '--format', 'json'], REPO);
    expect(JSON.parse(json.stdout)[0]).toEqual({ code: 'PP101', rule: 'blocking-call-in-async', count: 4, fixable: { safe: 1, unsafe: 0 } });
    const sarif = await cli(['check', 'examples', '--statistics', '--format', 'sarif'], REPO);
    expect(sarif.code).toBe(2);
    expect(sarif.stderr).toContain('--statistics prints counts as text or JSON');
  });
});
