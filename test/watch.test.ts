/** `pylint-perf check --watch`: the built CLI in a child process, files edited under it. */

import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from './helpers.js';

const REPO = path.resolve(import.meta.dirname, '..');
const built = existsSync(path.join(REPO, 'dist', 'cli-main.js'));
if (!built && process.env.CI) throw new Error('dist/ is missing: .ci/run builds it with npm ci');

const CLEAN = 'import time\n\n\nasync def handler():\n    return 1\n';
const BLOCKING = 'import time\n\n\nasync def handler():\n    time.sleep(1)\n';

describe('check --watch', () => {
  it.runIf(built)('prints the report, then only the findings that appear and go away; Ctrl-C ends it with 0', async () => {
    const dir = tempProject({ 'app/__init__.py': '', 'app/main.py': CLEAN });
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'pylint-perf.js'), 'check', '--watch', '.'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const until = async (ok: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!ok()) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`timed out waiting for ${what}; stdout: ${out}; stderr: ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await until(() => err.includes('Ready.'), 'the watcher');
      expect(out).toBe('All checks passed: 2 files checked.\n');
      expect(err).toContain('Watching . for changes (Ctrl-C to stop).');
      writeFileSync(path.join(dir, 'app', 'main.py'), BLOCKING);
      await until(() => out.includes('+ app/main.py:5:5: PP101'), 'the new finding');
      expect(out).toMatch(/\] app\/main\.py changed: 1 new, 0 gone \(1 problem now\)\n\+ app\/main\.py:5:5: PP101 \[blocking-call-in-async\] `time\.sleep\(\)`/);
      writeFileSync(path.join(dir, 'app', 'main.py'), CLEAN);
      await until(() => out.includes('- app/main.py:5:5: PP101'), 'the finding to go');
      expect(out).toMatch(/app\/main\.py changed: 0 new, 1 gone \(0 problems now\)/);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill();
    }
  }, 60_000);

  it('does not combine with options that write or print another format', async () => {
    const dir = tempProject({ 'app.py': CLEAN });
    for (const args of [['--fix'], ['--format', 'json'], ['--diff']]) {
      const result = await cli(['check', '--watch', ...args], dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--watch prints findings as text as they change; it does not combine with --(fix|format json|diff)/);
    }
  });
});
