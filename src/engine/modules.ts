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

export function moduleIdentity(file: string, projectRoot: string, sourceRoots: readonly string[]): ModuleIdentity {
  let best: string | undefined;
  for (const root of sourceRoots) {
    const abs = path.resolve(projectRoot, root);
    const rel = path.relative(abs, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    if (best === undefined || abs.length > best.length) best = abs;
  }
  const base = best ?? path.dirname(file);
  const rel = path.relative(base, file).split(path.sep).join('/');
  const withoutExt = rel.replace(/\.pyi?$/, '');
  const parts = withoutExt.split('/').filter((p) => p !== '' && p !== '.');
  const isPackage = parts[parts.length - 1] === '__init__';
  if (isPackage) parts.pop();
  return { moduleName: parts.join('.'), isPackage };
}
