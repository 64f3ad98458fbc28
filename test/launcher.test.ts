import { copyFileSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.js';

const LAUNCHER = path.resolve(import.meta.dirname, '..', 'bin', 'pylint-perf.js');

/** A copy of the launcher beside stand-ins for the compiled modules and the bundle, each saying which it is. */
function layout(): { root: string; launcher: string; modules: string; bundle: string } {
  const root = tempDir();
  mkdirSync(path.join(root, 'bin'));
  mkdirSync(path.join(root, 'dist', 'bundle'), { recursive: true });
  const launcher = path.join(root, 'bin', 'pylint-perf.js');
  copyFileSync(LAUNCHER, launcher);
  writeFileSync(path.join(root, 'package.json'), '{"type": "module"}\n');
  const modules = path.join(root, 'dist', 'cli-main.js');
  const bundle = path.join(root, 'dist', 'bundle', 'cli-main.js');
  writeFileSync(modules, "process.stdout.write('modules');\n");
  writeFileSync(bundle, "process.stdout.write('bundle');\n");
  return { root, launcher, modules, bundle };
}

describe('the launcher (bin/pylint-perf.js)', () => {
  it('runs the bundle when it is at least as new as the compiled modules, the modules otherwise', async () => {
    const { launcher, modules, bundle } = layout();
    utimesSync(modules, 1_000, 1_000);
    utimesSync(bundle, 2_000, 2_000);
    expect((await run(process.execPath, [launcher])).stdout).toBe('bundle');
    // The compiler run on its own since: the bundle is out of date.
    utimesSync(modules, 3_000, 3_000);
    expect((await run(process.execPath, [launcher])).stdout).toBe('modules');
  });

  it('runs the compiled modules when there is no bundle, and says how to build when there is nothing', async () => {
    const { root, launcher } = layout();
    rmSync(path.join(root, 'dist', 'bundle'), { recursive: true });
    expect((await run(process.execPath, [launcher])).stdout).toBe('modules');
    rmSync(path.join(root, 'dist'), { recursive: true });
    const missing = await run(process.execPath, [launcher]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/dist\/ is missing; run `npm install`/);
  });
});
