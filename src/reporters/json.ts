/**
 * JSON output: a flat array sorted by path, line, column, code. Each item:
 * { code, rule, severity, message, path, line, column, endLine, endColumn, context?, fix?, related? }.
 * `context` is the execution context of the code (`server`, `startup`, `library`, `script`,
 * `test`, `example`, `lambda`) for the rules that know it.
 * `path` is relative to the current directory with forward slashes; positions are 1-based with
 * columns in UTF-16 code units; end positions are exclusive. Notices go to stderr, never here.
 */

import type { Report } from './report.js';
import { displayPath } from '../core/paths.js';

export function formatJson(report: Report): string {
  const items = report.diagnostics.map((d) => {
    const item: Record<string, unknown> = {
      code: d.code,
      rule: d.rule,
      severity: d.severity,
      message: d.message,
      path: displayPath(d.path, report.cwd),
      line: d.range.line,
      column: d.range.column,
      endLine: d.range.endLine,
      endColumn: d.range.endColumn,
    };
    if (d.contexts && d.contexts.length > 0) item.context = d.contexts[0];
    if (d.fix) {
      item.fix = {
        description: d.fix.description,
        applicability: d.fix.applicability,
        edits: d.fix.edits.map((e) => ({ ...e.range, text: e.text })),
      };
    }
    if (d.related) {
      item.related = d.related.map((r) => ({
        path: displayPath(r.path, report.cwd),
        line: r.range.line,
        column: r.range.column,
        endLine: r.range.endLine,
        endColumn: r.range.endColumn,
        message: r.message,
      }));
    }
    return item;
  });
  return `${JSON.stringify(items, null, 2)}\n`;
}
