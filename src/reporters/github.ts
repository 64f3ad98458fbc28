/**
 * GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff.
 *
 *   ::error file=app/main.py,line=12,endLine=12,col=5,endColumn=18,title=PP101 blocking-call-in-async::message
 *
 * Severities map to the three annotation levels (error, warning, notice). Paths are relative to
 * the repository's work tree, which is what GitHub resolves them against. Escaping follows the
 * runner's rules: in the message `%`, CR and LF are percent-encoded; in properties `:` and `,` are
 * too, since they delimit the command.
 */

import path from 'node:path';
import { NOTICE_KINDS, type Severity } from '../core/diagnostics.js';
import type { Report } from './report.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(kind: string, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${kind} ${props}::${escapeData(message)}`;
}

function relative(file: string, root: string): string {
  const rel = path.relative(root, file);
  return (rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel).split(path.sep).join('/');
}

export function formatGithub(report: Report): string {
  const root = report.srcRoot ?? report.cwd;
  const out: string[] = [];
  for (const d of report.diagnostics) {
    let message = d.message;
    for (const r of d.related ?? []) message += `\n  ${relative(r.path, root)}:${r.range.line}:${r.range.column}: ${r.message}`;
    out.push(
      command(
        COMMAND[d.severity],
        {
          file: relative(d.path, root),
          line: d.range.line,
          endLine: d.range.endLine,
          col: d.range.column,
          endColumn: d.range.endColumn,
          title: `${d.code} ${d.rule}`,
        },
        message,
      ),
    );
  }
  for (const n of report.notices) {
    out.push(
      command(
        COMMAND[NOTICE_KINDS[n.kind].level],
        { file: relative(n.path, root), line: n.line, title: `pylint-perf: ${n.kind}` },
        n.message,
      ),
    );
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
