/**
 * Which dependency manifests a shell command installs: `pip install -r requirements.txt` (also
 * `python -m pip`, `uv pip install|sync`, `pip-sync`), a project directory given to `pip install`
 * (`pip install .`, `-e ./api`: its `pyproject.toml`), `poetry`/`uv`/`pdm` installing or exporting
 * the project in the working directory (`pyproject.toml`), `pipenv install|sync` (`Pipfile`).
 * Paths are container (or host) paths resolved against the working directory; `/` when unknown,
 * as in a Dockerfile without WORKDIR.
 */

import path from 'node:path';
import { shellWords, type Word } from './command.js';
import type { ContainerCopy } from './model.js';

/** pip options that take a value, so the value is not read as a package or directory. */
const PIP_VALUE_OPTIONS = new Set([
  '-c', '--constraint', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target', '--prefix', '--root',
  '--platform', '--python-version', '--implementation', '--abi', '--only-binary', '--no-binary', '--trusted-host', '--cache-dir',
  '--progress-bar', '--upgrade-strategy', '--log', '--timeout', '--retries', '--proxy', '--src', '--python', '-p', '--report',
  '--config-settings', '-C', '--global-option', '--install-option', '--exists-action', '--keyring-provider', '--index-strategy',
]);

/** Project tools: the subcommands that install (or export for installing) the project's dependencies, and the file they read. */
const PROJECT_TOOLS: Record<string, { subcommands: Set<string>; manifest: string; directoryOptions: Set<string> }> = {
  poetry: { subcommands: new Set(['install', 'sync', 'export']), manifest: 'pyproject.toml', directoryOptions: new Set(['-C', '--directory', '-P', '--project']) },
  uv: { subcommands: new Set(['sync', 'export']), manifest: 'pyproject.toml', directoryOptions: new Set(['--project', '--directory']) },
  pdm: { subcommands: new Set(['install', 'sync', 'export']), manifest: 'pyproject.toml', directoryOptions: new Set(['-p', '--project']) },
  pipenv: { subcommands: new Set(['install', 'sync', 'requirements']), manifest: 'Pipfile', directoryOptions: new Set() },
};

const WRAPPERS = new Set(['exec', 'sudo', 'nohup', 'time', 'command']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh']);

/** Manifests installed by shell text or words, as absolute paths in the filesystem the command runs in. */
export function manifestsInstalled(command: string | readonly Word[], workingDirectory = '/', depth = 0): string[] {
  const words = typeof command === 'string' ? shellWords(command) : command;
  const out: string[] = [];
  let cwd = workingDirectory;
  let simple: string[] = [];
  const flush = (): void => {
    if (simple.length > 0) cwd = simpleCommand(simple, cwd, out, depth);
    simple = [];
  };
  for (const w of words) {
    if (typeof w === 'string') simple.push(w);
    else if ('comment' in w) break;
    else if ('pattern' in w) simple.push(w.pattern);
    else flush();
  }
  flush();
  return out;
}

/** One simple command; returns the working directory after it (`cd`). */
function simpleCommand(input: string[], cwd: string, out: string[], depth: number): string {
  let words = input.filter((w) => w !== '');
  while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) words = words.slice(1);
  while (words.length > 0 && WRAPPERS.has(words[0])) words = words.slice(1);
  if (words.length === 0) return cwd;
  const at = (p: string): string => path.posix.resolve(cwd, p);
  const head = path.posix.basename(words[0]);
  if (head === 'cd') return words[1] ? at(words[1]) : cwd;
  if (SHELLS.has(head)) {
    const c = words.findIndex((w) => /^-[a-z]*c[a-z]*$/.test(w));
    if (c >= 0 && words[c + 1] !== undefined && depth < 4) out.push(...manifestsInstalled(words[c + 1], cwd, depth + 1));
    return cwd;
  }
  // python -m pip ..., python3.12 -m uv ...
  if (/^(python|pypy)(\d+(\.\d+)*)?$/.test(head)) {
    const m = words.indexOf('-m');
    if (m < 0 || words[m + 1] === undefined) return cwd;
    words = words.slice(m + 1);
  }
  const tool = path.posix.basename(words[0]);
  if (/^pip(\d+(\.\d+)*)?$/.test(tool)) pip(words.slice(1), at, out);
  else if (tool === 'uv' && words[1] === 'pip') pip(words.slice(2), at, out);
  else if (tool === 'pip-sync') words.slice(1).filter((w) => !w.startsWith('-')).forEach((w) => out.push(at(w)));
  else if (tool in PROJECT_TOOLS) {
    const spec = PROJECT_TOOLS[tool];
    const sub = words.find((w, i) => i > 0 && !w.startsWith('-') && !spec.directoryOptions.has(words[i - 1]));
    if (!sub || !spec.subcommands.has(sub)) return cwd;
    let directory = cwd;
    words.forEach((w, i) => {
      const [name, value] = w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, words[i + 1]];
      if (spec.directoryOptions.has(name) && value) directory = at(value);
    });
    out.push(path.posix.join(directory, spec.manifest));
  }
  return cwd;
}

