/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
 *
 * - One run. `tool.driver.rules` lists every rule that ran (not only those that fired), each with
 *   its own documentation as `help`, so a viewer can explain a rule that has no result yet.
 * - Locations are relative to `%SRCROOT%` (the repository's work tree) with forward slashes, so
 *   the log is the same on every machine and GitHub can map it onto the checkout. A file outside
 *   the root gets an absolute `file://` URI instead.
 * - Regions use SARIF's default column unit, UTF-16 code units, which is what the engine counts;
 *   `endColumn` is exclusive in both.
 * - `partialFingerprints.primaryLocationLineHash` is computed from content (see fingerprints.ts).
 * - Notices (files not analysed, or analysed in part) are `toolExecutionNotifications`; internal
 *   errors make `executionSuccessful` false.
 */

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { NOTICE_KINDS, type Diagnostic, type Notice, type NoticeKind, type RelatedLocation, type Severity, type SourceRange } from '../core/diagnostics.js';
import { ruleMarkdown, rulePlainText, type RuleMetadata } from '../core/rule-docs.js';
import { primaryLocationLineHashes } from './fingerprints.js';
import type { Report } from './report.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const SRCROOT = '%SRCROOT%';

export interface SarifOptions {
  /** GitHub's analysis category (`automationDetails.id`), to upload several runs for one commit. */
  category?: string;
}

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = { error: 'error', warning: 'warning', info: 'note' };
const PROBLEM_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'recommendation' };

/** A sentence ends with a period (SARIF viewers show messages as sentences). */
function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function firstParagraph(markdown: string): string {
  return markdown.trim().split(/\n\s*\n/)[0].replace(/\s*\n\s*/g, ' ');
}

function region(range: SourceRange): Sarif.Region {
  return { startLine: range.line, startColumn: range.column, endLine: range.endLine, endColumn: range.endColumn };
}

/** Lines shown around a finding in `contextRegion` (for viewers without the checkout). */
const CONTEXT_LINES = 2;

class Locator {
  constructor(
    private readonly root: string | undefined,
    private readonly linesOf: (file: string) => readonly string[] | undefined = () => undefined,
  ) {}

  /** The primary location of a finding: the region with its snippet, and lines of context. */
  primary(file: string, range: SourceRange): Sarif.PhysicalLocation {
    const location = this.physical(file, range);
    const lines = this.linesOf(file);
    if (!lines || range.line > lines.length) return location;
    const last = Math.min(range.endLine, lines.length);
    const covered = lines.slice(range.line - 1, last);
    if (covered.length === 1) {
      covered[0] = covered[0].slice(range.column - 1, range.endColumn - 1);
    } else {
      covered[0] = covered[0].slice(range.column - 1);
      covered[covered.length - 1] = covered[covered.length - 1].slice(0, range.endColumn - 1);
    }
    location.region!.snippet = { text: covered.join('\n') };
    const start = Math.max(1, range.line - CONTEXT_LINES);
    const end = Math.min(lines.length, last + CONTEXT_LINES);
    location.contextRegion = { startLine: start, endLine: end, snippet: { text: `${lines.slice(start - 1, end).join('\n')}\n` } };
    return location;
  }

  artifact(file: string): Sarif.ArtifactLocation {
    if (this.root) {
      const rel = path.relative(this.root, file);
      if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) {
        return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
      }
    }
    return { uri: pathToFileURL(file).href };
  }

  physical(file: string, range?: SourceRange): Sarif.PhysicalLocation {
    const location: Sarif.PhysicalLocation = { artifactLocation: this.artifact(file) };
    if (range) location.region = region(range);
    return location;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function descriptor(rule: RuleMetadata<any>, report: Report): Sarif.ReportingDescriptor {
  const d: Sarif.ReportingDescriptor = {
    id: rule.code,
    name: rule.name,
    shortDescription: { text: sentence(rule.summary) },
    fullDescription: { text: sentence(firstParagraph(rule.docs.what)), markdown: rule.docs.what.trim() },
    help: { text: rulePlainText(rule), markdown: ruleMarkdown(rule) },
    defaultConfiguration: { level: LEVEL[rule.severity], enabled: true },
    properties: {
      tags: rule.tags,
      precision: rule.precision,
      'problem.severity': PROBLEM_SEVERITY[rule.severity],
    },
  };
  const helpUri = report.tool.ruleHelpUri?.(rule);
  if (helpUri) d.helpUri = helpUri;
  return d;
}

const NOTICE_ORDER = Object.keys(NOTICE_KINDS) as NoticeKind[];

function relatedLocations(related: readonly RelatedLocation[], at: Locator): Sarif.Location[] {
  return related.map((r, i) => ({
    id: i + 1,
    physicalLocation: at.physical(r.path, r.range),
    message: { text: sentence(r.message) },
  }));
}

/** A chain (import chain, call chain) as a code flow: the finding, then each related step (other places with the same cause are no step). */
function codeFlow(d: Diagnostic, at: Locator): Sarif.CodeFlow {
  const steps: Sarif.ThreadFlowLocation[] = [
    { location: { physicalLocation: at.physical(d.path, d.range), message: { text: sentence(d.message) } }, nestingLevel: 0 },
    ...d
      .related!.filter((r) => !r.also)
      .map((r, i) => ({ location: { physicalLocation: at.physical(r.path, r.range), message: { text: sentence(r.message) } }, nestingLevel: i + 1 })),
  ];
  return { threadFlows: [{ locations: steps }] };
}

/** A fix as a SARIF fix: the edits of one file. */
function fixOf(d: Diagnostic, at: Locator): Sarif.Fix[] | undefined {
  if (!d.fix) return undefined;
  return [
    {
      description: { text: sentence(d.fix.description) },
      artifactChanges: [
        {
          artifactLocation: at.artifact(d.path),
          replacements: d.fix.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.text } })),
        },
      ],
    },
  ];
}

