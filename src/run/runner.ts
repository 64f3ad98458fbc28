/**
 * One check run: configuration → discovery → facts (one parse per file) → project → rules →
 * severities, per-file ignores and suppressions → sorted diagnostics. Everything a file can do
 * wrong becomes a Notice; only a bad configuration or bad arguments stop the run.
 */

import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import ignoreFactory from 'ignore';
import { compareDiagnostics, severityRank, type Diagnostic, type Notice, type Severity } from '../core/diagnostics.js';
import { DEFAULT_EXCLUDES, defaultConfig, findConfigFile, loadConfig, ruleCodeLookup, type Config, type FailOn } from './config.js';
import { deploymentFileKind, discoverFiles, findWorkTree, type Discovery } from '../read/discover.js';
import type { ImportTimes } from '../read/importtime.js';
import { moduleIdentity, sourceRootPrefixes } from '../model/modules.js';
import { ImportRoots, scanImports } from '../model/importroots.js';
import { Cache, contentKey } from './cache.js';
import { extractFacts, type FactRequest } from '../read/python/extraction.js';
import { PythonParser } from '../read/python/parser.js';
import type { ModuleFacts, SuppressionFact } from '../read/python/facts.js';
import { Project } from '../model/project.js';
import type { AnyRule, Finding, RuleContext } from '../rules/rule.js';
import { readSource } from '../core/source.js';
import { commentSuppressions } from '../read/suppression-comments.js';
import { rule as UNUSED_SUPPRESSION } from '../rules/PP001-unused-suppression.js';
import { applySuppressions } from './suppressions.js';
import type { DeploymentSource } from '../read/deploy/read.js';
import { displayPath } from '../core/paths.js';
import { serverImportRoot } from '../model/serving.js';

export interface CheckOptions {
  paths: string[];
  /** The paths are exactly what to check, even when empty (`--changed-since`); otherwise no paths means `.`. */
  exactPaths?: boolean;
  cwd: string;
  rules: readonly AnyRule[];
  configFile?: string;
  /** Ignore every configuration file (defaults only), like Ruff's --isolated. */
  isolated?: boolean;
  select?: string[];
  extendSelect?: string[];
  ignore?: string[];
  failOn?: FailOn;
  extendExclude?: string[];
  forceExclude?: boolean;
  respectGitignore?: boolean;
  reportUnusedSuppressions?: boolean;
  /**
   * When the paths are part of a project (pre-commit passes single files, users name `src/api`),
   * the rest of the project is read too, so that cross-file facts (where a name comes from, which
   * module is the app entry) are right; findings and notices are reported for the named paths
   * only. Default true; false analyses the named paths alone.
   */
  projectContext?: boolean;
  /** Import times measured with `python -X importtime` (`--importtime`). */
  importTime?: ImportTimes;
  /** Use the on-disk cache (default true); `--no-cache` sets false. */
  cache?: boolean;
  /** Reuse a parser across runs (editor / watch mode); created and disposed here otherwise. */
  parser?: PythonParser;
}

export interface CheckResult {
  diagnostics: Diagnostic[];
  notices: Notice[];
  filesChecked: number;
  /** The Python and deployment files found under the named paths (analysed or not: unreadable ones count). */
  filesFound: number;
  suppressedCount: number;
  config: Config;
  activeRules: AnyRule[];
  /** True when a diagnostic is at or above the fail-on level. */
  failed: boolean;
  /** The git work tree holding the project (where SARIF paths start), or the project root. */
  workTree: string;
  /** The named files that were analysed (Python modules parsed, deployment files read). */
  checkedFiles: string[];
  /** The outcome came from the cache (nothing changed since a previous run). */
  cacheHit: boolean;
}

