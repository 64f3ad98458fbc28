/**
 * From a command line to the application-server commands in it. Shell text is split into words
 * by `shell-quote`; `&&`/`;`/`|` chains, `cd dir`, `export X=1`, `X=1 cmd`, `sh -c "..."` and the
 * usual wrappers (`exec`, `poetry run`, `uv run`, `python -m`, `ddtrace-run`, `tini --`, ...) are
 * followed until a `gunicorn`, `uvicorn` or `fastapi` word is found.
 */

import path from 'node:path';
import { parse as parseShell } from 'shell-quote';
import { known, type DeployValue, type ServerProgram } from './model.js';

export interface CommandContext {
  environment: Record<string, DeployValue>;
  workingDirectory?: string;
}

export interface ServerCommand {
  program: ServerProgram;
  /** The words after the program (`-k`, `uvicorn.workers.UvicornWorker`, `app.main:app`). */
  args: string[];
  /** The word that named the program, as written, and its index among all words of the text. */
  programWord: string;
  environment: Record<string, DeployValue>;
  workingDirectory?: string;
  pypy: boolean;
  /** Started in the background (`cmd &`), as a script starts a helper beside its main process. */
  background?: boolean;
}

/**
 * Any other command a deployment file runs, after the wrappers: `python -m app.worker`,
 * `python main.py`, `./start.sh`, `bash scripts/run.sh`, `myapp serve` (a console script).
 * The model decides what it starts (a script of the project, a module run as `__main__`).
 */
export interface OtherCommand {
  /** The words from the program on (`python`, `-m`, `app.worker`). */
  words: string[];
  /** The word that named the program, as written. */
  programWord: string;
  environment: Record<string, DeployValue>;
  workingDirectory?: string;
  background?: boolean;
}

const SERVERS: Record<string, ServerProgram> = { gunicorn: 'gunicorn', uvicorn: 'uvicorn', fastapi: 'fastapi' };

/** Wrappers that run the rest of the line: word → how many following words belong to the wrapper. */
const PREFIX_WRAPPERS: Record<string, number> = {
  exec: 0,
  nohup: 0,
  time: 0,
  command: 0,
  'ddtrace-run': 0,
  'opentelemetry-instrument': 0,
  'dumb-init': 0,
  tini: 0,
  'tini-static': 0,
  gosu: 1,
  'su-exec': 1,
  chpst: 0,
  'newrelic-admin': 1, // newrelic-admin run-program CMD
  'scout-apm': 0,
  // Shell keywords that begin a command on the same line: `then gunicorn ...`.
  then: 0,
  else: 0,
  do: 0,
};

/** `<tool> run CMD`. */
const RUNNERS = new Set(['poetry', 'uv', 'pipenv', 'pdm', 'hatch', 'rye', 'conda', 'micromamba', 'pixi']);

/** Runner options that take a value (so the value is not mistaken for the command). */
const RUNNER_VALUE_OPTIONS = new Set(['--with', '--python', '-p', '--env', '-e', '--project', '--directory', '--package', '--group', '--extra', '-n', '--name', '--prefix', '--env-file']);

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh']);

export type Word = string | { op: string } | { comment: string } | { pattern: string; op: 'glob' };

/** Words of shell text. Parameter expansions are kept as `${NAME}` so their values stay unknown. */
export function shellWords(text: string): Word[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  try {
    return parseShell(joined, (name: string) => `\${${name}}`) as Word[];
  } catch {
    return joined.split(/\s+/).filter(Boolean);
  }
}

/** Server commands in shell text (a RUN/CMD shell form, a Procfile line, a script line). */
export function serverCommandsInShell(text: string, context: CommandContext): ServerCommand[] {
  return serverCommandsInWords(shellWords(text), context);
}

/** Server commands in words already split (exec form, YAML lists, or the output of `shellWords`). */
export function serverCommandsInWords(words: readonly Word[], context: CommandContext): ServerCommand[] {
  return scanWords(words, context).commands;
}

