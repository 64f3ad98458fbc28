/**
 * Every test run gets a temporary folder of its own (TMPDIR for the test workers and the
 * programs they start), and the run fails if a test left anything in it: tests remove what they
 * create. The folder is removed either way, so a failed run does not fill the system's /tmp.
 */

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pylint-perf-tests-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    const left = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true });
    if (left.length > 0) {
      throw new Error(`tests left ${left.length} temporary entries behind (${left.slice(0, 5).join(', ')}${left.length > 5 ? ', ...' : ''}): remove what a test creates`);
    }
  };
}
