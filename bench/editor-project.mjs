/**
 * A synthetic FastAPI service of N Python files (default 1,000) for the editor benchmark
 * (bench/editor.mjs): routers whose routes call service helpers, which call clients; a few helpers
 * block (requests, open), most do not. Deterministic: the same N gives the same files.
 *
 *   node bench/editor-project.mjs DIR [N]
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function writeEditorProject(dir, files = 1000) {
  const groups = Math.max(1, Math.floor((files - 5) / 3));
  const write = (rel, text) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  write('Dockerfile', 'FROM python:3.12-slim\nCOPY . /srv\nWORKDIR /srv\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n');
  for (const pkg of ['app', 'app/routers', 'app/services', 'app/models']) write(`${pkg}/__init__.py`, '');
  const imports = [];
  const includes = [];
  let written = 5;
  for (let i = 0; i < groups && written + 3 <= files; i++, written += 3) {
    write(`app/models/m${i}.py`, `from dataclasses import dataclass\n\n\n@dataclass\nclass Item${i}:\n    id: int\n    name: str\n\n\ndef make(i: int) -> Item${i}:\n    return Item${i}(id=i, name=str(i))\n`);
    const blocking = i % 10 === 0;
    write(
      `app/services/s${i}.py`,
      `import json\n\nimport requests\n\nfrom app.models.m${i} import Item${i}, make\n\n\n` +
        `def load(i: int) -> Item${i}:\n    item = make(i)\n    return item\n\n\n` +
        `def fetch(i: int) -> dict:\n` +
        (blocking ? `    return requests.get(f"https://svc.example.com/{i}", timeout=5).json()\n` : `    return json.loads(json.dumps({"i": i}))\n`) +
        `\n\ndef helper_${i}(i: int) -> dict:\n    return {"item": load(i).name, "data": fetch(i)}\n`,
    );
    write(
      `app/routers/r${i}.py`,
      `from fastapi import APIRouter\n\nfrom app.services.s${i} import helper_${i}, load\n\nrouter = APIRouter()\n\n\n` +
        `@router.get("/r${i}/{item_id}")\nasync def read_${i}(item_id: int):\n    return helper_${i}(item_id)\n\n\n` +
        `@router.get("/r${i}/{item_id}/name")\nasync def name_${i}(item_id: int):\n    return load(item_id).name\n`,
    );
    imports.push(`from app.routers import r${i}`);
    includes.push(`app.include_router(r${i}.router)`);
  }
  write('app/main.py', `from fastapi import FastAPI\n\n${imports.join('\n')}\n\napp = FastAPI()\n${includes.join('\n')}\n`);
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, n] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node bench/editor-project.mjs DIR [N]');
    process.exit(2);
  }
  console.log(`${writeEditorProject(path.resolve(dir), Number(n ?? 1000))} files written to ${dir}`);
}
