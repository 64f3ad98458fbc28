/**
 * Bad configuration stops the run with exit 2 and one clear message that names the file and the
 * key (a JSON path), and says what was expected. Table-driven: one row per mistake people make.
 */
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from './helpers.js';

type Row = [name: string, file: string, content: string, message: RegExp];

const json = (value: unknown): string => JSON.stringify(value);

const ROWS: Row[] = [
  ['unknown top-level key, with a suggestion', 'pylint-perf.json', json({ selct: ['PP101'] }), /^ {2}selct: unknown key \(did you mean 'select'\?\)$/m],
  ['select is a string', 'pylint-perf.json', json({ select: 'PP101' }), /^ {2}select: expected array, got string "PP101"$/m],
  ['select item is a number', 'pylint-perf.json', json({ select: [101] }), /^ {2}select\[0\]: expected a rule code, name or prefix .*got number 101$/m],
  ['unknown code in select', 'pylint-perf.json', json({ select: ['PP999'] }), /^ {2}select\[0\]: expected a rule code, name or prefix/m],
  ['unknown code in extend-select', 'pylint-perf.json', json({ 'extend-select': ['XX1'] }), /^ {2}extend-select\[0\]: expected a rule code, name or prefix/m],
  ['misspelt rule name in ignore', 'pylint-perf.json', json({ ignore: ['blocking-calls-in-async'] }), /^ {2}ignore\[0\]: expected a rule code, name or prefix/m],
  ['unknown severity level', 'pylint-perf.json', json({ severity: { PP101: 'fatal' } }), /^ {2}severity\.PP101: expected one of "error", "warning", "info", "off"/m],
  ['severity for an unknown rule', 'pylint-perf.json', json({ severity: { PP777: 'error' } }), /^ {2}severity\.PP777: 'PP777' is not a rule code or name/m],
  ['severity is a list', 'pylint-perf.json', json({ severity: ['PP101'] }), /^ {2}severity: expected object, got array/m],
  ['fail-on unknown value', 'pylint-perf.json', json({ 'fail-on': 'sometimes' }), /^ {2}fail-on: expected one of "error", "warning", "info", "never", got string "sometimes"$/m],
  ['fail-on is a number', 'pylint-perf.json', json({ 'fail-on': 3 }), /^ {2}fail-on: expected one of "error", "warning", "info", "never", got number 3$/m],
  ['exclude is a string', 'pylint-perf.json', json({ exclude: 'tests/' }), /^ {2}exclude: expected array, got string "tests\/"$/m],
  ['exclude pattern with an unclosed bracket', 'pylint-perf.json', json({ exclude: ['build/[abc'] }), /^ {2}exclude\[0\]: unclosed "\["/m],
  ['empty extend-exclude pattern', 'pylint-perf.json', json({ 'extend-exclude': ['  '] }), /^ {2}extend-exclude\[0\]: an empty pattern matches nothing/m],
  ['per-file-ignores value is a string', 'pylint-perf.json', json({ 'per-file-ignores': { 'tests/': 'PP101' } }), /^ {2}per-file-ignores\["tests\/"\]: expected array, got string "PP101"$/m],
  ['per-file-ignores unknown rule', 'pylint-perf.json', json({ 'per-file-ignores': { 'tests/': ['PP9'] } }), /^ {2}per-file-ignores\["tests\/"\]\[0\]: expected a rule code, name or prefix .*got string "PP9"/m],
  ['per-file-ignores negation of nothing', 'pylint-perf.json', json({ 'per-file-ignores': { '!': ['PP101'] } }), /^ {2}per-file-ignores: pattern "!": "!" negates nothing$/m],
  ['src is a string', 'pylint-perf.json', json({ src: 'src' }), /^ {2}src: expected array, got string "src"$/m],
  ['respect-gitignore is a string', 'pylint-perf.json', json({ 'respect-gitignore': 'yes' }), /^ {2}respect-gitignore: expected boolean, got string "yes"$/m],
  ['report-unused-suppressions is a number', 'pylint-perf.json', json({ 'report-unused-suppressions': 1 }), /^ {2}report-unused-suppressions: expected boolean, got number 1$/m],
  ['unknown rule option', 'pylint-perf.json', json({ 'blocking-call-in-async': { 'blocking-cals': [] } }), /^ {2}blocking-call-in-async\.blocking-cals: unknown key \(did you mean 'blocking-calls'\?\)$/m],
  ['rule option of the wrong type', 'pylint-perf.json', json({ 'blocking-call-in-async': { 'blocking-calls': 'requests.get' } }), /^ {2}blocking-call-in-async\.blocking-calls: expected array, got string "requests.get"$/m],
  ['negative call-depth', 'pylint-perf.json', json({ PP101: { 'call-depth': -1 } }), /^ {2}PP101\.call-depth: must be >= 0, got number -1$/m],
  ['fractional call-depth', 'pylint-perf.json', json({ PP101: { 'call-depth': 1.5 } }), /^ {2}PP101\.call-depth: expected integer, got number 1\.5$/m],
  ['keep-alive-min-seconds is a string', 'pylint-perf.json', json({ 'server-keep-alive': { 'keep-alive-min-seconds': '60s' } }), /^ {2}server-keep-alive\.keep-alive-min-seconds: expected number, got string "60s"$/m],
  ['heavy-modules is a string', 'pylint-perf.json', json({ 'heavy-import-in-router': { 'heavy-modules': 'torch' } }), /^ {2}heavy-import-in-router\.heavy-modules: expected array, got string "torch"$/m],
  ['negative importtime threshold', 'pylint-perf.json', json({ PP201: { 'importtime-threshold-ms': -5 } }), /^ {2}PP201\.importtime-threshold-ms: must be >= 0, got number -5$/m],
  ['options for a rule that has none', 'pylint-perf.json', json({ 'lambda-init-in-handler': { strict: true } }), /^ {2}lambda-init-in-handler: unknown key/m],
  ['unknown execution context', 'pylint-perf.json', json({ 'blocking-call-in-async': { contexts: ['server', 'prod'] } }), /^ {2}blocking-call-in-async\.contexts\[1\]: expected one of "server", "startup", "library", "lambda", "script", "test", "example", "unused", got string "prod"$/m],
  ['contexts is a string', 'pylint-perf.json', json({ PP101: { contexts: 'server' } }), /^ {2}PP101\.contexts: expected array, got string "server"$/m],
  ['rule option table is a boolean', 'pylint-perf.json', json({ 'blocking-call-in-async': true }), /^ {2}blocking-call-in-async: expected object, got boolean true$/m],
  ['JSON syntax error', 'pylint-perf.json', '{"select": [}', /^ {2}not valid JSON: /m],
  ['empty JSON file', '.pylint-perf.json', '', /^ {2}not valid JSON: /m],
  ['top-level JSON array', 'pylint-perf.json', '["PP101"]', /^ {2}\(top level\): expected object, got array \["PP101"\]$/m],
  ['TOML syntax error', 'pyproject.toml', '[tool.pylint-perf]\nselect = [\n', /^ {2}line \d+, column \d+: /m],
  ['bad value under tool.pylint-perf', 'pyproject.toml', '[tool.pylint-perf]\nfail-on = "sometimes"\n', /^ {2}tool\.pylint-perf\.fail-on: expected one of "error", "warning", "info", "never", got string "sometimes"$/m],
  ['misspelt key under tool.pylint-perf', 'pyproject.toml', '[tool.pylint-perf]\nextend_select = ["PP1"]\n', /^ {2}tool\.pylint-perf\.extend_select: unknown key \(did you mean 'extend-select'\?\)$/m],
  ['rule table in TOML with a bad value', 'pyproject.toml', '[tool.pylint-perf.server-keep-alive]\nkeep-alive-min-seconds = -1\n', /^ {2}tool\.pylint-perf\.server-keep-alive\.keep-alive-min-seconds: must be >= 0, got number -1$/m],
];

describe('bad configuration: exit 2, one message naming the file and the key', () => {
  it('has at least 30 cases', () => expect(ROWS.length).toBeGreaterThanOrEqual(30));

  it.each(ROWS)('%s', async (_, file, content, message) => {
    const dir = tempProject({ [file]: content, 'a.py': 'x = 1\n' });
    const r = await cli(['check', '.'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toContain(`invalid configuration in ${dir}/${file}`);
    expect(lines.slice(1), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