function commonAncestor(paths: string[]): string {
  if (paths.length === 0) return process.cwd();
  let common = paths[0].split(path.sep);
  for (const p of paths.slice(1)) {
    const parts = p.split(path.sep);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(path.sep) || path.sep;
}

const PROJECT_MARKERS = ['pyproject.toml', 'setup.cfg', 'setup.py'];

/**
 * The project a directory belongs to, without a pylint-perf configuration: the nearest directory
 * with Python packaging metadata or a `.git`; failing both, the directory itself (never the
 * current directory, which may be a home directory above many projects).
 */
function projectRootOf(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, '.git')) || PROJECT_MARKERS.some((m) => existsSync(path.join(dir, m)))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

export function resolveConfig(options: Pick<CheckOptions, 'paths' | 'cwd' | 'configFile' | 'isolated' | 'rules'>): Config {
  if (options.configFile) return loadConfig(path.resolve(options.cwd, options.configFile), options.rules);
  const start = startOf(options);
  if (options.isolated) return defaultConfig(start);
  const file = findConfigFile(start);
  if (file) return loadConfig(file, options.rules);
  return defaultConfig(projectRootOf(start));
}

/** The directory the checked paths have in common (a file's directory for a file). */
function startOf(options: Pick<CheckOptions, 'paths' | 'cwd'>): string {
  const starts = options.paths.map((p) => {
    const abs = path.resolve(options.cwd, p);
    try {
      return statSync(abs).isDirectory() ? abs : path.dirname(abs);
    } catch {
      return options.cwd;
    }
  });
  return commonAncestor(starts.length > 0 ? starts : [options.cwd]);
}

/**
 * The project the checked paths belong to: what is read for context, where module names start,
 * where the cache lives. It comes from the paths, never from where a configuration file happens
 * to be (`--config ../shared/pylint-perf.json` supplies settings, not a project): the
 * configuration's directory when it holds the paths and is inside their repository, else the
 * nearest directory above the paths with `.git`, `pyproject.toml`, `setup.cfg` or `setup.py`.
 */
export function projectRootFor(options: Pick<CheckOptions, 'paths' | 'cwd' | 'isolated'>, config: Config): string {
  if (!config.file) return config.root;
  const start = startOf(options);
  if (isInside(config.root, start)) {
    const tree = findWorkTree(start);
    if (!tree || isInside(tree, config.root)) return config.root;
  }
  return options.isolated ? start : projectRootOf(start);
}

function isInside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The rules a run executes, from config and command line. */
export function selectRules(rules: readonly AnyRule[], config: Config, cli: Pick<CheckOptions, 'select' | 'extendSelect' | 'ignore'>): AnyRule[] {
  const matches = selectorMatches;
  const base = cli.select ?? config.select;
  const extend = [...config.extendSelect, ...(cli.extendSelect ?? [])];
  const ignored = [...config.ignore, ...(cli.ignore ?? [])];
  return rules.filter((rule) => {
    const selected = base ? base.some((s) => matches(rule, s)) : rule.enabledByDefault !== false;
    if (!selected && !extend.some((s) => matches(rule, s))) return false;
    if (ignored.some((s) => matches(rule, s))) return false;
    return config.severity[rule.code] !== 'off';
  });
}

