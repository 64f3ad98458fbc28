/**
 * What a rule is, apart from what it checks: its identity and its documentation, the single
 * source of `pylint-perf explain`, `docs/rules/`, the README's rule table and SARIF help. Reporters
 * read this; only the run calls the checks (rules/rule.ts).
 */

import type { ExecutionContext, Severity } from './diagnostics.js';
import { FIELD_REPORTS, type FieldReportKey } from './field-reports.js';

export interface RuleDocumentation {
  /** What the rule flags (Markdown). */
  what: string;
  /** Why it matters, with the measured numbers behind it (Markdown). */
  why: string;
  /** How to fix it (Markdown). */
  fix: string;
  /** Code the rule reports (Python unless `language` says otherwise). */
  bad: string;
  /** The same code, fixed. */
  good: string;
  /** The language of the examples, for the Markdown code fences (default `python`). */
  language?: string;
  /** Cases deliberately not reported (Markdown list items). */
  notFlagged?: string[];
  /** The field reports that `why` cites (by their short names); listed in full under "Sources". */
  sources?: FieldReportKey[];
}

export interface RuleOptionsSpec<O> {
  /** JSON Schema `properties` of the rule's option table (kebab-case keys). */
  properties: Record<string, object>;
  defaults: O;
}

export interface RuleMetadata<O = Record<string, unknown>> {
  code: string;
  name: string;
  severity: Severity;
  summary: string;
  /** For SARIF `properties.tags` and `pylint-perf rules`. */
  tags: string[];
  /** SARIF `properties.precision`. */
  precision: 'very-high' | 'high' | 'medium' | 'low';
  docs: RuleDocumentation;
  options?: RuleOptionsSpec<O>;
  /** Rules that are advice may be off by default. */
  enabledByDefault?: boolean;
  /**
   * For rules whose findings carry an execution context: the contexts reported by default. Users
   * choose others with the rule's `contexts` option; findings in the other contexts are dropped.
   */
  contexts?: readonly ExecutionContext[];
}

/** What the `contexts` option of a rule with execution contexts does (docs and configuration schema). */
export const CONTEXTS_OPTION =
  'The execution contexts whose findings are reported, among `server`, `startup`, `library`, `script`, `test`, `example`, `lambda` and `unused` (see "Execution contexts" in the README; `pylint-perf explain --why FILE:LINE` shows where a function runs).';

/** The rule's documentation as one Markdown page. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function ruleMarkdown(rule: RuleMetadata<any>): string {
  const d = rule.docs;
  const parts = [
    `# ${rule.code} \`${rule.name}\``,
    '',
    `**Default severity:** ${rule.severity} · **Tags:** ${rule.tags.join(', ')}`,
    '',
    rule.summary,
    '',
    '## What it flags',
    '',
    d.what.trim(),
    '',
    '## Why',
    '',
    d.why.trim(),
    '',
    '## How to fix',
    '',
    d.fix.trim(),
    '',
    '## Example',
    '',
    'Flagged:',
    '',
    `\`\`\`${d.language ?? 'python'}`,
    d.bad.trim(),
    '```',
    '',
    'Fixed:',
    '',
    `\`\`\`${d.language ?? 'python'}`,
    d.good.trim(),
    '```',
  ];
  if (d.notFlagged && d.notFlagged.length > 0) {
    parts.push('', '## Not flagged', '', ...d.notFlagged.map((n) => `- ${n}`));
  }
  if (rule.options || rule.contexts) {
    parts.push('', '## Options', '', `In \`[tool.pylint-perf.${rule.name}]\` (or \`"${rule.name}": {...}\` in \`pylint-perf.json\`):`, '');
    for (const [key, schema] of Object.entries(rule.options?.properties ?? {})) {
      const description = (schema as { description?: string }).description ?? '';
      const defaults = (rule.options?.defaults ?? {}) as Record<string, unknown>;
      const def = JSON.stringify(defaults[camel(key)] ?? defaults[key]);
      parts.push(`- \`${key}\` (default \`${def}\`): ${description}`);
    }
    if (rule.contexts) parts.push(`- \`contexts\` (default \`${JSON.stringify(rule.contexts)}\`): ${CONTEXTS_OPTION}`);
  }
  if (d.sources && d.sources.length > 0) {
    parts.push('', '## Sources', '', ...d.sources.map((key) => `- ${FIELD_REPORTS[key].citation}`));
  }
  parts.push(
    '',
    '## Suppressing',
    '',
    `\`# pylint-perf: disable=${rule.code}\` or \`# noqa: ${rule.code}\` on the line; \`# pylint-perf: disable-next=${rule.code}\` above it; \`# pylint-perf: disable-file=${rule.code}\` for a file.`,
    '',
  );
  return parts.join('\n');
}

/** Where the generated documentation page of a rule lives, relative to the repository root. */
export function ruleDocPath(rule: Pick<RuleMetadata, 'code' | 'name'>): string {
  return `docs/rules/${rule.code}-${rule.name}.md`;
}

/**
 * The rule's documentation as plain text (SARIF `help.text`, for viewers without Markdown):
 * the same page with headings, emphasis and code fences turned into plain lines.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function rulePlainText(rule: RuleMetadata<any>): string {
  return ruleMarkdown(rule)
    .split('\n')
    .filter((line) => !line.startsWith('```'))
    .map((line) => line.replace(/^#+\s*/, '').replace(/\*\*([^*]+)\*\*/g, '$1').replace(/\[([^\]]+)\]\([^)]+\)/g, '$1'))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .concat('\n');
}

export function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
