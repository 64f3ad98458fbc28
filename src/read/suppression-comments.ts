/**
 * Suppression comments, as written in source files:
 *   # pylint-perf: disable=PP101,lru-cache-on-async   this line
 *   # pylint-perf: disable-next=PP101                 the next line that holds code
 *   # pylint-perf: disable-file=PP201                 the whole file
 *   # noqa: PP101      # noqa                          this line (bare: every rule)
 * Reading them is part of reading a file; deciding what they silence is the run's filter stage.
 */

import type { SuppressionFact } from './python/facts.js';

const DIRECTIVE = /#\s*pylint-perf\s*:\s*(disable-file|disable-next-line|disable-next|disable)\b(?:\s*=\s*([\w\-]+(?:\s*,\s*[\w\-]+)*))?/gi;
const NOQA = /#\s*noqa\b(?:\s*:\s*([\w\-]+(?:(?:\s*,\s*|\s+)[\w\-]+)*))?/gi;

export type ParsedSuppression = Pick<SuppressionFact, 'kind' | 'targets'>;

export function parseSuppressionComment(comment: string): ParsedSuppression[] | null {
  if (!/pylint-perf|noqa/i.test(comment)) return null;
  const found: ParsedSuppression[] = [];
  for (const m of comment.matchAll(DIRECTIVE)) {
    const kind = m[1].toLowerCase();
    const targets = m[2] ? m[2].split(',').map((t) => t.trim()).filter(Boolean) : [];
    found.push({
      kind: kind === 'disable-file' ? 'file' : kind.startsWith('disable-next') ? 'next-line' : 'line',
      targets,
    });
  }
  for (const m of comment.matchAll(NOQA)) {
    const targets = m[1] ? m[1].split(/[\s,]+/).filter(Boolean) : [];
    found.push({ kind: 'noqa', targets });
  }
  return found.length > 0 ? found : null;
}

/** Turns `next-line` suppressions into the line they cover: the next line that is not blank or a comment. */
export function resolveNextLineTargets(suppressions: SuppressionFact[], sourceLines: () => string[]): SuppressionFact[] {
  if (!suppressions.some((s) => s.kind === 'next-line')) return suppressions;
  const lines = sourceLines();
  return suppressions.map((s) => {
    if (s.kind !== 'next-line') return s;
    let line = s.line + 1;
    while (line <= lines.length && /^\s*(#.*)?$/.test(lines[line - 1])) line++;
    return { ...s, line };
  });
}

/**
 * Suppression comments in a file that is not Python (Dockerfile, YAML, nginx, shell: all use `#`).
 * A comment on its own line or after the code; `disable-next` covers the next line with content.
 */
export function commentSuppressions(text: string): SuppressionFact[] {
  const found: SuppressionFact[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const hash = line.indexOf('#');
    if (hash < 0 || !/pylint-perf|noqa/i.test(line)) return;
    const parsed = parseSuppressionComment(line.slice(hash));
    if (!parsed) return;
    const range = { line: i + 1, column: hash + 1, endLine: i + 1, endColumn: line.replace(/\r$/, '').length + 1 };
    for (const p of parsed) found.push({ kind: p.kind, line: i + 1, targets: p.targets, range });
  });
  return resolveNextLineTargets(found, () => lines);
}
