/**
 * Which project a run analyses and how its imports resolve: the project root comes from the
 * checked paths (never from where `--config` lives), each service of a repository has its own
 * import root, messages name files as the finding's own path is printed, and nothing outside
 * the project is read through a symbolic link.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanImports } from '../src/model/importroots.js';
import { cli, tempDir, tempProject } from './helpers.js';

interface Item {
  path: string;
  line: number;
  code: string;
  message: string;
  related?: { path: string; line: number; message: string }[];
}

const ROUTES = `from fastapi import APIRouter

from app.crud import get_user

router = APIRouter()


@router.get("/users/{user_id}")
async def read_user(user_id: int):
    return get_user(user_id)
`;

const BLOCKING_CRUD = `import requests


def get_user(user_id):
    return requests.get(f"https://users.internal/{user_id}").json()
`;

const HARMLESS_CRUD = `def get_user(user_id):
    return {"id": user_id}
`;

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
}

function json(r: { stdout: string }): Item[] {
  return JSON.parse(r.stdout) as Item[];
}

describe('the import scan that chooses import roots before parsing', () => {
  it('finds absolute imports at the start of a line, in every spelling', () => {
    const text = 'import os, app.crud as c\nfrom app import (\n    crud,\n)\nfrom app.db import *\nlazy import app.slow\nfrom . import sibling\n    from app.inner import x  # indented\n'
    expect(scanImports(text).map((i) => (i.name ? `${i.module}:${i.name}` : i.module))).toEqual(['app:crud', 'app.db', 'app.inner:x', 'os', 'app.crud', 'app.slow']);
  });
});

describe('--config outside the project', () => {
  it('supplies settings only: the project, its module names and its cache stay where the checked paths are', async () => {
    const parent = tempDir('pylint-perf-roots-');
    const project = path.join(parent, 'project');
    const shared = path.join(parent, 'shared');
    write(project, { 'pyproject.toml': '[project]\nname = "svc"\n', 'app/routes.py': ROUTES, 'app/crud.py': BLOCKING_CRUD });
    write(shared, {
      'pylint-perf.json': JSON.stringify({ ignore: ['PP201'] }),
      // A decoy: if the config's folder were the project, `app.crud` would be this file.
      'app/crud.py': 'import time\n\n\ndef get_user(user_id):\n    time.sleep(1)\n',
      'tools/script.py': 'import time\n\nasync def f():\n    time.sleep(1)\n',
    });
    const r = await cli(['check', '.', '--config', '../shared/pylint-perf.json', '--format', 'json', '--fail-on', 'never'], project);
    expect(r.stderr).toBe('');
    const items = json(r);
    expect(items.map((i) => `${i.path}:${i.line}:${i.code}`)).toEqual(['app/routes.py:10:PP101']);
    expect(items[0].message).toContain('at app/crud.py:5');
    expect(items[0].related?.map((x) => x.path)).toEqual(['app/crud.py']);
    expect(JSON.stringify(items)).not.toContain('shared');
    const text = await cli(['check', '.', '--config', '../shared/pylint-perf.json', '--no-show-source'], project);
    // app/routes.py, app/crud.py and pyproject.toml; nothing of the configuration's folder.
    expect(text.stdout).toMatch(/in 3 files checked\./);
    expect(existsSync(path.join(project, '.pylint-perf-cache'))).toBe(true);
    expect(existsSync(path.join(shared, '.pylint-perf-cache'))).toBe(false);
  });
});

describe('services with their own import roots', () => {
  /** Two services of one repository, each with an `app` package (no `__init__.py`) of its own. */
  function monorepo(extra: Record<string, string> = {}): string {
    const dir = tempProject({
      'services/api/app/routes.py': ROUTES,
      'services/api/app/crud.py': BLOCKING_CRUD,
      'services/billing/app/routes.py': ROUTES,
      'services/billing/app/crud.py': HARMLESS_CRUD,
      ...extra,
    });
    mkdirSync(path.join(dir, '.git'));
    return dir;
  }

  const expected = ['services/api/app/routes.py:10:PP101'];

  it('from the repository root, each service imports its own `app`', async () => {
    const dir = monorepo();
    const items = json(await cli(['check', '.', '--format', 'json'], dir));
    expect(items.map((i) => `${i.path}:${i.line}:${i.code}`)).toEqual(expected);
    expect(items[0].related?.map((x) => x.path)).toEqual(['services/api/app/crud.py']);
    const one = json(await cli(['check', 'services/api', '--format', 'json'], dir));
    expect(one.map((i) => `${i.path}:${i.line}:${i.code}`)).toEqual(expected);
  });

  it('from inside a service folder, with the rest of the repository as context', async () => {
    const dir = monorepo();
    const api = json(await cli(['check', '.', '--format', 'json'], path.join(dir, 'services/api')));
    expect(api.map((i) => `${i.path}:${i.line}:${i.code}`)).toEqual(['app/routes.py:10:PP101']);
    expect(api[0].message).toContain('at app/crud.py:5');
    const billing = json(await cli(['check', '.', '--format', 'json'], path.join(dir, 'services/billing')));
    expect(billing).toEqual([]);
  });

  it('when the repository root has an `app` package too, a service with its own packaging still imports its own', async () => {
    const dir = monorepo({
      'app/__init__.py': '',
      'app/crud.py': HARMLESS_CRUD,
      'services/api/pyproject.toml': '[project]\nname = "api"\n',
      'services/billing/Dockerfile': 'FROM python:3.12\nWORKDIR /srv\nCOPY . .\nCMD ["uvicorn", "app.routes:router"]\n',
    });
    const items = json(await cli(['check', '.', '--select', 'PP1', '--format', 'json'], dir));
    expect(items.map((i) => `${i.path}:${i.line}:${i.code}`)).toEqual(expected);
  });

  it('a regular package that mirrors a top-level package (`ee/onyx/`) is not an import root', async () => {
    // backend/ is the root; backend/ee/ (with __init__.py) holds `ee.onyx`, whose modules import
    // both `ee.onyx.*` and the main `onyx.*` package — which lives in backend/onyx/, not in ee/onyx/.
    const dir = tempProject({
      'backend/Dockerfile': 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "onyx.main:app"]\n',
      'backend/onyx/__init__.py': '',
      'backend/onyx/configs/__init__.py': '',
      'backend/onyx/configs/constants.py': 'NAME = "x"\n',
      'backend/onyx/db/__init__.py': '',
      'backend/onyx/db/users.py': BLOCKING_CRUD,
      'backend/ee/__init__.py': '',
      'backend/ee/onyx/__init__.py': '',
      'backend/ee/onyx/configs/__init__.py': '',
      'backend/ee/onyx/configs/app_configs.py': 'FLAG = True\n',
      'backend/ee/onyx/server/__init__.py': '',
      'backend/ee/onyx/server/api.py': ROUTES.replace('from app.crud import get_user', 'from ee.onyx.configs.app_configs import FLAG\nfrom onyx.configs.constants import NAME\nfrom onyx.db.users import get_user'),
    });
    mkdirSync(path.join(dir, '.git'));
    const items = json(await cli(['check', '.', '--select', 'PP101', '--format', 'json'], dir));
    expect(items.map((i) => `${i.path}:${i.line}:${i.code}`)).toEqual(['backend/ee/onyx/server/api.py:12:PP101']);
    expect(items[0].related?.map((x) => x.path)).toEqual(['backend/onyx/db/users.py']);
  });

  it('gunicorn --chdir makes the directory it names an import root', async () => {
    const dir = monorepo({
      'app/__init__.py': '',
      'app/crud.py': HARMLESS_CRUD,
      'Procfile': 'web: gunicorn --chdir services/api -k uvicorn.workers.UvicornWorker app.routes:router\n',
      // The api service imports only `app` as a plain package: nothing else marks its folder.
      'services/api/app/routes.py': 'from fastapi import APIRouter\n\nimport app\n\nrouter = APIRouter()\n\n\n@router.get("/")\nasync def read_user(user_id: int):\n    return app.get_user(user_id)\n',
      'services/api/app/__init__.py': BLOCKING_CRUD,
    });
    const items = json(await cli(['check', '.', '--select', 'PP1', '--format', 'json'], dir));
    expect(items.map((i) => `${i.path}:${i.line}:${i.code}`)).toEqual(['services/api/app/routes.py:10:PP101']);
  });

  it('a standard-library name never resolves to a service module of the same name', async () => {
    const dir = monorepo({
      'services/api/pyproject.toml': '[project]\nname = "api"\n',
      'services/api/time.py': 'def sleep(x):\n    return x\n',
      'services/api/main.py': 'import time\n\n\nasync def handler():\n    time.sleep(1)\n',
    });
    const items = json(await cli(['check', 'services/api/main.py', '--format', 'json'], dir));
    expect(items.map((i) => `${i.path}:${i.line}:${i.code}`)).toEqual(['services/api/main.py:5:PP101']);
  });

  it('configured `src` roots are import roots: two of them may have the same package', async () => {
    const dir = monorepo({ 'pylint-perf.json': JSON.stringify({ src: ['services/api', 'services/billing'] }) });
    const items = json(await cli(['check', '.', '--format', 'json'], dir));
    expect(items.map((i) => `${i.path}:${i.line}:${i.code}`)).toEqual(expected);
  });

  it('a configured `src` still names modules (a layout nothing else would find)', async () => {
    const dir = tempProject({
      'pylint-perf.json': JSON.stringify({ src: ['code'] }),
      'code/app/routes.py': ROUTES,
      'code/app/crud.py': BLOCKING_CRUD,
      'code/vendor/app/crud.py': HARMLESS_CRUD,
    });
    const items = json(await cli(['check', '.', '--format', 'json'], dir));
    expect(items.map((i) => `${i.path}:${i.line}:${i.code}`)).toEqual(['code/app/routes.py:10:PP101']);
  });
});