export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const config = resolveConfig(options);
  const root = projectRootFor(options, config);
  // PP001 is selected like a rule; it runs after the others, on their suppressions.
  const selected = selectRules(options.rules.includes(UNUSED_SUPPRESSION) ? options.rules : [UNUSED_SUPPRESSION, ...options.rules], config, options);
  const active = selected.filter((r) => r !== UNUSED_SUPPRESSION);
  const ignoredSelectors = [...config.ignore, ...(options.ignore ?? [])];
  const reportUnused =
    selected.includes(UNUSED_SUPPRESSION) ||
    ((options.reportUnusedSuppressions ?? config.reportUnusedSuppressions) &&
      config.severity[UNUSED_SUPPRESSION.code] !== 'off' &&
      !ignoredSelectors.some((s) => s.toUpperCase() !== 'ALL' && selectorMatches(UNUSED_SUPPRESSION, s)));
  const failOn = options.failOn ?? config.failOn;

  const paths = options.paths.length > 0 || options.exactPaths ? options.paths : ['.'];
  const discoveryOptions = {
    cwd: options.cwd,
    root: config.root,
    projectRoot: root,
    exclude: [...(config.exclude ?? DEFAULT_EXCLUDES), ...config.extendExclude, ...(options.extendExclude ?? [])],
    respectGitignore: options.respectGitignore ?? config.respectGitignore,
  };
  const discovery = await discoverFiles({ ...discoveryOptions, paths, forceExclude: options.forceExclude ?? false });
  const notices: Notice[] = [...discovery.notices];

  // The named paths are the targets; the rest of the project is context (read, never reported).
  const targets = new Set([...discovery.files, ...discovery.deploymentFiles]);
  let context: Discovery | undefined;
  const coversRoot = paths.some((p) => {
    const rel = path.relative(path.resolve(options.cwd, p), root);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
  if (options.projectContext !== false && !coversRoot && paths.length > 0) {
    context = await discoverFiles({ ...discoveryOptions, paths: [root], forceExclude: false });
  }
  const pythonFiles = union(discovery.files, context?.files);
  const deploymentFiles = union(discovery.deploymentFiles, context?.deploymentFiles);
  const isTarget = (file: string): boolean => targets.has(file);
  /** The text of a file, or undefined; its notices are reported when it is a target. */
  const readText = async (file: string): Promise<string | undefined> => {
    const source = await readSource(file);
    const fileNotices = isTarget(file) ? notices : [];
    if (!source.ok) {
      fileNotices.push(source.notice);
      return undefined;
    }
    fileNotices.push(...source.notices);
    return source.text;
  };

  const timing = process.env.PYLINT_PERF_TIMING ? (label: string, since: number): void => void process.stderr.write(`timing ${label}: ${(performance.now() - since).toFixed(0)} ms\n`) : undefined;
  let phase = performance.now();
  // Configured source roots are relative to the configuration file; the defaults to the project.
  const configuredSrc = config.file !== undefined && config.src.join('\n') !== defaultConfig(root).src.join('\n');
  const sourceRoots = config.src.map((s) => path.resolve(configuredSrc ? config.root : root, s));
  // Two configured roots with the same package: the later one's names get its path as a prefix.
  const prefixes = configuredSrc ? sourceRootPrefixes(pythonFiles, root, sourceRoots) : undefined;
  // 1. Read every file once. Their contents key the cache.
  const pythonTexts = new Map<string, { text: string; identity: ReturnType<typeof moduleIdentity>; key: string }>();
  const pythonRead = await readAll(pythonFiles, readText);
  pythonFiles.forEach((file, i) => {
    const text = pythonRead[i];
    if (text === undefined) return;
    const identity = moduleIdentity(file, root, sourceRoots, prefixes);
    pythonTexts.set(file, { text, identity, key: contentKey(text, file, identity.moduleName, identity.isPackage) });
  });
  const deploymentSources: DeploymentSource[] = [];
  const deploymentRead = await readAll(deploymentFiles, readText);
  deploymentFiles.forEach((file, i) => {
    const text = deploymentRead[i];
    if (text !== undefined) deploymentSources.push({ path: file, kind: deploymentFileKind(file)!, text });
  });

  timing?.('discover and read', phase);
  phase = performance.now();
  // 2. Nothing changed since a previous run: its outcome, without loading any facts.
  const cache = options.cache === false ? undefined : new Cache(root);
  const runKey = contentKey(
    JSON.stringify(config),
    active.map((r) => r.code).join(','),
    String(reportUnused),
    [...pythonTexts.values()].map((t) => t.key).join(','),
    deploymentSources.map((d) => contentKey(d.path, d.text)).join(','),
    [...targets].sort().join('\n'),
    options.importTime ? JSON.stringify([...options.importTime]) : '',
    // Messages name other files relative to the current directory.
    options.cwd,
  );
  const cached = cache?.get<RunOutcome>('runs', runKey);
  /** Keys of the facts this run used (kept when the cache is pruned). */
  const liveFacts = new Set([...pythonTexts.values()].map((t) => t.key));
  const outcome = cached ?? (await analyse());
  if (!cached && cache) {
    cache.set('runs', runKey, outcome);
    cache.prune(liveFacts);
  }
  notices.push(...outcome.notices);

  async function analyse(): Promise<RunOutcome> {
    const found: Notice[] = [];
    // 3. Deployment files: read once here; rules see the model, never the files.
    const deploymentSuppressions = new Map<string, SuppressionFact[]>();
    for (const d of deploymentSources) {
      const suppressions = commentSuppressions(d.text);
      if (suppressions.length > 0) deploymentSuppressions.set(d.path, suppressions);
    }
    // The YAML, Dockerfile and shell parsers are loaded only when there are deployment files.
    const deployment = deploymentSources.length > 0
      ? (await import('../read/deploy/read.js')).readDeployment(deploymentSources, root)
      : { model: { invocations: [], dockerStages: [], services: [], nginx: [], dependencies: [], lambdaDescriptors: [], chaliceApps: [] }, notices: [] };
    found.push(...deployment.notices.filter((n) => isTarget(n.path)));

    // 4. Import roots (importroots.ts): a file that imports its own service's packages (`app.crud`
    // in services/api/) gets them spelled as the project names them. A configured `src` is the
    // user taking control: its entries are then the only import roots.
    const lambdaDirectories = [...deployment.model.lambdaDescriptors.map((d) => d.codeDirectory), ...deployment.model.chaliceApps];
    const importRoots = new ImportRoots({
      projectRoot: root,
      modules: [...pythonTexts].map(([file, t]) => ({ path: file, ...t.identity })),
      declared: configuredSrc ? sourceRoots : [
        ...sourceRoots,
        ...deploymentFiles.filter((f) => ['pyproject', 'setup-cfg', 'dockerfile'].includes(deploymentFileKind(f)!)).map((f) => path.dirname(f)),
        ...pythonFiles.filter((f) => path.basename(f) === 'setup.py').map((f) => path.dirname(f)),
        ...deployment.model.invocations.map(serverImportRoot).filter((d): d is string => d !== undefined),
        ...lambdaDirectories,
      ],
    });
    const imports = new Map([...pythonTexts].map(([file, t]) => [file, scanImports(t.text)]));
    if (!configuredSrc) importRoots.inferFrom([...imports].map(([file, list]) => ({ path: file, imports: list })));

    // 5. Facts: from the cache, or parsed (in worker threads when there are many files).
    const missing: FactRequest[] = [];
    const factsByFile = new Map<string, ModuleFacts>();
    const factKeys = new Map<string, string>();
    for (const [file, t] of pythonTexts) {
      const importAliases = importRoots.aliasesFor(file, imports.get(file)!);
      const aliased = Object.keys(importAliases).length > 0;
      const key = aliased ? contentKey(t.key, JSON.stringify(importAliases)) : t.key;
      factKeys.set(file, key);
      liveFacts.add(key);
      const hit = cache?.get<ModuleFacts>('facts', key);
      if (hit) factsByFile.set(file, hit);
      else missing.push({ path: file, text: t.text, ...t.identity, ...(aliased ? { importAliases } : {}) });
    }
    timing?.(`facts from cache (${factsByFile.size})`, phase);
    phase = performance.now();
    const extracted = await extractFacts(missing, options.parser);
    timing?.(`facts extracted (${missing.length})`, phase);
    phase = performance.now();
    for (const result of extracted) {
      if ('facts' in result) {
        factsByFile.set(result.path, result.facts);
        cache?.set('facts', factKeys.get(result.path)!, result.facts);
      } else if (isTarget(result.path)) {
        found.push({ kind: 'internal-error', path: result.path, message: `internal error while extracting facts (${result.error}); file skipped, the run went on — please report this` });
      }
    }
    const modules = pythonFiles.map((f) => factsByFile.get(f)).filter((m): m is ModuleFacts => m !== undefined);
    for (const facts of modules) {
      if (!isTarget(facts.path)) continue;
      if (facts.syntaxErrors.length > 0) {
        const first = facts.syntaxErrors[0];
        found.push({
          kind: 'syntax-error',
          path: facts.path,
          line: first.line,
          message: `syntax error at line ${first.line}, column ${first.column}; the rest of the file was analysed as far as the parser could recover`,
        });
      }
      if (facts.tooDeep) {
        found.push({ kind: 'too-complex', path: facts.path, message: 'code nested more than 400 levels deep (brackets, calls or blocks); the deeper part was not analysed' });
      }
    }
    const project = new Project(
      modules,
      deploymentFiles.map((file) => ({ path: file, kind: deploymentFileKind(file)! })),
      deployment.model,
      root,
      lambdaDirectories,
    );
    project.importTimes = options.importTime;
    project.displayPath = (file) => displayPath(file, options.cwd);
    const targetModules = modules.filter((m) => isTarget(m.path));

    timing?.('deployment model', phase);
    // 6. Rules.
    const raw: Diagnostic[] = [];
    for (const rule of active) {
      const ruleStarted = performance.now();
      const ruleOptions = { ...(rule.options?.defaults ?? {}), ...(config.ruleOptions[rule.code] ?? {}) };
      const contextFor = (defaultPath: string | undefined): RuleContext<unknown> => ({
        project,
        options: ruleOptions,
        report: (finding: Finding) => {
          const p = finding.path ?? defaultPath;
          if (!p) throw new Error(`${rule.code}: a project-level finding needs a path`);
          raw.push(toDiagnostic(rule, finding, p));
        },
      });
      if (rule.checkModule) {
        for (const module of targetModules) {
          try {
            rule.checkModule(module, contextFor(module.path));
          } catch (error) {
            found.push(ruleFailure(rule, module.path, error));
          }
        }
      }
      if (rule.checkProject) {
        try {
          rule.checkProject(contextFor(undefined));
        } catch (error) {
          found.push(ruleFailure(rule, root, error));
        }
      }
      timing?.(`rule ${rule.code}`, ruleStarted);
    }
    const suppressions: [string, SuppressionFact[]][] = [];
    for (const m of targetModules) if (m.suppressions.length > 0) suppressions.push([m.path, m.suppressions]);
    for (const [file, list] of deploymentSuppressions) if (isTarget(file)) suppressions.push([file, list]);
    return {
      raw,
      notices: found,
      suppressions,
      checkedFiles: [...targetModules.map((m) => m.path), ...deploymentSources.filter((d) => isTarget(d.path)).map((d) => d.path)].sort(),
    };
  }
  const raw = outcome.raw.map((d) => ({ ...d }));

  // Configured severities, then per-file ignores, then inline suppressions.
  const codeOf = ruleCodeLookup(options.rules);
  for (const d of raw) {
    const override = config.severity[d.code];
    if (override && override !== 'off') d.severity = override;
  }
  const perFile = config.perFileIgnores.map((p) => ({
    matcher: ignoreFactory().add(p.pattern),
    codes: new Set(active.filter((r) => p.selectors.some((s) => selectorMatches(r, s))).map((r) => r.code)),
  }));
  const afterPerFile = raw.filter((d) => {
    if (!isTarget(d.path)) return false;
    const rel = relativeInside(config.root, d.path);
    if (rel === undefined) return true;
    return !perFile.some((p) => p.codes.has(d.code) && p.matcher.ignores(rel));
  });
  const suppressionMap = new Map<string, SuppressionFact[]>(outcome.suppressions);
  const ran = new Set(active.map((r) => r.code));
  const suppressed = applySuppressions(afterPerFile, suppressionMap, { codeOf, codes: options.rules.map((r) => r.code), ran: (code) => ran.has(code) });
  const diagnostics = suppressed.kept;
  if (reportUnused) {
    for (const u of suppressed.unused) {
      const parts: string[] = [];
      if (u.unused.includes('*')) parts.push('this suppression silences nothing');
      else if (u.unused.length > 0) parts.push(`nothing to suppress for ${u.unused.join(', ')}`);
      if (u.unknown.length > 0) parts.push(`unknown rule${u.unknown.length > 1 ? 's' : ''} ${u.unknown.join(', ')}`);
      diagnostics.push({
        code: UNUSED_SUPPRESSION.code,
        rule: UNUSED_SUPPRESSION.name,
        severity: config.severity[UNUSED_SUPPRESSION.code] && config.severity[UNUSED_SUPPRESSION.code] !== 'off'
          ? (config.severity[UNUSED_SUPPRESSION.code] as Severity)
          : UNUSED_SUPPRESSION.severity,
        message: `Unused suppression: ${parts.join('; ')}.`,
        path: u.path,
        range: u.range,
      });
    }
  }
  diagnostics.sort(compareDiagnostics);
  notices.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : (a.line ?? 0) - (b.line ?? 0)));
  const failed = failOn !== 'never' && diagnostics.some((d) => severityRank(d.severity) >= severityRank(failOn));
  return {
    diagnostics,
    notices,
    filesChecked: outcome.checkedFiles.length,
    filesFound: targets.size,
    suppressedCount: suppressed.suppressedCount,
    config,
    activeRules: reportUnused ? [...active, UNUSED_SUPPRESSION] : active,
    failed,
    workTree: findWorkTree(root) ?? root,
    checkedFiles: outcome.checkedFiles,
    cacheHit: cached !== undefined,
  };
}