/** What a scan finds: the server commands and every other command, in the order written. */
interface Found {
  commands: ServerCommand[];
  others: OtherCommand[];
  /** Both, in the order written. */
  sequence: (ServerCommand | OtherCommand)[];
}

/**
 * Scans words for server commands (and the other commands, for the model to follow), following
 * the context through the chain: what `cd` and `export` change holds for the commands after them
 * (and, in a script, for the next lines).
 */
export function scanWords(words: readonly Word[], context: CommandContext, depth = 0): { commands: ServerCommand[]; others: OtherCommand[]; sequence: (ServerCommand | OtherCommand)[]; context: CommandContext } {
  const found: Found = { commands: [], others: [], sequence: [] };
  let current: CommandContext = { environment: { ...context.environment }, workingDirectory: context.workingDirectory };
  let simple: string[] = [];
  const flush = (operator?: string): void => {
    const before = { commands: found.commands.length, others: found.others.length };
    if (simple.length > 0) current = simpleCommand(simple, current, found, depth);
    simple = [];
    if (operator === '&') {
      for (const c of found.commands.slice(before.commands)) c.background = true;
      for (const c of found.others.slice(before.others)) c.background = true;
    }
  };
  for (const w of words) {
    if (typeof w === 'string') simple.push(w);
    else if ('comment' in w) break;
    else if ('pattern' in w) simple.push(w.pattern);
    else flush(w.op);
  }
  flush();
  return { commands: found.commands, others: found.others, sequence: found.sequence, context: current };
}

function other(found: Found, command: OtherCommand): void {
  found.others.push(command);
  found.sequence.push(command);
}

/** One simple command: finds a server in it, or updates the context (`cd`, `export`). */
function simpleCommand(input: string[], context: CommandContext, found: Found, depth: number): CommandContext {
  const words = [...input];
  const environment = { ...context.environment };
  const local: Record<string, DeployValue> = {};
  // X=1 Y=2 cmd
  while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
    const [name, ...rest] = words.shift()!.split('=');
    local[name] = known(rest.join('='));
  }
  if (words.length === 0) return { environment: { ...environment, ...local }, workingDirectory: context.workingDirectory };
  const changed = contextChange(words, context, environment);
  if (changed) return changed;
  const state: Unwrapping = { env: { ...environment, ...local }, workingDirectory: context.workingDirectory, pypy: false, found, depth };
  let rest: string[] | undefined = words;
  for (let guard = 0; guard < 16 && rest && rest.length > 0; guard++) rest = unwrapOnce(rest, state);
  return { environment, workingDirectory: context.workingDirectory };
}

/** `cd dir` and `export X=1`: the context after them (`environment` is the command's copy), or undefined for any other command. */
function contextChange(words: string[], context: CommandContext, environment: Record<string, DeployValue>): CommandContext | undefined {
  if (words[0] === 'cd' && words.length >= 2) {
    const dir = words[1];
    const next = context.workingDirectory && !path.posix.isAbsolute(dir) ? path.posix.join(context.workingDirectory, dir) : dir;
    return { environment, workingDirectory: next };
  }
  if (words[0] === 'export') {
    for (const w of words.slice(1)) {
      const eq = w.indexOf('=');
      if (eq > 0) environment[w.slice(0, eq)] = known(w.slice(eq + 1));
    }
    return { environment, workingDirectory: context.workingDirectory };
  }
  return undefined;
}

/** What holds while the wrappers of one simple command are taken off. */
interface Unwrapping {
  /** The command's environment (`X=1 cmd`, `env X=1 cmd`). */
  env: Record<string, DeployValue>;
  workingDirectory?: string;
  /** Run by PyPy (`pypy -m gunicorn`). */
  pypy: boolean;
  found: Found;
  depth: number;
}