/** `pip install` / `uv pip install|sync` arguments. */
function pip(args: string[], at: (p: string) => string, out: string[]): void {
  const sub = args.findIndex((a) => !a.startsWith('-'));
  if (sub < 0 || (args[sub] !== 'install' && args[sub] !== 'sync')) return;
  const sync = args[sub] === 'sync';
  const rest = args.slice(sub + 1);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    let requirement: string | undefined;
    if (a === '-r' || a === '--requirement' || a === '--requirements') requirement = rest[++i];
    else if (a.startsWith('--requirement=') || a.startsWith('--requirements=')) requirement = a.slice(a.indexOf('=') + 1);
    else if (/^-r./.test(a)) requirement = a.slice(2);
    else if (a === '-e' || a === '--editable') {
      const target = rest[++i];
      if (target && isDirectory(target)) out.push(path.posix.join(at(target.replace(/\[.*\]$/, '')), 'pyproject.toml'));
      continue;
    } else if (a.startsWith('-')) {
      if (PIP_VALUE_OPTIONS.has(a)) i++;
      continue;
    } else if (sync) requirement = a;
    else if (isDirectory(a)) out.push(path.posix.join(at(a.replace(/\[.*\]$/, '')), 'pyproject.toml'));
    if (requirement) out.push(at(requirement));
  }
}

/** A `pip install` argument that names a local project directory rather than a package. */
function isDirectory(arg: string): boolean {
  return /^(\.{1,2}|\/|\.{1,2}\/|\$\{[A-Za-z_]+\})/.test(arg) && !/\.(whl|tar\.gz|zip)$/.test(arg);
}

export type { ContainerCopy } from './model.js';

/**
 * The build-context paths a file in the image may have come from, through the copies made so far:
 * a file copied to the destination or into it, a glob of files copied into it, or a directory
 * whose contents were copied into it. Every reading is kept; callers match against known files.
 */
export function contextPathsOf(file: string, copies: readonly ContainerCopy[]): string[] {
  const out: string[] = [];
  for (const copy of copies) {
    const destination = copy.destination.replace(/\/+$/, '') || '/';
    for (const source of copy.sources) {
      const s = path.posix.normalize(source.replace(/^\/+/, '') || '.').replace(/\/+$/, '');
      const name = path.posix.basename(s);
      if (s.includes('*') || s.includes('?')) {
        const glob = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
        if (path.posix.dirname(file) === destination && glob.test(path.posix.basename(file))) out.push(path.posix.join(path.posix.dirname(s), path.posix.basename(file)));
        continue;
      }
      if (file === destination || file === path.posix.join(destination, name)) out.push(s);
      if (file.startsWith(destination === '/' ? '/' : `${destination}/`)) out.push(path.posix.join(s, path.posix.relative(destination, file)));
    }
  }
  return out;
}