/** One finding as a SARIF result, with its chain (related locations, code flow) and its fix. */
function resultOf(d: Diagnostic, fingerprint: string, at: Locator, ruleIndex: ReadonlyMap<string, number>): Sarif.Result {
  const result: Sarif.Result = {
    ruleId: d.code,
    level: LEVEL[d.severity],
    message: { text: sentence(d.message) },
    locations: [{ physicalLocation: at.primary(d.path, d.range) }],
    partialFingerprints: { primaryLocationLineHash: fingerprint },
  };
  const index = ruleIndex.get(d.code);
  if (index !== undefined) result.ruleIndex = index;
  if (d.related && d.related.length > 0) {
    result.relatedLocations = relatedLocations(d.related, at);
    result.codeFlows = [codeFlow(d, at)];
  }
  const fixes = fixOf(d, at);
  if (fixes) result.fixes = fixes;
  if (d.contexts && d.contexts.length > 0) result.properties = { context: d.contexts[0] };
  return result;
}

/** A notice (a file not analysed, or analysed in part) as a tool execution notification. */
function notificationOf(n: Notice, at: Locator): Sarif.Notification {
  const location: Sarif.Location = { physicalLocation: at.physical(n.path) };
  if (n.line) location.physicalLocation!.region = { startLine: n.line };
  return {
    level: LEVEL[NOTICE_KINDS[n.kind].level],
    message: { text: sentence(n.message) },
    locations: [location],
    descriptor: { id: n.kind, index: NOTICE_ORDER.indexOf(n.kind) },
  };
}

/** The invocation: success, exit code, notices and the severities configured over the defaults. */
function invocationOf(report: Report, at: Locator, ruleIndex: ReadonlyMap<string, number>): Sarif.Invocation {
  const invocation: Sarif.Invocation = {
    executionSuccessful: !report.notices.some((n) => NOTICE_KINDS[n.kind].level === 'error'),
    toolExecutionNotifications: report.notices.map((n) => notificationOf(n, at)),
  };
  if (report.failed !== undefined) invocation.exitCode = report.failed ? 1 : 0;
  const overrides = Object.entries(report.configuredSeverity ?? {}).filter(([code]) => ruleIndex.has(code));
  if (overrides.length > 0) {
    invocation.ruleConfigurationOverrides = overrides.map(([code, severity]) => ({
      descriptor: { id: code, index: ruleIndex.get(code)! },
      configuration: { level: LEVEL[severity] },
    }));
  }
  return invocation;
}

/** The tool: every rule that ran and every kind of notice, each with its documentation. */
function driverOf(report: Report): Sarif.ToolComponent {
  const driver: Sarif.ToolComponent = {
    name: report.tool.name,
    version: report.tool.version,
    semanticVersion: report.tool.version,
    rules: report.rules.map((r) => descriptor(r, report)),
    notifications: NOTICE_ORDER.map((kind) => ({
      id: kind,
      name: NOTICE_KINDS[kind].title,
      shortDescription: { text: NOTICE_KINDS[kind].description },
      fullDescription: { text: NOTICE_KINDS[kind].description },
      help: { text: NOTICE_KINDS[kind].help },
      defaultConfiguration: { level: LEVEL[NOTICE_KINDS[kind].level] },
    })),
  };
  if (report.tool.informationUri) driver.informationUri = report.tool.informationUri;
  return driver;
}

/** Where the run's files are: `%SRCROOT%`, the repository it maps to, GitHub's category. */
function placeRun(run: Sarif.Run, report: Report, options: SarifOptions): void {
  if (report.srcRoot) {
    run.originalUriBaseIds = { [SRCROOT]: { uri: pathToFileURL(report.srcRoot + path.sep).href } };
  }
  const vcs = report.provenance;
  if (vcs?.repositoryUri) {
    const entry: Sarif.VersionControlDetails = { repositoryUri: vcs.repositoryUri, mappedTo: { uriBaseId: SRCROOT } };
    if (vcs.revisionId) entry.revisionId = vcs.revisionId;
    if (vcs.branch) entry.branch = vcs.branch;
    run.versionControlProvenance = [entry];
  }
  if (options.category) {
    // GitHub reads the part of `id` before the last slash as the category.
    run.automationDetails = { id: options.category.endsWith('/') ? options.category : `${options.category}/` };
  }
}

export function buildSarif(report: Report, options: SarifOptions = {}): Sarif.Log {
  const at = new Locator(report.srcRoot, (p) => report.sourceLines?.(p));
  const ruleIndex = new Map(report.rules.map((r, i) => [r.code, i]));
  const fingerprints = primaryLocationLineHashes(report.diagnostics, (p) => report.sourceLines?.(p));
  const run: Sarif.Run = {
    tool: { driver: driverOf(report) },
    invocations: [invocationOf(report, at, ruleIndex)],
    results: report.diagnostics.map((d, i) => resultOf(d, fingerprints[i], at, ruleIndex)),
    columnKind: 'utf16CodeUnits',
  };
  placeRun(run, report, options);
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

export function formatSarif(report: Report, options: SarifOptions = {}): string {
  return `${JSON.stringify(buildSarif(report, options), null, 2)}\n`;
}
