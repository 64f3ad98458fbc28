/**
 * Dependency manifests: requirements files, pyproject.toml (PEP 621 and Poetry), Pipfile and
 * setup.cfg. What each names, what installing it installs, and the line naming each dependency.
 */

import { parse as parseToml } from 'smol-toml';
import type { Notice } from '../../core/diagnostics.js';
import type { DependencyManifest } from './model.js';
import type { DeploymentSource } from './source.js';

/** PEP 503 normalised project names. */
export function normaliseProjectName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function requirementName(spec: string): string | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec);
  return m ? normaliseProjectName(m[1]) : undefined;
}

export function requirementNames(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.replace(/(^|\s)#.*$/, '').trim();
    if (!t || t.startsWith('-')) continue;
    const n = requirementName(t);
    if (n) names.push(n);
  }
  return names;
}

/**
 * A manifest of kind `requirements`, `pyproject`, `pipfile` or `setup-cfg` (ranges and installers
 * not yet filled in); for TOML, also the table each installed dependency is listed in.
 */
export function readManifest(file: DeploymentSource, notices: Notice[]): { manifest: DependencyManifest; tables?: Record<string, string> } {
  if (file.kind === 'pyproject' || file.kind === 'pipfile') {
    const { names, installs, tables, scripts } = tomlDependencies(file, notices);
    const manifest: DependencyManifest = { path: file.path, names, installs, ranges: {}, installedBy: [] };
    if (Object.keys(scripts).length > 0) manifest.scripts = withLines(scripts, file.text);
    return { manifest, tables };
  }
  const names = file.kind === 'setup-cfg' ? setupCfgNames(file.text) : requirementNames(file.text);
  const manifest: DependencyManifest = { path: file.path, names, installs: names, ranges: {}, installedBy: [] };
  const scripts = file.kind === 'setup-cfg' ? setupCfgScripts(file.text) : {};
  if (Object.keys(scripts).length > 0) manifest.scripts = withLines(scripts, file.text);
  return { manifest };
}

/**
 * pyproject.toml and Pipfile: every dependency named, those an install of the project installs
 * (`[project].dependencies`, Poetry's non-optional main dependencies, Pipfile `[packages]`), and the
 * table each of those is listed in.
 */
function tomlDependencies(file: DeploymentSource, notices: Notice[]): { names: string[]; installs: string[]; tables: Record<string, string>; scripts: Record<string, string> } {
  const names: string[] = [];
  const installs: string[] = [];
  const tables: Record<string, string> = {};
  const scripts: Record<string, string> = {};
  let data: Record<string, unknown>;
  try {
    data = parseToml(file.text) as Record<string, unknown>;
  } catch (error) {
    notices.push({ kind: 'unparsable', path: file.path, message: `TOML: ${(error as Error).message.split('\n')[0]}; dependencies not read` });
    return { names, installs, tables, scripts };
  }
  const found = (name: string, installedFrom?: string): void => {
    names.push(name);
    if (installedFrom === undefined) return;
    installs.push(name);
    tables[name] ??= installedFrom;
  };
  const add = (spec: unknown, installedFrom?: string): void => {
    const n = typeof spec === 'string' ? requirementName(spec) : undefined;
    if (n) found(n, installedFrom);
  };
  const keys = (table: unknown, installedFrom: string): void => {
    if (!table || typeof table !== 'object' || Array.isArray(table)) return;
    for (const [k, v] of Object.entries(table)) {
      const optional = typeof v === 'object' && v !== null && (v as Record<string, unknown>).optional === true;
      if (k.toLowerCase() !== 'python') found(normaliseProjectName(k), optional ? undefined : installedFrom);
    }
  };
  const project = data.project as Record<string, unknown> | undefined;
  if (Array.isArray(project?.dependencies)) project.dependencies.forEach((spec) => add(spec, 'project'));
  const optional = project?.['optional-dependencies'];
  if (optional && typeof optional === 'object') for (const list of Object.values(optional)) if (Array.isArray(list)) list.forEach((spec) => add(spec));
  const poetry = (data.tool as Record<string, Record<string, unknown>> | undefined)?.poetry;
  keys(poetry?.dependencies, 'tool.poetry.dependencies');
  keys(data.packages, 'packages'); // Pipfile
  // Console scripts: PEP 621 and Poetry.
  for (const table of [project?.scripts, poetry?.scripts]) {
    if (!table || typeof table !== 'object' || Array.isArray(table)) continue;
    for (const [name, target] of Object.entries(table)) {
      const spec = typeof target === 'string' ? target : typeof target === 'object' && target !== null ? (target as Record<string, unknown>).callable : undefined;
      if (typeof spec === 'string' && spec.includes(':')) scripts[name] = spec.trim();
    }
  }
  return { names, installs, tables, scripts };
}

/** Each console script with the line that declares it (its name at the start of a line, before `=`). */
function withLines(scripts: Record<string, string>, text: string): Record<string, { target: string; line: number }> {
  const lines = text.split('\n');
  const out: Record<string, { target: string; line: number }> = {};
  for (const [name, target] of Object.entries(scripts)) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const at = lines.findIndex((l) => new RegExp(`^\\s*["']?${escaped}["']?\\s*=`).test(l));
    out[name] = { target, line: at >= 0 ? at + 1 : 1 };
  }
  return out;
}

/** setup.cfg `[options.entry_points]` `console_scripts = name = module:function` lines. */
function setupCfgScripts(text: string): Record<string, string> {
  const scripts: Record<string, string> = {};
  const m = /^console_scripts\s*=\s*\n((?:[ \t]+.*\n?)*)/m.exec(text);
  for (const line of m ? m[1].split('\n') : []) {
    const e = /^\s*([\w.-]+)\s*=\s*([\w.]+\s*:\s*[\w.]+)/.exec(line);
    if (e) scripts[e[1]] = e[2].replace(/\s+/g, '');
  }
  return scripts;
}

function setupCfgNames(text: string): string[] {
  const m = /^install_requires\s*=\s*\n((?:[ \t]+.*\n?)*)/m.exec(text);
  return m ? requirementNames(m[1]) : [];
}

/**
 * The line that names each dependency, for reports that point at it: in TOML, from the header of
 * the table it is installed from; never in a comment. `texts`: each file's text by path.
 */
export function locateDependencies(dependencies: readonly DependencyManifest[], texts: ReadonlyMap<string, string>, manifestTables: ReadonlyMap<string, Record<string, string>>): void {
  for (const d of dependencies) {
    const lines = (texts.get(d.path) ?? '').split('\n');
    const tables = manifestTables.get(d.path) ?? {};
    for (const name of d.names) {
      const pattern = new RegExp(`(^|[\\s"'\\[])(${name.replace(/-/g, '[-_.]')})(?![A-Za-z0-9_-])`, 'i');
      const table = tables[name] ? new RegExp(`^\\s*\\[\\s*${tables[name].replace(/\./g, '\\.')}\\s*\\]`) : undefined;
      const from = table ? Math.max(0, lines.findIndex((l) => table.test(l))) : 0;
      for (let i = from; i < lines.length && !d.ranges[name]; i++) {
        const m = pattern.exec(lines[i].replace(/(^|\s)#.*$/, ''));
        if (!m) continue;
        const column = m.index + m[1].length + 1;
        d.ranges[name] = { line: i + 1, column, endLine: i + 1, endColumn: column + m[2].length };
      }
    }
  }
}
