/**
 * Start-up: the `-X importtime` log (`--importtime`) and PP201's chain in every output format.
 * What the rules find is pinned by the fixture folders: heavy-modules and light-modules in
 * test/fixtures/PP201-heavy-modules-option, route handlers through every framework's
 * registration style in test/fixtures/PP102-http-client-per-request/route_styles.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseImportTime } from '../src/read/importtime.js';
import { cli, tempProject } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('python -X importtime logs', () => {
  it('reads the import time lines and skips other stderr output', () => {
    const { times, lines } = parseImportTime(
      [
        'import time: self [us] | cumulative | imported package',
        'import time:       120 |        120 |   time',
        'Traceback (most recent call last):',
        '  File "x.py", line 1',
        'import time:      4310 |     312548 | pandas',
        'import time:  bogus | 1 | x',
        'DeprecationWarning: something',
        'import time:       188 |     312900 |   app.routers.reports\r',
      ].join('\n'),
    );
    expect(lines).toBe(3);
    expect(times.get('pandas')).toEqual({ selfUs: 4310, cumulativeUs: 312548 });
    expect(times.get('app.routers.reports')?.cumulativeUs).toBe(312900);
    expect(times.has('x')).toBe(false);
  });

  it('--importtime puts the measured cost in the message (the example service)', async () => {
    const r = await cli(['check', 'examples/', '--select', 'PP201', '--importtime', 'examples/fastapi-service/importtime.log', '--format', 'json'], ROOT);
    const [d] = JSON.parse(r.stdout) as { path: string; message: string; related: { path: string; line: number }[] }[];
    expect(d.path).toBe('examples/fastapi-service/app/routers/reports.py');
    expect(d.message).toContain('measured 313 ms cumulative in your -X importtime log');
    expect(d.message).toContain('app/main.py → examples/fastapi-service/app/routers/reports.py → pandas');
    expect(d.message).toContain('paid 4 times at start-up (gunicorn runs 4 workers without --preload)');
    expect(d.related).toEqual([expect.objectContaining({ path: 'examples/fastapi-service/app/main.py', line: 6 })]);
  });

  it('a module measured below the threshold is not reported; the threshold is configurable', async () => {
    const dir = tempProject({
      'importtime.log': 'import time:  100 |  60000 | pandas\n',
      'api.py': 'import pandas as pd\nfrom fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/")\ndef f():\n    return pd.NA\n',
    });
    expect(JSON.parse((await cli(['check', '.', '--importtime', 'importtime.log', '--format', 'json'], dir)).stdout)).toEqual([]);
    const withThreshold = tempProject({
      'pylint-perf.json': JSON.stringify({ 'heavy-import-in-router': { 'importtime-threshold-ms': 50 } }),
      'importtime.log': 'import time:  100 |  60000 | pandas\n',
      'api.py': 'import pandas as pd\nfrom fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/")\ndef f():\n    return pd.NA\n',
    });
    const items = JSON.parse((await cli(['check', '.', '--importtime', 'importtime.log', '--format', 'json'], withThreshold)).stdout) as { message: string }[];
    expect(items.map((i) => i.message)).toEqual([expect.stringContaining('measured 60 ms')]);
  });

  it('a missing or empty --importtime file is a usage error (exit 2)', async () => {
    const dir = tempProject({ 'a.py': 'x = 1\n', 'empty.log': 'nothing here\n' });
    const missing = await cli(['check', '.', '--importtime', 'nope.log'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--importtime: cannot read .*nope\.log: ENOENT/);
    const empty = await cli(['check', '.', '--importtime', 'empty.log'], dir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/has no 'import time: self \[us\] \| cumulative \| imported package' lines/);
  });

  it('the chain is in SARIF as relatedLocations with a code flow', async () => {
    const r = await cli(['check', 'examples/', '--select', 'PP201', '--importtime', 'examples/fastapi-service/importtime.log', '--format', 'sarif'], ROOT);
    const result = JSON.parse(r.stdout).runs[0].results[0];
    expect(result.relatedLocations[0].physicalLocation.artifactLocation.uri).toBe('examples/fastapi-service/app/main.py');
    expect(result.codeFlows[0].threadFlows[0].locations.length).toBeGreaterThanOrEqual(2);
  });
});