describe('paths in messages', () => {
  it('are relative to the current directory, like the finding itself', async () => {
    const dir = tempProject({
      'services/api/app/main.py': 'from fastapi import FastAPI\n\nfrom app.routers import reports\n\napp = FastAPI()\napp.include_router(reports.router)\n',
      'services/api/app/routers/reports.py': 'import pandas as pd\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/report")\ndef report():\n    return pd.DataFrame().to_dict()\n',
      'services/api/app/routers/users.py': ROUTES.replace('from app.crud', 'from app.crud'),
      'services/api/app/crud.py': BLOCKING_CRUD,
    });
    mkdirSync(path.join(dir, '.git'));
    const r = await cli(['check', '.', '--format', 'json'], path.join(dir, 'services/api'));
    const items = json(r);
    const pp201 = items.find((i) => i.code === 'PP201')!;
    expect(pp201.path).toBe('app/routers/reports.py');
    expect(pp201.message).toContain('at module level of `app/routers/reports.py`');
    expect(pp201.message).toContain('(app/main.py → app/routers/reports.py → pandas)');
    expect(pp201.message).not.toContain('services/');
    expect(pp201.related).toEqual([expect.objectContaining({ path: 'app/main.py', message: 'imports app/routers/reports.py at start-up' })]);
    const pp101 = items.find((i) => i.code === 'PP101')!;
    expect(pp101.path).toBe('app/routers/users.py');
    expect(pp101.message).toContain('at app/crud.py:5');
    expect(pp101.related?.map((x) => x.path)).toEqual(['app/crud.py']);
  });
});