/** Reads files with a few reads in flight at once (the file system, not the CPU, is the limit); results in order. */
async function readAll(files: readonly string[], read: (file: string) => Promise<string | undefined>): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = new Array(files.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      out[i] = await read(files[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, files.length) }, lane));
  return out;
}

/** What a run computes from the files, cached as a whole (see cache.ts). */
interface RunOutcome {
  raw: Diagnostic[];
  notices: Notice[];
  suppressions: [string, SuppressionFact[]][];
  checkedFiles: string[];
}

/** Targets plus context files, each real file once (a file may be reached through a link). */
function union(targets: readonly string[], context: readonly string[] | undefined): string[] {
  if (!context) return [...targets];
  const real = (file: string): string => {
    try {
      return realpathSync(file);
    } catch {
      return file;
    }
  };
  const seen = new Set(targets.map(real));
  return [...targets, ...context.filter((f) => !seen.has(real(f)))].sort();
}

/** `ALL`, a rule name, a code or a code prefix (`PP`, `PP1`, `PP10`, `PP101`). */
export function selectorMatches(rule: AnyRule, selector: string): boolean {
  const s = selector.trim();
  return s.toUpperCase() === 'ALL' || s.toLowerCase() === rule.name || (/^PP\d{0,3}$/i.test(s) && rule.code.startsWith(s.toUpperCase()));
}

function relativeInside(root: string, file: string): string | undefined {
  const rel = path.relative(root, file);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

function toDiagnostic(rule: AnyRule, finding: Finding, p: string): Diagnostic {
  const d: Diagnostic = {
    code: rule.code,
    rule: rule.name,
    severity: finding.severity ?? rule.severity,
    message: finding.message,
    path: p,
    range: finding.range,
  };
  if (finding.fix) d.fix = finding.fix;
  if (finding.related && finding.related.length > 0) d.related = finding.related;
  return d;
}

function ruleFailure(rule: AnyRule, file: string, error: unknown): Notice {
  const e = error as Error;
  const where = e?.stack?.split('\n')[1]?.trim() ?? '';
  return {
    kind: 'rule-error',
    path: file,
    message: `internal error in rule ${rule.code} (${rule.name}): ${e?.message ?? String(error)}${where ? ` [${where}]` : ''}; other rules and files were still checked — please report this`,
  };
}
