/**
 * Import roots: the directories a Python file's absolute imports start from when its service runs
 * (the first entries of its `sys.path`). A repository with several services has one per service:
 * `services/api/` and `services/billing/`, each with its own `app` package, and
 * `from app.crud import get_user` in `services/api/app/routes.py` means
 * `services/api/app/crud.py`, whichever directory the check was started from.
 *
 * A directory is an import root when it is a configured source root (`src`), holds packaging
 * metadata (`pyproject.toml`, `setup.cfg`, `setup.py`) or a Dockerfile, is where a server starts
 * (a Dockerfile WORKDIR mapped to its build context, gunicorn `--chdir`, uvicorn `--app-dir`, a
 * Lambda code directory), or is the directory above a package that code in it imports by absolute
 * name (`from app.crud import x` under `services/api/`, where `services/api/app/crud.py` exists)
 * and is not itself a regular package (a directory with `__init__.py` is imported through a root
 * above it, not put on `sys.path`).
 *
 * Module names stay unique in the project (relative to its source roots: `services.api.app.crud`
 * and `services.billing.app.crud`). An absolute import is looked up in the file's import roots,
 * nearest first; the first root that has its top-level name decides, and the name is spelled as
 * the project knows it (`app` → `services.api.app`) when the file's facts are extracted. A name
 * that no root of the file has keeps its spelling: a module of the project's source roots, or a
 * library. As in Python, a directory without `__init__.py` (a namespace package) only takes the
 * name when the import goes on into it (`app.crud`), since an installed package of that name
 * would win; a module compiled into the interpreter (`time`, `sys`) always wins.
 */

import path from 'node:path';
import { isInside } from '../core/paths.js';
import type { ImportFact } from '../read/python/facts.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Modules compiled into CPython: found before anything on `sys.path`. */
const BUILTIN_MODULES = new Set(['builtins', 'sys', 'time', 'itertools', 'marshal', 'gc', 'errno', 'posix', 'pwd', 'atexit', 'faulthandler']);

/** A top-level importable name of a directory. */
interface Entry {
  /** The project's module name for it (`services.api.app`), or null when the names do not line up. */
  name: string | null;
  /** A module `X.py` or a regular package `X/__init__.py`: it takes the name even when a library has it. */
  regular: boolean;
  /** Names one level down (`crud` of `app/crud.py`). */
  children: Set<string>;
}

export interface ImportRootsInput {
  projectRoot: string;
  /** Python files with their project module names. */
  modules: readonly { path: string; moduleName: string; isPackage: boolean }[];
  /** Roots known without reading code: source roots, packaging and Docker directories, server start directories. */
  declared: readonly string[];
}

type Imports = readonly Pick<ImportFact, 'module' | 'name' | 'level'>[];

