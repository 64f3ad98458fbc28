import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../src/rules/index.js';
import { cli, run, tempDir, tempProject } from './helpers.js';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const SCHEMA = JSON.parse(readFileSync(path.join(here, 'data', 'sarif-schema-2.1.0.json'), 'utf8')) as object;

/** The committed sample project, copied so that its root (and so every URI) is the copy's. */
function sampleProject(): string {
  const dir = tempDir('pylint-perf-sarif-');
  cpSync(path.join(here, 'projects', 'sarif'), dir, { recursive: true });
  return dir;
}

async function sarifOf(dir: string, extra: string[] = []): Promise<{ log: Sarif.Log; text: string; code: number }> {
  const { code, stdout } = await cli(['check', '.', '--format', 'sarif', ...extra], dir);
  return { log: JSON.parse(stdout) as Sarif.Log, text: stdout, code };
}

function resultsOf(log: Sarif.Log): Sarif.Result[] {
  return log.runs[0].results ?? [];
}

describe('SARIF 2.1.0', () => {
  let dir: string;
  let log: Sarif.Log;
  let text: string;
  let code: number;

  beforeAll(async () => {
    dir = sampleProject();
    ({ log, text, code } = await sarifOf(dir, ['--sarif-category', 'backend']));
  });

  it('is valid against the official SARIF 2.1.0 JSON schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv); // a CommonJS module: its default export is `module.exports`
    const validate = ajv.compile(SCHEMA);
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(code).toBe(1);
  });

  it('meets GitHub code scanning constraints', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/^https:\/\/.*sarif-schema-2\.1\.0\.json$/);
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.originalUriBaseIds?.['%SRCROOT%']?.uri).toMatch(/^file:\/\/\/.*\/$/);
    expect(run.automationDetails?.id).toBe('backend/');
    const results = resultsOf(log);
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      // GitHub rejects the whole upload when one result has no location.
      expect(r.locations?.length).toBeGreaterThan(0);
      const loc = r.locations![0].physicalLocation!;
      expect(loc.artifactLocation?.uriBaseId).toBe('%SRCROOT%');
      expect(loc.artifactLocation?.uri).toMatch(/^[^/\\][^\\:]*$/); // relative, forward slashes, no scheme
      expect(loc.region?.startLine).toBeGreaterThanOrEqual(1);
      expect(loc.region?.startColumn).toBeGreaterThanOrEqual(1);
      expect(r.partialFingerprints?.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:\d+$/);
      expect(r.message.text?.length).toBeGreaterThan(0);
      const rules = run.tool.driver.rules!;
      expect(rules[r.ruleIndex!].id).toBe(r.ruleId);
      expect(['error', 'warning', 'note']).toContain(r.level);
    }
  });

  it('lists every rule that ran, each with its documentation, not only those that fired', () => {
    const rules = log.runs[0].tool.driver.rules!;
    const ids = rules.map((r) => r.id);
    expect(ids).toEqual([...RULES.map((r) => r.code), 'PP001']);
    expect(new Set(ids).size).toBe(ids.length);
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('pylint-perf');
    expect(driver.semanticVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(driver.informationUri).toMatch(/^https:\/\//);
    for (const rule of rules) {
      expect(rule.name).toMatch(/^[a-z0-9-]+$/);
      expect(rule.shortDescription?.text).toBeTruthy();
      expect(rule.fullDescription?.text).toBeTruthy();
      expect(rule.help?.text).toBeTruthy();
      expect(rule.help?.markdown).toContain(`# ${rule.id}`);
      expect(rule.helpUri).toMatch(new RegExp(`^https://.*/docs/rules/${rule.id}-[a-z0-9-]+\\.md$`));
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration?.level);
      expect(rule.properties?.tags?.length).toBeGreaterThan(0);
      expect(['very-high', 'high', 'medium', 'low']).toContain(rule.properties?.precision);
      expect(['error', 'warning', 'recommendation']).toContain(rule.properties?.['problem.severity']);
    }
    // A clean project still lists the rules, and `results` is present and empty.
    return sarifOf(tempProject({ 'ok.py': 'import asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n' }), ['--isolated']).then(({ log: clean, code: cleanCode }) => {
      expect(cleanCode).toBe(0);
      expect(clean.runs[0].results).toEqual([]);
      expect(clean.runs[0].tool.driver.rules!.map((r) => r.id)).toEqual(RULES.map((r) => r.code));
      expect(clean.runs[0].invocations![0].toolExecutionNotifications).toEqual([]);
    });
  });

  it('uses repo-relative, percent-encoded URIs and reports notices as tool execution notifications', () => {
    const uris = resultsOf(log).map((r) => r.locations![0].physicalLocation!.artifactLocation!.uri);
    expect(uris).toContain('app/main.py');
    expect(uris).toContain('app/legacy%20views.py');
    // A finding in a deployment file is an ordinary result with its own location and related app.
    const docker = resultsOf(log).find((r) => r.ruleId === 'PP301')!;
    expect(docker.locations![0].physicalLocation).toMatchObject({
      artifactLocation: { uri: 'Dockerfile', uriBaseId: '%SRCROOT%' },
      region: { startLine: 4, startColumn: 7, snippet: { text: 'gunicorn' } },
    });
    expect(docker.relatedLocations![0].physicalLocation!.artifactLocation!.uri).toBe('app/main.py');
    const { originalUriBaseIds, ...rest } = log.runs[0];
    expect(originalUriBaseIds?.['%SRCROOT%']?.uri).toContain(path.basename(dir));
    expect(JSON.stringify(rest)).not.toContain(dir); // the only absolute path is the root's
    const invocation = log.runs[0].invocations![0];
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.exitCode).toBe(1);
    const notes = invocation.toolExecutionNotifications!;
    expect(notes).toHaveLength(1);
    expect(notes[0].descriptor?.id).toBe('syntax-error');
    expect(notes[0].locations![0].physicalLocation!.artifactLocation!.uri).toBe('app/broken.py');
    expect(notes[0].locations![0].physicalLocation!.region!.startLine).toBe(1);
    const descriptors = log.runs[0].tool.driver.notifications!;
    expect(descriptors[notes[0].descriptor!.index!].id).toBe('syntax-error');
    // The configured severity of PP001 is recorded as an override of its default.
    expect(invocation.ruleConfigurationOverrides).toEqual([
      { descriptor: { id: 'PP001', index: log.runs[0].tool.driver.rules!.findIndex((r) => r.id === 'PP001') }, configuration: { level: 'warning' } },
    ]);
  });

  it('gives snippets, context and fixes', () => {
    const sleep = resultsOf(log).find((r) => r.message.text!.includes('time.sleep'))!;
    const loc = sleep.locations![0].physicalLocation!;
    expect(loc.region!.snippet!.text).toBe('time.sleep(0.5)');
    expect(loc.contextRegion!.snippet!.text).toContain('async def health():');
    const replacement = sleep.fixes![0].artifactChanges[0].replacements[0];
    expect(replacement.insertedContent!.text).toBe('await asyncio.sleep');
  });

  it('counts columns in UTF-16 code units', () => {
    const get = resultsOf(log).find((r) => r.message.text!.includes('requests.get'))!;
    const line = '    label = "ñ🚀"; profile = requests.get(f"https://api.example.com/users/{user_id}")';
    // ñ is one UTF-16 unit, 🚀 two: `requests` starts at column 30 (29 in code points, 33 in bytes).
    expect(line.indexOf('requests') + 1).toBe(30);
    expect(get.locations![0].physicalLocation!.region!.startColumn).toBe(30);
    expect(get.locations![0].physicalLocation!.region!.snippet!.text).toBe('requests.get(f"https://api.example.com/users/{user_id}")');
  });

  /** Errors and warnings of `sarif-multitool validate` (it exits 0 even when it finds some). */
  async function multitoolProblems(sarifText: string, name: string): Promise<string[]> {
    const file = path.join(dir, name);
    writeFileSync(file, sarifText);
    const multitool = require(`@microsoft/sarif-multitool-${process.platform}`) as string;
    const validation = await run(multitool, ['validate', file, '--rule-kind', 'Sarif;Gh;Ghas', '--level', 'Error;Warning'], {
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    });
    const output = `${validation.stdout}${validation.stderr}`;
    expect(output).toContain('Analysis completed successfully');
    expect(validation.status).toBe(0);
    return output.split('\n').filter((l) => /: (error|warning) [A-Z]+\d+:/.test(l));
  }

  it('is accepted by the Microsoft SARIF multitool with 0 errors and 0 warnings (SARIF and GitHub rule sets)', async () => {
    expect(await multitoolProblems(text, 'out.sarif')).toEqual([]);
    // The check is not vacuous: a result without a location is reported.
    const broken = JSON.parse(text) as Sarif.Log;
    delete broken.runs[0].results![0].locations;
    expect((await multitoolProblems(JSON.stringify(broken), 'broken.sarif')).join('\n')).toMatch(/error GH\d+: runs\[0\]\.results\[0\]/);
  }, 60_000);
});

