/**
 * Inline suppressions:
 *   # pylint-perf: disable=PP101,lru-cache-on-async   this line
 *   # pylint-perf: disable-next=PP101                 the next line that holds code
 *   # pylint-perf: disable-file=PP201                 the whole file
 *   # noqa: PP101      # noqa                          this line (bare: every rule)
 * Codes, rule names and code prefixes (`PP1`: every PP1xx rule) are accepted. `# noqa: E501`
 * (another tool's codes only) does not silence pylint-perf. Unused suppressions are reported by
 * PP001 when it is selected (or `report-unused-suppressions`).
 */

import type { Diagnostic, SourceRange } from './diagnostics.js';
import type { SuppressionFact } from './python/facts.js';
import type { AnyRule } from './rule.js';

/**
 * The engine's own diagnostic for suppressions that silence nothing: off by default, selected
 * like a rule (`--extend-select PP001`), or with `--report-unused-suppressions`.
 */
export const UNUSED_SUPPRESSION: AnyRule = {
  code: 'PP001',
  name: 'unused-suppression',
  severity: 'warning',
  summary: 'A suppression comment that silences nothing, or names a rule that does not exist.',
  tags: ['suppression', 'maintenance'],
  precision: 'very-high',
  enabledByDefault: false,
  docs: {
    what: 'A `# pylint-perf: disable=...`, `disable-next`, `disable-file` or `# noqa: PP...` comment that no finding needed, or that names an unknown rule. Off by default: select it like a rule (`--extend-select PP001`, `extend-select = ["PP001"]`), or use `--report-unused-suppressions` (`report-unused-suppressions = true`). Only suppressions of rules that ran are checked. A bare `# noqa` is never reported: it may serve other linters.',
    why: 'A stale suppression hides the next real finding on that line. Removing suppressions once the code is fixed keeps them meaningful.',
    fix: 'Delete the comment, or the rule codes in it that are no longer needed; correct misspelt codes.',
    bad: 'async def handler():\n    await asyncio.sleep(1)  # noqa: PP101',
    good: 'async def handler():\n    await asyncio.sleep(1)',
  },
};

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

export interface RuleLookup {
  /** Code for a code or a rule name (case-insensitive), or undefined when it is no rule of ours. */
  codeOf(target: string): string | undefined;
  /** Every rule code: a code prefix (`PP1`) covers the codes it starts. */
  codes?: readonly string[];
  /** Whether a rule ran: a suppression of rules that did not run is never called unused. */
  ran?(code: string): boolean;
}

export interface SuppressionOutcome {
  kept: Diagnostic[];
  suppressedCount: number;
  /** Suppressions that silenced nothing: where, and the targets that were unused or unknown. */
  unused: { path: string; range: SourceRange; unused: string[]; unknown: string[] }[];
}

const OUR_CODE = /^PP\d{0,3}$/i;
const CODE_PREFIX = /^PP\d{0,2}$/i;

/** The codes a suppression target covers: its rule's, or those a code prefix starts; none if unknown. */
function coveredCodes(target: string, rules: RuleLookup): string[] {
  const code = rules.codeOf(target);
  if (code) return [code];
  if (!CODE_PREFIX.test(target)) return [];
  const prefix = target.toUpperCase();
  return (rules.codes ?? []).filter((c) => c.startsWith(prefix));
}

/**
 * Drops the diagnostics a suppression covers. `suppressions` maps a file's absolute path to its
 * suppression facts (with next-line targets already resolved).
 */
export function applySuppressions(
  diagnostics: Diagnostic[],
  suppressions: Map<string, SuppressionFact[]>,
  rules: RuleLookup,
): SuppressionOutcome {
  const covers = new Map<string, string[]>();
  const covered = (target: string): string[] => {
    let codes = covers.get(target);
    if (!codes) covers.set(target, (codes = coveredCodes(target, rules)));
    return codes;
  };
  const used = new Map<SuppressionFact, Set<string>>();
  const kept: Diagnostic[] = [];
  let suppressedCount = 0;

  for (const d of diagnostics) {
    const list = suppressions.get(d.path);
    let hit: SuppressionFact | undefined;
    let hitTarget = '';
    if (list) {
      for (const s of list) {
        if (s.kind !== 'file' && s.line !== d.range.line) continue;
        if (s.targets.length === 0) {
          hit = s;
          hitTarget = '*';
          break;
        }
        const t = s.targets.find((target) => covered(target).includes(d.code));
        if (t) {
          hit = s;
          hitTarget = t;
          break;
        }
      }
    }
    if (hit) {
      suppressedCount++;
      const set = used.get(hit) ?? new Set<string>();
      set.add(hitTarget);
      used.set(hit, set);
    } else {
      kept.push(d);
    }
  }

  const unused: SuppressionOutcome['unused'] = [];
  const anyRan = !rules.ran || !rules.codes || rules.codes.some((c) => rules.ran!(c));
  for (const [path, list] of suppressions) {
    for (const s of list) {
      const usedTargets = used.get(s) ?? new Set<string>();
      // A bare `# noqa` may serve other linters: never call it unused.
      if (s.targets.length === 0) {
        if (s.kind !== 'noqa' && usedTargets.size === 0 && anyRan) unused.push({ path, range: s.range, unused: ['*'], unknown: [] });
        continue;
      }
      const ours = s.kind === 'noqa' ? s.targets.filter((t) => OUR_CODE.test(t) || rules.codeOf(t)) : s.targets;
      const unknown = ours.filter((t) => covered(t).length === 0);
      const notUsed = ours.filter((t) => covered(t).length > 0 && !usedTargets.has(t) && (!rules.ran || covered(t).some((c) => rules.ran!(c))));
      if (unknown.length > 0 || notUsed.length > 0) unused.push({ path, range: s.range, unused: notUsed, unknown });
    }
  }
  return { kept, suppressedCount, unused };
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