/**
 * Takes one wrapper off a command: the words left to look at, or undefined when the command is
 * settled (a server or another command recorded in `found`, or nothing to follow).
 */
function unwrapOnce(words: string[], s: Unwrapping): string[] | undefined {
  const head = path.posix.basename(words[0]);
  const server = SERVERS[head];
  if (server) {
    const command: ServerCommand = { program: server, args: words.slice(1), programWord: words[0], environment: s.env, workingDirectory: s.workingDirectory, pypy: s.pypy };
    s.found.commands.push(command);
    s.found.sequence.push(command);
    return undefined;
  }
  if (head in PREFIX_WRAPPERS) return afterPrefixWrapper(words, head);
  if (head === 'env') return afterEnv(words, s.env);
  if (RUNNERS.has(head)) return afterRunner(words);
  if (/^(python|pypy)(\d+(\.\d+)*)?$/.test(head)) {
    s.pypy ||= head.startsWith('pypy');
    const m = words.indexOf('-m');
    if (m < 0 || m + 1 >= words.length || !SERVERS[words[m + 1]]) {
      // `python main.py`, `python -m app.worker`: the model follows it into the project.
      other(s.found, { words, programWord: words[0], environment: s.env, workingDirectory: s.workingDirectory });
      return undefined;
    }
    return [words[m + 1], ...words.slice(m + 2)];
  }
  if (SHELLS.has(head)) {
    shellCommand(words, s);
    return undefined;
  }
  if (head === 'source' || head === '.') return undefined;
  other(s.found, { words, programWord: words[0], environment: s.env, workingDirectory: s.workingDirectory });
  return undefined;
}

/** `exec cmd`, `gosu user cmd`, `newrelic-admin run-program cmd`, `tini -- cmd` → `cmd`. */
function afterPrefixWrapper(input: string[], head: string): string[] {
  let words = input.slice(1 + PREFIX_WRAPPERS[head]);
  if (head === 'newrelic-admin' && words[0] === 'run-program') words = words.slice(1);
  while (words[0]?.startsWith('-')) words = words.slice(words[0] === '--' ? 1 : 1);
  return words;
}

/** `env -i X=1 cmd` → `cmd`, with `X` set in the command's environment. */
function afterEnv(input: string[], env: Record<string, DeployValue>): string[] {
  let words = input.slice(1);
  while (words.length > 0 && (words[0].startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]))) {
    const eq = words[0].indexOf('=');
    if (!words[0].startsWith('-') && eq > 0) env[words[0].slice(0, eq)] = known(words[0].slice(eq + 1));
    words = words.slice(1);
  }
  return words;
}

/** `poetry run --with x cmd` → `cmd`; undefined when the runner does not run a command. */
function afterRunner(input: string[]): string[] | undefined {
  const run = input.indexOf('run');
  if (run < 0) return undefined;
  let words = input.slice(run + 1);
  while (words.length > 0 && words[0].startsWith('-')) {
    const option = words[0];
    words = words.slice(RUNNER_VALUE_OPTIONS.has(option) && !option.includes('=') ? 2 : 1);
  }
  return words;
}

/** `sh -c "..."` (scanned as shell text) or `bash scripts/start.sh` (the script is what runs). */
function shellCommand(words: string[], s: Unwrapping): void {
  const c = words.findIndex((w) => /^-[a-z]*c[a-z]*$/.test(w));
  if (c >= 0 && c + 1 < words.length) {
    if (s.depth < 4) {
      const inner = scanWords(shellWords(words[c + 1]), { environment: s.env, workingDirectory: s.workingDirectory }, s.depth + 1);
      s.found.commands.push(...inner.commands);
      s.found.others.push(...inner.others);
      s.found.sequence.push(...inner.sequence);
    }
  } else if (words.length > 1) {
    // `bash scripts/start.sh`: the script is what runs.
    other(s.found, { words, programWord: words[0], environment: s.env, workingDirectory: s.workingDirectory });
  }
}
