import type { AnyRule, SuppressionContext, UnusedSuppression } from './rule.js';

/**
 * Suppressions that silence nothing: off by default, selected like a rule
 * (`--extend-select PP001`), or with `--report-unused-suppressions`. It checks the suppressions
 * the other rules' findings left unused, so it runs after them.
 */
export const rule: AnyRule = {
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

  checkSuppressions(unused: readonly UnusedSuppression[], context: SuppressionContext<unknown>): void {
    for (const u of unused) {
      const parts: string[] = [];
      if (u.unused.includes('*')) parts.push('this suppression silences nothing');
      else if (u.unused.length > 0) parts.push(`nothing to suppress for ${u.unused.join(', ')}`);
      if (u.unknown.length > 0) parts.push(`unknown rule${u.unknown.length > 1 ? 's' : ''} ${u.unknown.join(', ')}`);
      context.report({ path: u.path, range: u.range, message: `Unused suppression: ${parts.join('; ')}.` });
    }
  },
};
