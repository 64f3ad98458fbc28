/**
 * Inline suppressions:
 *   # pylint-perf: disable=PP101,lru-cache-on-async   this line
 *   # pylint-perf: disable-next=PP101                 the next line that holds code
 *   # pylint-perf: disable-file=PP201                 the whole file
 *   # noqa: PP101      # noqa                          this line (bare: every rule)
 * Codes, rule names and code prefixes (`PP1`: every PP1xx rule) are accepted. `# noqa: E501`
 * (another tool's codes only) does not silence pylint-perf. The suppressions that silenced nothing
 * go to the selected rules that check suppressions (`Rule.checkSuppressions`).
 */

import type { Diagnostic } from '../core/diagnostics.js';
import type { SuppressionFact } from '../read/python/facts.js';
import type { UnusedSuppression } from '../rules/rule.js';

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
  unused: UnusedSuppression[];
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

  const unused: UnusedSuppression[] = [];
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
