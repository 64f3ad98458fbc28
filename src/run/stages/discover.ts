/**
 * Stage 1, discovery: the named paths are the targets (findings and notices are reported for
 * them only); the rest of their project is context, read for cross-file facts.
 */

import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { Notice } from '../../core/diagnostics.js';
import { discoverFiles, type DiscoverOptions } from '../../read/discover.js';
import type { CheckOptions } from '../check-types.js';
import { DEFAULT_EXCLUDES } from '../config.js';

const PACKAGE_DIRECTORIES = ['build', 'dist'];
import { isInside } from '../../core/paths.js';
import type { RunSettings } from '../settings.js';

export interface Discovered {
  /** The named files (Python and deployment): the only ones reported on. */
  readonly targets: ReadonlySet<string>;
  /** The Python files to read: the targets and their project's other files, sorted. */
  readonly pythonFiles: readonly string[];
  /** The deployment and packaging files to read, likewise. */
  readonly deploymentFiles: readonly string[];
  /** What discovery of the named paths had to say. */
  readonly notices: readonly Notice[];
}

export async function discover(options: CheckOptions, settings: RunSettings): Promise<Discovered> {
  const paths = options.paths.length > 0 || options.exactPaths ? options.paths : ['.'];
  const { config, root } = settings;
  const common: Omit<DiscoverOptions, 'paths' | 'forceExclude'> = {
    cwd: options.cwd,
    root: config.root,
    projectRoot: root,
    // With the default excludes, `build/` and `dist/` are build output only outside a package (see DiscoverOptions).
    exclude: [...(config.exclude ?? DEFAULT_EXCLUDES.filter((e) => !PACKAGE_DIRECTORIES.includes(e))), ...config.extendExclude, ...(options.extendExclude ?? [])],
    packageDirectories: config.exclude === undefined ? PACKAGE_DIRECTORIES : [],
    respectGitignore: options.respectGitignore ?? config.respectGitignore,
  };
  const named = await discoverFiles({ ...common, paths, forceExclude: options.forceExclude ?? false });
  const coversRoot = paths.some((p) => isInside(path.resolve(options.cwd, p), root));
  const context = options.projectContext !== false && !coversRoot && paths.length > 0
    ? await discoverFiles({ ...common, paths: [root], forceExclude: false })
    : undefined;
  return {
    targets: new Set([...named.files, ...named.deploymentFiles]),
    pythonFiles: union(named.files, context?.files),
    deploymentFiles: union(named.deploymentFiles, context?.deploymentFiles),
    notices: named.notices,
  };
}

/** Targets plus context files, each real file once (a file may be reached through a link). */
function union(targets: readonly string[], context: readonly string[] | undefined): string[] {
  if (!context) return [...targets];
  const seen = new Set(targets.map(realPath));
  return [...targets, ...context.filter((f) => !seen.has(realPath(f)))].sort();
}

function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