describe('symbolic links', () => {
  it('never reads a file whose real location is outside the project', async () => {
    const outside = tempProject({
      'routes.py': 'import time\n\nSECRET = "hunter2-do-not-leak"\n\n\nasync def handler():\n    time.sleep(1)\n',
      'Dockerfile': 'FROM python:3.12\n# hunter2-do-not-leak\nCMD ["gunicorn", "routes:app"]\n',
    });
    const dir = tempProject({ 'app/main.py': 'async def ok():\n    return 1\n' });
    mkdirSync(path.join(dir, '.git'));
    symlinkSync(outside, path.join(dir, 'linked'));
    symlinkSync(path.join(outside, 'routes.py'), path.join(dir, 'app', 'stolen.py'));
    // A link inside the project to a place inside it is still followed.
    symlinkSync(path.join(dir, 'app'), path.join(dir, 'z-alias'));

    const r = await cli(['check', '.', '--format', 'sarif'], dir);
    expect(r.stdout).not.toContain('hunter2');
    const sarif = JSON.parse(r.stdout) as { runs: { results: unknown[]; invocations: { toolExecutionNotifications: { message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] }[] };
    expect(sarif.runs[0].results).toEqual([]);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications.map((n) => `${n.locations[0].physicalLocation.artifactLocation.uri}: ${n.message.text}`);
    expect(notes).toEqual([
      expect.stringMatching(/^app\/stolen\.py: skipped: symbolic link to a location outside the project/),
      expect.stringMatching(/^linked: skipped: symbolic link to a location outside the project/),
    ]);
    const text = await cli(['check', '.'], dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/linked: notice \[outside-project\] skipped: symbolic link to a location outside the project/);
    expect(text.stdout).not.toContain('hunter2');
    // Named on the command line, the link is not followed either.
    const named = await cli(['check', 'linked/routes.py', '--format', 'json'], dir);
    expect(json(named)).toEqual([]);
  });
});