const FROM_IMPORT = /^[ \t]*(?:lazy[ \t]+)?from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b(?:[\s(\\]*([A-Za-z_]\w*))?/gm;
const PLAIN_IMPORT = /^[ \t]*(?:lazy[ \t]+)?import[ \t]+([A-Za-z_][\w.]*(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*(?:[ \t]+as[ \t]+\w+)?)*)/gm;

/**
 * The absolute imports of a Python text, found line by line without parsing: `import a.b, c`
 * and `from a.b import c` at the start of a line. Import roots must be known before a file is
 * parsed (they decide how its imports are spelled), and parsing every file twice would double the
 * cost of a cold run; an import this misses (`if x: import y` on one line) keeps its spelling,
 * and one it finds in a string only matters when the name is one of the file's root's packages.
 */
export function scanImports(text: string): Imports {
  const out: { module: string; name?: string; level: number }[] = [];
  for (const m of text.matchAll(FROM_IMPORT)) out.push({ module: m[1], name: m[2], level: 0 });
  for (const m of text.matchAll(PLAIN_IMPORT)) {
    for (const part of m[1].split(',')) out.push({ module: part.trim().split(/[ \t]/)[0], level: 0 });
  }
  return out;
}

export class ImportRoots {
  private readonly entries = new Map<string, Map<string, Entry>>();
  private readonly roots = new Set<string>();
  /** Directories with an `__init__.py`: packages, which code imports through a root above them. */
  private readonly packages = new Set<string>();
  private readonly projectRoot: string;
  private enclosingCache = new Map<string, string[]>();

  constructor(input: ImportRootsInput) {
    this.projectRoot = path.resolve(input.projectRoot);
    for (const m of input.modules) {
      this.index(m.path, m.moduleName);
      if (m.isPackage) this.packages.add(path.dirname(m.path));
    }
    for (const d of input.declared) this.roots.add(path.resolve(d));
  }

  /** Adds the roots that code shows by importing its own packages by absolute name. */
  inferFrom(modules: readonly { path: string; imports: Imports }[]): void {
    for (const m of modules) {
      for (const imp of m.imports) {
        if (imp.level !== 0) continue;
        const parts = imp.module.split('.');
        const second = parts[1] ?? (imp.name && imp.name !== '*' ? imp.name : undefined);
        if (second === undefined) continue;
        for (const dir of this.ancestors(m.path)) {
          // A regular package is not where imports start: `backend/ee/` (with `__init__.py`) holds
          // `ee.onyx`, and `from onyx.db import x` in it means `backend/onyx/db`, as at run time.
          if (this.packages.has(dir)) continue;
          const entry = this.entries.get(dir)?.get(parts[0]);
          if (!entry) continue;
          if (entry.children.has(second)) this.addRoot(dir);
          break;
        }
      }
    }
  }

  /** The import roots above a file, nearest first. */
  rootsOf(file: string): string[] {
    const dir = path.dirname(file);
    let out = this.enclosingCache.get(dir);
    if (!out) {
      out = [...this.roots].filter((r) => isInside(r, dir)).sort((a, b) => b.length - a.length);
      this.enclosingCache.set(dir, out);
    }
    return out;
  }

  /**
   * How a file's absolute imports are spelled in the project: top-level name → project module
   * name, for the names an import root of the file has under another name. Empty for most files.
   */
  aliasesFor(file: string, imports: Imports): Record<string, string> {
    const out: Record<string, string> = {};
    const decided = new Set<string>();
    const roots = this.rootsOf(file);
    if (roots.length === 0) return out;
    for (const imp of imports) {
      if (imp.level !== 0) continue;
      const parts = imp.module.split('.');
      const top = parts[0];
      if (decided.has(top) || !IDENTIFIER.test(top) || BUILTIN_MODULES.has(top)) continue;
      const second = parts[1] ?? (imp.name && imp.name !== '*' ? imp.name : undefined);
      for (const root of roots) {
        const entry = this.entries.get(root)?.get(top);
        if (!entry || !(entry.regular || (second !== undefined && entry.children.has(second)))) continue;
        decided.add(top);
        if (entry.name !== null && entry.name !== top) out[top] = entry.name;
        break;
      }
    }
    return out;
  }

  private addRoot(dir: string): void {
    if (this.roots.has(dir)) return;
    this.roots.add(dir);
    this.enclosingCache = new Map();
  }

  /** Directories above a file, nearest first, up to the project root (or the file system's root outside it). */
  private *ancestors(file: string): Generator<string> {
    let dir = path.dirname(file);
    for (;;) {
      yield dir;
      if (dir === this.projectRoot) return;
      const parent = path.dirname(dir);
      if (parent === dir) return;
      dir = parent;
    }
  }

  /** Records the file under each directory above it: `app` (a package, child `crud`) for `services/api/app/crud.py`. */
  private index(file: string, moduleName: string): void {
    for (const dir of this.ancestors(file)) {
      const below = path.relative(dir, file).replace(/\.pyi?$/, '').split(path.sep);
      if (below[below.length - 1] === '__init__') below.pop();
      if (below.length === 0 || !below.every((p) => IDENTIFIER.test(p))) continue;
      const top = below[0];
      let names = this.entries.get(dir);
      if (!names) this.entries.set(dir, (names = new Map()));
      let entry = names.get(top);
      if (!entry) {
        const spelled = below.join('.');
        const name = moduleName === spelled ? top : moduleName.endsWith(`.${spelled}`) ? moduleName.slice(0, moduleName.length - spelled.length) + top : null;
        names.set(top, (entry = { name, regular: false, children: new Set() }));
      }
      if (below.length === 1) entry.regular = true;
      else entry.children.add(below[1]);
    }
  }
}
