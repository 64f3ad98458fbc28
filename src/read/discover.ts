/**
 * From command-line paths to the files to analyse.
 *
 * - A file named on the command line is always checked (unless `--force-exclude`, which
 *   pre-commit users want so that excludes apply to the files it passes).
 * - Directories are walked here rather than by fast-glob so that ignored directories are pruned
 *   before they are read (a git-ignored `data/` with a million files costs nothing) and nested
 *   .gitignore files apply with git's precedence. Glob arguments (`'src/**\/*.py'`) go through
 *   fast-glob.
 * - Exclude patterns use .gitignore syntax relative to the project root; defaults skip virtual
 *   environments, caches and build output. Symbolic links are followed, each real directory once,
 *   so a link loop ends the descent instead of the run.
 * - Nothing whose real location is outside the project is read: a link to `/etc` or a home
 *   directory, added by a pull request, would otherwise put those files into reports (SARIF
 *   snippets are uploaded). Such a link is a notice.
 */

import { existsSync, promises as fs, readdirSync, realpathSync, type Dirent } from 'node:fs';
import path from 'node:path';
import ignoreFactory, { type Ignore } from 'ignore';
import type { Notice } from '../core/diagnostics.js';

export interface DiscoverOptions {
  paths: string[];
  cwd: string;
  /** Where exclude patterns are anchored (the configuration file's directory). */
  root: string;
  /** The project: .gitignore files apply from its work tree, and nothing outside it is read (default: `root`). */
  projectRoot?: string;
  exclude: readonly string[];
  /**
   * Directory names the exclude patterns cover as build output (`build`, `dist`) that are source
   * code when they sit inside a regular package (`app/features/build/`, next to an `__init__.py`):
   * setuptools writes its output next to the project's packaging file, never inside a package.
   */
  packageDirectories?: readonly string[];
  respectGitignore: boolean;
  forceExclude: boolean;
}

export interface Discovery {
  /** Python sources, sorted. */
  files: string[];
  /** Deployment and packaging files (see `deploymentFileKind`), sorted. */
  deploymentFiles: string[];
  notices: Notice[];
}

export class UsageError extends Error {}

const GLOB_MAGIC = /[*?[\]{}]/;

export function isPythonSource(name: string): boolean {
  return name.endsWith('.py');
}

/**
 * Files outside Python that say how the code is served, deployed or packaged: the input of the
 * deployment rules. Recognised by name only; nothing is read during discovery.
 */
export type DeploymentFileKind =
  | 'dockerfile'
  | 'compose'
  | 'procfile'
  | 'shell'
  | 'makefile'
  | 'yaml'
  | 'ini'
  | 'systemd'
  | 'conf'
  | 'requirements'
  | 'pyproject'
  | 'pipfile'
  | 'setup-cfg'
  | 'json-settings'
  | 'terraform'
  | 'proxy';

export function deploymentFileKind(file: string): DeploymentFileKind | undefined {
  const name = path.basename(file);
  const lower = name.toLowerCase();
  if (/^(dockerfile|containerfile)(\..+)?$/.test(lower) || lower.endsWith('.dockerfile')) return 'dockerfile';
  if (/^(docker-)?compose(\.[\w.-]+)?\.ya?ml$/.test(lower)) return 'compose';
  if (/^procfile(\..+)?$/.test(lower)) return 'procfile';
  if (lower.endsWith('.sh') || lower.endsWith('.bash') || /^(docker-)?entrypoint$|^start(-server)?$|^prestart$/.test(lower)) return 'shell';
  if (lower === 'makefile' || lower === 'gnumakefile' || lower.endsWith('.mk')) return 'makefile';
  if (lower.endsWith('.yml') || lower.endsWith('.yaml')) return 'yaml';
  if (lower.endsWith('.ini')) return 'ini';
  if (lower.endsWith('.service')) return 'systemd';
  // nginx, supervisord and others share `.conf`: the deployment reader tells them apart by content.
  if (lower.endsWith('.conf') || (!lower.includes('.') && /^(sites-available|sites-enabled|conf\.d|nginx)$/.test(path.basename(path.dirname(file))))) return 'conf';
  // nginx configuration templates (the nginx image fills `/etc/nginx/templates/*.template` with envsubst).
  if (/\.conf(\.inc)?\.template(\.[\w-]+)?$|\.conf\.inc$/.test(lower) && /(^|[/\\])(nginx[^/\\]*|templates|conf\.d)([/\\]|$)/i.test(path.dirname(file))) return 'conf';
  if (/^requirements.*\.(txt|in)$/.test(lower)) return 'requirements';
  // The `requirements/base.txt`, `requirements/prod.txt` layout.
  if (/\.(txt|in)$/.test(lower) && path.basename(path.dirname(file)).toLowerCase() === 'requirements') return 'requirements';
  if (lower === 'pyproject.toml') return 'pyproject';
  if (name === 'Pipfile') return 'pipfile';
  if (lower === 'setup.cfg') return 'setup-cfg';
  if (/(^|[.-])template\.json$/.test(lower) || lower === 'zappa_settings.json' || (lower === 'config.json' && path.basename(path.dirname(file)) === '.chalice')) return 'json-settings';
  // What stands in front of the app: load balancers in Terraform, reverse-proxy configuration.
  if (lower.endsWith('.tf')) return 'terraform';
  if (/^haproxy.*\.cfg$/.test(lower) || lower === 'caddyfile' || /^traefik.*\.toml$/.test(lower)) return 'proxy';
  return undefined;
}

