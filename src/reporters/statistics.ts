/**
 * `--statistics`: how many findings each rule has, and how many of them `--fix` (or `--fix
 * --unsafe-fixes`) can fix, most frequent first — a first look at a codebase, or a trend in CI.
 *
 *   text   `  12  PP101  blocking-call-in-async   (3 fixable)`, then the total
 *   json   `[{ "code", "rule", "count", "fixable": { "safe", "unsafe" } }]`
 */

import type { Report } from './report.js';

interface Row {
  code: string;
  rule: string;
  count: number;
  fixable: { safe: number; unsafe: number };
}

export function statisticsOf(report: Report): Row[] {
  const rows = new Map<string, Row>();
  for (const d of report.diagnostics) {
    const row = rows.get(d.code) ?? { code: d.code, rule: d.rule, count: 0, fixable: { safe: 0, unsafe: 0 } };
    row.count++;
    if (d.fix) row.fixable[d.fix.applicability === 'safe' ? 'safe' : 'unsafe']++;
    rows.set(d.code, row);
  }
  return [...rows.values()].sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
}

export function formatStatistics(report: Report, format: 'text' | 'json'): string {
  const rows = statisticsOf(report);
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (rows.length === 0) return `No findings in ${report.filesChecked} file${report.filesChecked === 1 ? '' : 's'}.\n`;
  const width = String(Math.max(...rows.map((r) => r.count))).length;
  const name = Math.max(...rows.map((r) => r.rule.length));
  const lines = rows.map((r) => {
    const { safe, unsafe } = r.fixable;
    const note =
      safe + unsafe === 0
        ? ''
        : unsafe === 0
          ? `   (${safe} fixable with --fix)`
          : safe === 0
            ? `   (${unsafe} fixable with --fix --unsafe-fixes)`
            : `   (${safe} fixable with --fix, ${unsafe} more with --unsafe-fixes)`;
    return `${String(r.count).padStart(width + 2)}  ${r.code}  ${r.rule.padEnd(name)}${note}`.trimEnd();
  });
  const total = rows.reduce((n, r) => n + r.count, 0);
  lines.push(`Found ${total} problem${total === 1 ? '' : 's'} in ${report.filesChecked} file${report.filesChecked === 1 ? '' : 's'} checked.`);
  return `${lines.join('\n')}\n`;
}
