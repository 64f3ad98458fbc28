import { describe, expect, it } from 'vitest';
import { progressLine } from '../src/reporters/progress.js';
import { cli, tempProject } from './helpers.js';

function terminal(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (s: string) => written.push(s) } };
}

describe('progress line', () => {
  it('on a terminal: nothing during the first second, then one line redrawn at most every 100 ms, erased at the end', () => {
    let t = 0;
    const { written, stream } = terminal(true);
    const line = progressLine(stream, {}, () => t)!;
    line.update(10, 6933);
    t = 999;
    line.update(500, 6933);
    expect(written).toEqual([]);
    t = 1000;
    line.update(1204, 6933);
    t = 1050;
    line.update(1300, 6933);
    t = 1100;
    line.update(6933, 6933);
    line.end();
    expect(written).toEqual(['\rparsing 1,204/6,933 files\x1b[K', '\rparsing 6,933/6,933 files\x1b[K', '\r\x1b[K']);
  });

  it('never in CI or when stderr is not a terminal; a short run draws nothing', () => {
    expect(progressLine(terminal(true).stream, { CI: 'true' })).toBeUndefined();
    expect(progressLine(terminal(false).stream, {})).toBeUndefined();
    const { written, stream } = terminal(true);
    const line = progressLine(stream, { CI: '' })!;
    line.update(1, 2);
    line.end();
    expect(written).toEqual([]);
  });

  it('the CLI writes nothing but its report when stderr is not a terminal', async () => {
    const dir = tempProject({ 'app.py': 'async def f():\n    return 1\n' });
    const r = await cli(['check', '.'], dir);
    expect(r.stderr).toBe('');
  });
});
