/**
 * GitLab Code Quality (`--format gitlab`): the JSON array GitLab reads from a job's
 * `artifacts:reports:codequality` and shows in merge requests. Each issue has the fields GitLab
 * documents (docs.gitlab.com, "Code Quality report format"): `description`, `check_name`,
 * `fingerprint`, `severity` (info | minor | major | critical | blocker) and `location` with a
 * `path` relative to the repository root and `lines.begin`; `lines.end` and `categories` come from
 * the Code Climate specification GitLab's format is a subset of.
 *
 * The fingerprint is what lets GitLab tell a new issue from an old one across commits: the SARIF
 * content hash (reporters/fingerprints.ts: rule, flagged text and neighbouring lines, whitespace
 * removed, numbered when repeated) combined with the path, so it stays when lines move.
 */

import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Severity } from '../core/diagnostics.js';
import { primaryLocationLineHashes } from './fingerprints.js';
import type { Report } from './report.js';

/** Errors break requests (major); warnings cost performance (minor); info is info. */
const SEVERITY: Record<Severity, string> = { error: 'major', warning: 'minor', info: 'info' };

export function formatGitlab(report: Report): string {
  const root = report.srcRoot ?? report.cwd;
  const rel = (file: string): string => path.relative(root, file).split(path.sep).join('/');
  const hashes = primaryLocationLineHashes(report.diagnostics, (file) => report.sourceLines?.(file));
  const issues = report.diagnostics.map((d, i) => ({
    type: 'issue',
    description: `${d.code} ${d.message}`,
    check_name: d.code,
    fingerprint: createHash('sha256').update(`${rel(d.path)}\u0000${hashes[i]}`).digest('hex').slice(0, 32),
    severity: SEVERITY[d.severity],
    categories: ['Performance'],
    location: { path: rel(d.path), lines: { begin: d.range.line, end: d.range.endLine } },
  }));
  return `${JSON.stringify(issues, null, 2)}\n`;
}
