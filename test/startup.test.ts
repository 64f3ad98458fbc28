/**
 * Start-up: the `-X importtime` log, PP201's chain in every output format, and the application
 * model (route handlers through every framework's registration style).
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

  it('heavy-modules and light-modules change the catalogue', async () => {
    const files = {
      'api.py': 'import boto3\nimport pandas\nfrom fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/")\ndef f():\n    return boto3, pandas\n',
    };
    const dir = tempProject({ ...files, 'pylint-perf.json': JSON.stringify({ 'heavy-import-in-router': { 'heavy-modules': ['boto3'], 'light-modules': ['pandas'] } }) });
    const items = JSON.parse((await cli(['check', '.', '--format', 'json'], dir)).stdout) as { line: number }[];
    expect(items.map((i) => i.line)).toEqual([1]);
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

describe('route handlers', () => {
  it('are found through decorators, Route(...), add_api_route, add_url_rule and Depends', async () => {
    const dir = tempProject({
      'pylint-perf.json': JSON.stringify({ select: ['PP102'] }),
      'deps.py': 'import httpx\n\ndef get_http():\n    return httpx.Client()\n\ndef outer(c=None):\n    return c\n',
      'fa.py':
        'from fastapi import Depends, FastAPI\nimport requests\nfrom deps import get_http\n\napp = FastAPI()\n\ndef endpoint(h=Depends(get_http)):\n    return requests.get("https://x")\n\napp.add_api_route("/e", endpoint)\n',
      'st.py': 'import requests\nfrom starlette.applications import Starlette\nfrom starlette.routing import Route\n\ndef home(request):\n    return requests.get("https://x")\n\napp = Starlette(routes=[Route("/", home)])\n',
      'fl.py': 'import requests\nfrom flask import Blueprint, Flask\n\napp = Flask(__name__)\nbp = Blueprint("b", __name__)\n\n@bp.route("/")\ndef view():\n    return requests.get("https://x")\n\ndef other():\n    return requests.post("https://x")\n\napp.add_url_rule("/o", "o", other)\n',
      'ls.py': 'import requests\nfrom litestar import get\n\n@get("/")\ndef index() -> str:\n    return requests.get("https://x").text\n',
      'plain.py': 'import requests\n\ndef not_a_route():\n    return requests.get("https://x")\n',
    });
    const items = JSON.parse((await cli(['check', '.', '--format', 'json'], dir)).stdout) as { path: string; line: number }[];
    expect(items.map((i) => `${i.path}:${i.line}`)).toEqual(['deps.py:4', 'fa.py:8', 'fl.py:9', 'fl.py:12', 'ls.py:6', 'st.py:6']);
  });
});
