/**
 * `pylint-perf server`, driven over stdio as an editor drives it: the built CLI in a child
 * process, and a client made of the same protocol package editors' clients use.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CodeActionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  FileChangeType,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type Diagnostic,
  type ProtocolConnection,
  type TextEdit,
} from 'vscode-languageserver/node';
import { tempProject } from './helpers.js';

const REPO = path.resolve(import.meta.dirname, '..');
const BIN = path.join(REPO, 'bin', 'pylint-perf.js');
const built = existsSync(path.join(REPO, 'dist', 'cli-main.js'));
if (!built && process.env.CI) throw new Error('dist/ is missing: .ci/run builds it with npm ci');

const MAIN = `import time

from fastapi import FastAPI

from app.crud import get_user

app = FastAPI()


@app.get("/users/{user_id}")
async def read_user(user_id: int):
    return get_user(user_id)


@app.get("/slow")
async def slow():
    time.sleep(1)
    return {}
`;
const CRUD_BLOCKING = `import requests


def get_user(user_id):
    return requests.get(f"https://users.example.com/{user_id}", timeout=5).json()
`;
const CRUD_ASYNC_SAFE = `def get_user(user_id):
    return {"id": user_id}
`;

/** An editor's side of the connection: what it sent, what it was told. */
class Editor {
  readonly connection: ProtocolConnection;
  private readonly latest = new Map<string, Diagnostic[]>();
  private readonly waiters: (() => void)[] = [];
  private readonly versions = new Map<string, number>();
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    this.connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.latest.set(p.uri, p.diagnostics);
      for (const w of this.waiters.splice(0)) w();
    });
    this.connection.listen();
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  diagnostics(uri: string): Diagnostic[] | undefined {
    return this.latest.get(uri);
  }

  /** Waits until the diagnostics published for `uri` satisfy `ok`. */
  async until(uri: string, ok: (d: Diagnostic[]) => boolean, what: string, ms = 20_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + ms;
    while (!(this.latest.has(uri) && ok(this.latest.get(uri)!))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last diagnostics: ${JSON.stringify(this.latest.get(uri))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    return this.latest.get(uri)!;
  }

  async open(file: string, text: string): Promise<string> {
    const uri = pathToFileURL(file).href;
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: file.endsWith('.py') ? 'python' : 'plaintext', version: 1, text } });
    return uri;
  }

  async replace(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }
}

const started: Editor[] = [];

function startServer(root: string): Editor {
  const child = spawn(process.execPath, [BIN, 'server', '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr!.resume();
  const editor = new Editor(child);
  started.push(editor);
  return editor;
}

afterEach(() => {
  for (const e of started.splice(0)) {
    e.connection.dispose();
    if (e.child.exitCode === null) e.child.kill();
  }
});

async function initialize(editor: Editor, root: string): Promise<void> {
  const result = await editor.connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(root).href,
    capabilities: {},
    workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'project' }],
    initializationOptions: { debounceMs: 20 },
  });
  expect(result.capabilities.codeActionProvider).toBeTruthy();
  expect(result.capabilities.hoverProvider).toBe(true);
  expect(result.serverInfo?.name).toBe('pylint-perf');
  await editor.connection.sendNotification(InitializedNotification.type, {});
}

/** Applies LSP text edits to a text. */
function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