/** The enclosing git work tree of `start` (a directory holding `.git`), if any. */
export function findWorkTree(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Relative path with forward slashes, or undefined when `target` is not inside `base`. */
function inside(base: string, target: string): string | undefined {
  const rel = path.relative(base, target);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return rel === '' ? '' : undefined;
  return rel.split(path.sep).join('/');
}

class GitignoreChain {
  private readonly cache = new Map<string, Ignore | null>();
  private readonly top: string;

  constructor(start: string) {
    // Apply .gitignore files from the enclosing git work tree's root down; without one, from start.
    this.top = findWorkTree(start) ?? start;
  }

  private async load(dir: string): Promise<Ignore | null> {
    if (this.cache.has(dir)) return this.cache.get(dir)!;
    let ig: Ignore | null = null;
    const files = [path.join(dir, '.gitignore')];
    if (dir === this.top) files.push(path.join(dir, '.git', 'info', 'exclude'));
    for (const f of files) {
      try {
        const text = await fs.readFile(f, 'utf8');
        ig ??= ignoreFactory();
        ig.add(text);
      } catch {
        // no such file
      }
    }
    this.cache.set(dir, ig);
    return ig;
  }

  async ignored(abs: string, isDir: boolean): Promise<boolean> {
    const rel = inside(this.top, abs);
    if (rel === undefined || rel === '') return false;
    const segments = rel.split('/');
    let state = false;
    let dir = this.top;
    for (let i = 0; i < segments.length; i++) {
      const ig = await this.load(dir);
      if (ig) {
        let sub = segments.slice(i).join('/');
        if (isDir) sub += '/';
        const r = ig.test(sub);
        if (r.ignored) state = true;
        else if (r.unignored) state = false;
      }
      dir = path.join(dir, segments[i]);
    }
    return state;
  }
}

const OUTSIDE_MESSAGE = 'skipped: symbolic link to a location outside the project (never read, so that a link added to the repository cannot expose other files)';

export async function discoverFiles(options: DiscoverOptions): Promise<Discovery> {
  const discoverer = new Discoverer(options);
  await discoverer.resolveProjectRoot();
  for (const given of options.paths) await discoverer.addPath(given);
  const files = [...discoverer.found.values()].sort();
  const deploymentFiles = [...discoverer.deployment.values()].sort();
  return { files, deploymentFiles, notices: discoverer.notices };
}

/** One discovery: what has been found so far, and what decides whether a path is read. */
class Discoverer {
  readonly notices: Notice[] = [];
  /** Python sources: real path → path as discovered. */
  readonly found = new Map<string, string>();
  /** Deployment files: real path → path as discovered. */
  readonly deployment = new Map<string, string>();
  private readonly excluder: Ignore;
  private readonly projectRoot: string;
  private readonly gitignore: GitignoreChain | undefined;
  private readonly visitedDirs = new Set<string>();
  private realProjectRoot = '';
  /**
   * Directories named on the command line are walked even when an exclude pattern covers them;
   * inside such a directory, patterns are matched relative to it.
   */
  private readonly explicitlyExcluded = new Set<string>();

  constructor(private readonly options: DiscoverOptions) {
    this.excluder = ignoreFactory().add([...options.exclude]);
    this.projectRoot = options.projectRoot ?? options.root;
    this.gitignore = options.respectGitignore ? new GitignoreChain(this.projectRoot) : undefined;
  }

  async resolveProjectRoot(): Promise<void> {
    try {
      this.realProjectRoot = await fs.realpath(this.projectRoot);
    } catch {
      this.realProjectRoot = path.resolve(this.projectRoot);
    }
  }

  /** A path given on the command line: a directory, a file, or a glob pattern. */
  async addPath(given: string): Promise<void> {
    const { options } = this;
    const abs = path.resolve(options.cwd, given);
    let stat;
    try {
      stat = await fs.stat(abs);
    } catch {
      stat = undefined;
    }
    if (!stat) {
      if (GLOB_MAGIC.test(given)) return this.addGlob(given);
      throw new UsageError(`${given}: no such file or directory`);
    }
    if (stat.isDirectory()) {
      if (await this.excluded(abs, true, abs)) this.explicitlyExcluded.add(abs);
      await this.walk(abs, abs);
    } else {
      // Named explicitly: always checked, unless --force-exclude asks to apply the excludes.
      // Any name that is not a known deployment file is read as Python (scripts without `.py`).
      if (options.forceExclude && (await this.excluded(abs, false, path.dirname(abs)))) return;
      if (!isPythonSource(abs) && deploymentFileKind(abs)) await this.addFile(abs, this.deployment);
      else await this.addFile(abs);
    }
  }

  /** A glob pattern (`'src/**\/*.py'`), through fast-glob: the Python sources and deployment files it matches. */
  private async addGlob(given: string): Promise<void> {
    const { default: fg } = await import('fast-glob');
    const matches = await fg(given, { cwd: this.options.cwd, absolute: true, onlyFiles: true, dot: false, followSymbolicLinks: true, suppressErrors: true });
    for (const m of matches.sort()) {
      const file = path.normalize(m);
      if (await this.excluded(file, false, this.options.cwd)) continue;
      if (isPythonSource(file)) await this.addFile(file);
      else if (deploymentFileKind(file)) await this.addFile(file, this.deployment);
    }
  }

  /** A real path outside the project: reported once, never read. */
  private outside(abs: string, real: string): boolean {
    if (inside(this.realProjectRoot, real) !== undefined) return false;
    this.notices.push({ kind: 'outside-project', path: abs, message: OUTSIDE_MESSAGE });
    return true;
  }

  private async excluded(abs: string, isDir: boolean, base: string): Promise<boolean> {
    const rel = (this.explicitlyExcluded.has(base) ? undefined : inside(this.options.root, abs)) ?? inside(base, abs);
    // `build/` or `dist/` outside a package: build output (inside one: the package's code).
    if (isDir && this.options.packageDirectories?.includes(path.basename(abs)) && !(await isFile(path.join(path.dirname(abs), '__init__.py')))) return true;
    if (rel) {
      const test = isDir ? `${rel}/` : rel;
      if (this.excluder.ignores(test)) return true;
    }
    return this.gitignore ? this.gitignore.ignored(abs, isDir) : false;
  }

  /** `known`: the real path when the walk knows it (a plain file in a directory whose real path is known). */
  private async addFile(abs: string, into = this.found, known?: string): Promise<void> {
    let real = known ?? abs;
    if (known === undefined) {
      try {
        real = await fs.realpath(abs);
      } catch {
        // dangling link: reported when it is read
      }
    }
    if (real !== abs && this.outside(abs, real)) return;
    if (!into.has(real)) into.set(real, abs);
  }

  /** A directory, depth first in name order; each real directory once. `known`: its real path, when the walk knows it. */
  private async walk(dir: string, base: string, known?: string): Promise<void> {
    const listed = this.readDirectory(dir, known);
    if (!listed) return;
    const { entries, real } = listed;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      const type = await this.entryType(abs, entry);
      if (!type) continue;
      // A plain file's or directory's real path is its directory's real path and its name: no system call.
      const known = entry.isSymbolicLink() ? undefined : path.join(real, entry.name);
      if (type.isDir) {
        if (await this.excluded(abs, true, base)) continue;
        await this.walk(abs, base, known);
      } else if ((type.isFile || !entry.isDirectory()) && isPythonSource(entry.name)) {
        if (await this.excluded(abs, false, base)) continue;
        await this.addFile(abs, this.found, known);
      } else if (type.isFile && deploymentFileKind(abs)) {
        if (await this.excluded(abs, false, base)) continue;
        await this.addFile(abs, this.deployment, known);
      }
    }
  }

  /** The entries of a directory not visited yet and inside the project; undefined (with a notice when unreadable) otherwise. */
  private readDirectory(dir: string, known?: string): { entries: Dirent[]; real: string } | undefined {
    // Synchronous calls: for thousands of directories the trips through libuv's thread pool cost more than the calls.
    const unreadable = (error: unknown): undefined => {
      this.notices.push({ kind: 'unreadable', path: dir, message: `directory cannot be read (${(error as NodeJS.ErrnoException).code}); skipped` });
      return undefined;
    };
    let real: string;
    try {
      real = known ?? realpathSync(dir);
    } catch (error) {
      return unreadable(error);
    }
    if (this.visitedDirs.has(real)) return undefined; // symlink loop or a second link to the same directory
    if (real !== dir && this.outside(dir, real)) return undefined;
    this.visitedDirs.add(real);
    try {
      return { entries: readdirSync(dir, { withFileTypes: true }), real };
    } catch (error) {
      return unreadable(error);
    }
  }

  /** Whether an entry is a directory or a file, through a symbolic link; undefined for a broken link (a notice for a Python one). */
  private async entryType(abs: string, entry: Dirent): Promise<{ isDir: boolean; isFile: boolean } | undefined> {
    if (!entry.isSymbolicLink()) return { isDir: entry.isDirectory(), isFile: entry.isFile() };
    try {
      const st = await fs.stat(abs);
      return { isDir: st.isDirectory(), isFile: !st.isDirectory() };
    } catch (error) {
      if (isPythonSource(entry.name)) {
        const code = (error as NodeJS.ErrnoException).code;
        this.notices.push({ kind: 'unreadable', path: abs, message: code === 'ELOOP' ? 'symbolic link loop; skipped' : 'dangling symbolic link; skipped' });
      }
      return undefined;
    }
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
