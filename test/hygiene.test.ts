/** The repository itself: what is committed, and what the type check covers. */

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '..');
const ROOT_FILES_ALLOWED = /^(package(-lock)?\.json|pylint-perf\.json|rules\.schema\.json|tsconfig(\.\w+)?\.json|vitest\.config\.ts|README\.md|action\.yml|\.[\w.-]+)$/;

describe('repository hygiene', () => {
  it('commits no reports or other run output at the top level', () => {
    let tracked: string[];
    try {
      tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    } catch {
      return; // not a git checkout (an unpacked tarball): nothing to check
    }
    const topLevel = tracked.filter((f) => !f.includes('/'));
    expect(topLevel.filter((f) => !ROOT_FILES_ALLOWED.test(f))).toEqual([]);
  });

  it('the typecheck script covers the tests, not only src/', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const project = /-p\s+(\S+)/.exec(pkg.scripts.typecheck)?.[1];
    expect(project, 'typecheck names a tsconfig').toBeDefined();
    const config = JSON.parse(readFileSync(path.join(ROOT, project!), 'utf8')) as { include?: string[] };
    expect(config.include).toContain('test');
    expect(config.include).toContain('src');
  });
});