describe.runIf(built)('pylint-perf server (Language Server Protocol over stdio)', () => {
  it('publishes findings as the user types, across files, fixes them, survives a broken configuration and exits cleanly', async () => {
    const root = tempProject({ 'app/__init__.py': '', 'app/main.py': MAIN, 'app/crud.py': CRUD_BLOCKING });
    const editor = startServer(root);
    await initialize(editor, root);

    // Opening the route file: the blocking helper it calls is reported on the call, with the chain.
    const main = await editor.open(path.join(root, 'app', 'main.py'), MAIN);
    const first = await editor.until(main, (d) => d.length === 2, 'two PP101 diagnostics on main.py');
    const chained = first.find((d) => d.range.start.line === 11)!;
    expect(chained).toMatchObject({ code: 'PP101', source: 'pylint-perf', severity: 1, range: { start: { line: 11, character: 11 } } });
    expect(chained.message).toContain('get_user() → requests.get()');
    expect(chained.codeDescription?.href).toMatch(/docs\/rules\/PP101-blocking-call-in-async\.md$/);
    expect(chained.relatedInformation?.map((r) => r.location.uri)).toContain(pathToFileURL(path.join(root, 'app', 'crud.py')).href);

    // Editing the helper in another open document (unsaved) changes the route's diagnostics.
    const crud = await editor.open(path.join(root, 'app', 'crud.py'), CRUD_BLOCKING);
    await editor.replace(crud, CRUD_ASYNC_SAFE);
    await editor.until(main, (d) => d.length === 1 && d[0].range.start.line === 16, 'the chained finding to disappear');
    await editor.replace(crud, CRUD_BLOCKING);
    await editor.until(main, (d) => d.length === 2, 'the chained finding to come back');

    // Code actions on the direct time.sleep: its fix, a suppression comment, the rule's documentation.
    const sleep = editor.diagnostics(main)!.find((d) => d.range.start.line === 16)!;
    const actions = (await editor.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: main }, range: sleep.range, context: { diagnostics: [sleep] } })) as CodeAction[];
    expect(actions.map((a) => a.title)).toEqual(expect.arrayContaining(['Disable PP101 for this line', 'Explain PP101 (blocking-call-in-async)']));
    const fix = actions.find((a) => a.isPreferred)!;
    expect(fix.title).toMatch(/asyncio\.sleep/);
    const fixed = applyEdits(MAIN, fix.edit!.changes![main]);
    expect(fixed).toContain('await asyncio.sleep(1)');
    await editor.replace(main, fixed);
    await editor.until(main, (d) => d.length === 1 && d[0].range.start.line !== 16 && String(d[0].message).includes('get_user'), 'the fixed call to disappear');

    // The suppression comment silences the other finding.
    const chainedNow = editor.diagnostics(main)![0];
    const more = (await editor.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: main }, range: chainedNow.range, context: { diagnostics: [chainedNow] } })) as CodeAction[];
    const disable = more.find((a) => a.title === 'Disable PP101 for this line')!;
    const silenced = applyEdits(fixed, disable.edit!.changes![main]);
    expect(silenced).toContain('    # pylint-perf: disable-next=PP101\n    return get_user(user_id)');
    await editor.replace(main, silenced);
    await editor.until(main, (d) => d.length === 0, 'no diagnostics once suppressed');
    await editor.replace(main, fixed);
    const back = await editor.until(main, (d) => d.length === 1, 'the finding back without the comment');

    // Hover over a finding shows the rule's documentation.
    const hover = await editor.connection.sendRequest(HoverRequest.type, { textDocument: { uri: main }, position: back[0].range.start });
    expect(JSON.stringify(hover?.contents)).toContain('# PP101 `blocking-call-in-async`');

    // A malformed configuration: one diagnostic on the configuration file, the server still answers.
    const configFile = path.join(root, 'pylint-perf.json');
    const config = pathToFileURL(configFile).href;
    writeFileSync(configFile, JSON.stringify({ select: 5 }));
    await editor.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: config, type: FileChangeType.Created }] });
    const broken = await editor.until(config, (d) => d.length === 1, 'a diagnostic on the broken configuration');
    expect(broken[0].message).toMatch(/invalid configuration: .*select/);
    expect(await editor.connection.sendRequest(HoverRequest.type, { textDocument: { uri: main }, position: back[0].range.start })).toBeTruthy();
    writeFileSync(configFile, JSON.stringify({ ignore: ['PP101'] }));
    await editor.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: config, type: FileChangeType.Changed }] });
    await editor.until(config, (d) => d.length === 0, 'the configuration diagnostic to clear');
    await editor.until(main, (d) => d.length === 0, 'the configuration (ignore PP101) to apply');

    // Shutdown, then exit: exit code 0 and nothing left running.
    expect(await editor.connection.sendRequest(ShutdownRequest.type)).toBeNull();
    await editor.connection.sendNotification(ExitNotification.type);
    expect(await editor.exited).toBe(0);
    expect(readFileSync(path.join(root, 'app', 'main.py'), 'utf8')).toBe(MAIN);
  }, 90_000);

  it('publishes findings on the deployment files the rules read, from the unsaved buffer', async () => {
    const dockerfile = 'FROM python:3.12-slim\nCOPY . /srv\nWORKDIR /srv\nCMD ["gunicorn", "app.main:app"]\n';
    const root = tempProject({ 'app/__init__.py': '', 'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n', Dockerfile: dockerfile });
    const editor = startServer(root);
    await initialize(editor, root);
    const uri = await editor.open(path.join(root, 'Dockerfile'), dockerfile);
    const [finding] = await editor.until(uri, (d) => d.some((x) => x.code === 'PP301'), 'PP301 on the Dockerfile');
    expect(finding.range.start.line).toBe(3);
    const actions = (await editor.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: finding.range, context: { diagnostics: [finding] } })) as CodeAction[];
    const fix = actions.find((a) => a.isPreferred)!;
    const fixed = applyEdits(dockerfile, fix.edit!.changes![uri]);
    expect(fixed).toContain('uvicorn.workers.UvicornWorker');
    await editor.replace(uri, fixed);
    await editor.until(uri, (d) => !d.some((x) => x.code === 'PP301'), 'PP301 to go once the buffer has the worker class');
    expect(readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toBe(dockerfile);

    // What the run says about a file (here a syntax error) shows on it too.
    const broken = await editor.open(path.join(root, 'app', 'main.py'), 'from fastapi import FastAPI\n\napp = FastAPI(\n\ndef f(:\n');
    const [notice] = await editor.until(broken, (d) => d.length > 0, 'the syntax error notice');
    expect(notice).toMatchObject({ code: 'SyntaxError', severity: 2, source: 'pylint-perf' });
  }, 60_000);

  it('answers shutdown once the check in progress (parsing in worker threads) has ended, then exits with 0', async () => {
    const files: Record<string, string> = { 'app/__init__.py': '', 'app/main.py': MAIN, 'app/crud.py': CRUD_BLOCKING };
    for (let i = 0; i < 120; i++) files[`app/mod${i}.py`] = `import requests\n\n\nasync def handler_${i}():\n    return requests.get("https://example.com/${i}")\n`;
    const root = tempProject(files);
    const child = spawn(process.execPath, [BIN, 'server'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYLINT_PERF_WORKERS: '2' } });
    child.stderr!.resume();
    const editor = new Editor(child);
    started.push(editor);
    await initialize(editor, root);
    const main = await editor.open(path.join(root, 'app', 'main.py'), MAIN);
    // The first check parses 123 files (no cache yet): in worker threads. Shutdown waits for it.
    await new Promise((r) => setTimeout(r, 60));
    expect(await editor.connection.sendRequest(ShutdownRequest.type)).toBeNull();
    expect(editor.diagnostics(main)?.length).toBe(2);
    const t = Date.now();
    await editor.connection.sendNotification(ExitNotification.type);
    expect(await editor.exited).toBe(0);
    expect(Date.now() - t).toBeLessThan(5_000);
  }, 60_000);

  it('exits with 1 when told to exit without a shutdown request (the protocol), even in the middle of a check', async () => {
    const root = tempProject({ 'app/__init__.py': '', 'app/main.py': MAIN, 'app/crud.py': CRUD_BLOCKING });
    const editor = startServer(root);
    await initialize(editor, root);
    await editor.open(path.join(root, 'app', 'main.py'), MAIN);
    await editor.connection.sendNotification(ExitNotification.type);
    expect(await editor.exited).toBe(1);
  }, 30_000);
});
