/**
 * Dotted module names from file paths. A file's name is its path relative to the longest
 * configured source root that contains it (default `.` and `src`, relative to the project root):
 * `src/app/api/routes.py` → `app.api.routes`, `app/__init__.py` → `app` (a package).
 */

import path from 'node:path';

export interface ModuleIdentity {
  moduleName: string;
  isPackage: boolean;
}

export function moduleIdentity(file: string, projectRoot: string, sourceRoots: readonly string[], prefixes?: ReadonlyMap<string, string>): ModuleIdentity {
  const best = sourceRootOf(file, projectRoot, sourceRoots);
  const base = best ?? path.dirname(file);
  const rel = path.relative(base, file).split(path.sep).join('/');
  const withoutExt = rel.replace(/\.pyi?$/, '');
  const parts = withoutExt.split('/').filter((p) => p !== '' && p !== '.');
  const isPackage = parts[parts.length - 1] === '__init__';
  if (isPackage) parts.pop();
  const prefix = best === undefined ? undefined : prefixes?.get(best);
  if (prefix) parts.unshift(prefix);
  return { moduleName: parts.join('.'), isPackage };
}

/** The longest source root that holds the file (absolute), if any. */
function sourceRootOf(file: string, projectRoot: string, sourceRoots: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const root of sourceRoots) {
    const abs = path.resolve(projectRoot, root);
    const rel = path.relative(abs, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    if (best === undefined || abs.length > best.length) best = abs;
  }
  return best;
}

/**
 * Configured source roots that would give their modules names an earlier root's modules already
 * have (`src = ["services/api", "services/billing"]`, each with an `app` package), with the prefix
 * their names get instead: their path (`services.billing.app.crud`), so that the project holds
 * both. Imports inside such a root still find its own modules (see importroots.ts). Empty for
 * most projects.
 */
export function sourceRootPrefixes(files: readonly string[], projectRoot: string, sourceRoots: readonly string[]): Map<string, string> {
  const tops = new Map<string, Set<string>>();
  for (const file of files) {
    const root = sourceRootOf(file, projectRoot, sourceRoots);
    if (root === undefined) continue;
    const top = moduleIdentity(file, projectRoot, [root]).moduleName.split('.')[0];
    if (!tops.has(root)) tops.set(root, new Set());
    if (top) tops.get(root)!.add(top);
  }
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const root of new Set(sourceRoots.map((r) => path.resolve(projectRoot, r)))) {
    const names = [...(tops.get(root) ?? [])];
    if (names.some((n) => taken.has(n))) {
      const rel = path.relative(projectRoot, root);
      out.set(root, (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.basename(root)).split(path.sep).join('.'));
    } else {
      for (const n of names) taken.add(n);
    }
  }
  return out;
}
