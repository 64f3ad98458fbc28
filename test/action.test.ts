import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAction } from '@actions/workflow-parser/actions/index';
import { NoOperationTraceWriter } from '@actions/workflow-parser';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const REPO = path.resolve(import.meta.dirname, '..');
const ACTION = readFileSync(path.join(REPO, 'action.yml'), 'utf8');

/** Errors of GitHub's own parser of action metadata (the package the Actions tooling uses). */
function actionErrors(content: string): string[] {
  const result = parseAction({ name: 'action.yml', content }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((e) => e.message);
}

/** The check step as the runner runs it: in the workspace, inputs as INPUT_* variables. */
function runStep(workspace: string, inputs: Record<string, string>) {
  const output = path.join(tempDir('pylint-perf-action-out-'), 'output');
  writeFileSync(output, '');
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_ACTION_PATH: REPO, GITHUB_OUTPUT: output, RUNNER_TEMP: path.dirname(output), GITHUB_WORKSPACE: workspace };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const r = spawnSync('bash', [path.join(REPO, 'action', 'run.sh')], { cwd: workspace, env, encoding: 'utf8' });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, outputs };
}

/** A checked-out repository holding the example service (actions/checkout leaves a git work tree). */
function workspace(): string {
  const dir = tempDir('pylint-perf-action-ws-');
  cpSync(path.join(REPO, 'examples'), dir, { recursive: true });
  spawnSync('git', ['init', '-q', dir]);
  return dir;
}

describe('GitHub Action (action.yml)', () => {
  it("is valid action metadata for GitHub's parser, and the parser is not vacuous", () => {
    expect(actionErrors(ACTION)).toEqual([]);
    const meta = parse(ACTION) as { runs: { using: string; steps: { run?: string; shell?: string; env?: Record<string, string> }[] }; inputs: Record<string, unknown> };
    expect(meta.runs.using).toBe('composite');
    expect(Object.keys(meta.inputs)).toEqual(['paths', 'args', 'sarif', 'category']);
    // Every input reaches the script as the variable it reads.
    const check = meta.runs.steps.find((s) => s.run?.includes('action/run.sh'))!;
    expect(Object.keys(check.env!)).toEqual(['INPUT_PATHS', 'INPUT_ARGS', 'INPUT_SARIF', 'INPUT_CATEGORY']);
    // A run step without `shell` is an error in a composite action.
    expect(actionErrors(ACTION.replace('      shell: bash\n      run: npm ci', '      run: npm ci')).length).toBeGreaterThan(0);
  });

  it('runs its check step as the runner would: SARIF for the upload step, annotations, the exit status', () => {
    const ws = workspace();
    const r = runStep(ws, { paths: '.', args: '', sarif: 'true', category: 'pylint-perf' });
    expect(r.status, r.stderr).toBe(1);
    expect(r.outputs['exit-code']).toBe('1');
    const sarif = JSON.parse(readFileSync(r.outputs['sarif-file'], 'utf8')) as { runs: { results: unknown[]; automationDetails?: { id: string } }[] };
    expect(sarif.runs[0].results).toHaveLength(8);
    expect(sarif.runs[0].automationDetails?.id).toBe('pylint-perf/');
    expect(r.stdout.match(/^::(error|warning|notice) file=/gm)).toHaveLength(8);

    const annotateOnly = runStep(ws, { paths: 'fastapi-service/app', args: '--select PP101 --fail-on error', sarif: 'false', category: 'x' });
    expect(annotateOnly.status).toBe(1);
    expect(annotateOnly.outputs['sarif-file']).toBeUndefined();
    expect(annotateOnly.stdout.match(/^::error file=fastapi-service\/app\//gm)).toHaveLength(4);

    const lenient = runStep(ws, { paths: '.', args: '--fail-on never', sarif: 'false', category: 'x' });
    expect(lenient.status).toBe(0);
    expect(lenient.outputs['exit-code']).toBe('0');

    const usage = runStep(ws, { paths: '.', args: '--select NOPE', sarif: 'true', category: 'x' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("--select: 'NOPE' is not a rule code");
    expect(existsSync(path.join(ws, '.pylint-perf-cache'))).toBe(true);
  });
});