describe('fingerprints', () => {
  const handler = 'import time\n\n\nasync def handler():\n    time.sleep(1)\n    return 1\n';

  async function hashOf(source: string): Promise<{ hash: string; line: number }> {
    const dir = tempProject({ 'app.py': source });
    const { log } = await sarifOf(dir, ['--isolated']);
    const [result] = resultsOf(log);
    return { hash: result.partialFingerprints!.primaryLocationLineHash, line: result.locations![0].physicalLocation!.region!.startLine! };
  }

  it('survive a blank line and an unrelated function inserted above the finding', async () => {
    const before = await hashOf(handler);
    const edited = handler.replace('import time\n', 'import time\n\n\ndef unrelated(x):\n    return x * 2\n\n');
    const after = await hashOf(edited);
    expect(after.line).toBe(before.line + 5);
    expect(after.hash).toBe(before.hash);
  });

  it('change when the offending line changes', async () => {
    const before = await hashOf(handler);
    const after = await hashOf(handler.replace('time.sleep(1)', 'time.sleep(2)'));
    expect(after.hash).not.toBe(before.hash);
  });

  it('number identical findings in one file instead of colliding', async () => {
    // The same function twice (a redefinition): same line, same neighbours.
    const twice = 'import time\n\nasync def a():\n    time.sleep(1)\n\nasync def a():\n    time.sleep(1)\n\nasync def a():\n    pass\n';
    const { log } = await sarifOf(tempProject({ 'app.py': twice }), ['--isolated']);
    const hashes = resultsOf(log).map((r) => r.partialFingerprints!.primaryLocationLineHash);
    expect(hashes).toHaveLength(2);
    expect(hashes[0].split(':')[0]).toBe(hashes[1].split(':')[0]);
    expect(hashes.map((h) => h.split(':')[1])).toEqual(['1', '2']);
  });
});

describe('SARIF code flows', () => {
  it('follow the call chain only: the other call sites of a grouped finding are related locations, not steps', async () => {
    const dir = tempProject({
      'users.py': 'import requests\n\n\ndef get_user(i):\n    return requests.get(f"https://users.internal/{i}")\n',
      'a.py': 'from users import get_user\n\n\nasync def one(i):\n    return get_user(i)\n',
      'b.py': 'from users import get_user\n\n\nasync def two(i):\n    return get_user(i)\n',
    });
    const { log } = await sarifOf(dir, ['--isolated', '--select', 'PP101']);
    const [result, ...rest] = resultsOf(log);
    expect(rest).toEqual([]);
    expect(result.message.text).toMatch(/\(also called on the event loop from 1 other place\)\.$/);
    expect(result.relatedLocations?.map((r) => r.message?.text)).toEqual(['`requests.get()`: a blocking HTTP call.', 'also called here, in `async def two`.']);
    const steps = result.codeFlows![0].threadFlows[0].locations;
    expect(steps.map((s) => s.location?.physicalLocation?.artifactLocation?.uri)).toEqual(['a.py', 'users.py']);
  });
});
