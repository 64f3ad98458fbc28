/** Messages that say which types a finding rests on, when the project inferred them. */

import type { Project } from './project.js';

/** ` Types inferred: \`Repos.orders\` is \`app.db.Repo\` (property at app/db.py:38).`, or nothing. */
export function inferredTypes(project: Project, names: (string | null)[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const name of names) {
    for (const e of project.typeEvidence(name)) {
      const type = (project.canonical(e.type) ?? e.type).replace(/\(\)$/, '');
      const at = `${project.displayPath(e.by.module.path)}:${e.by.scope.range.line}`;
      const text =
        e.how === 'property'
          ? `\`${e.by.scope.qualname}\` is \`${type}\` (property at ${at})`
          : e.how === 'state'
            ? `\`${e.parameter}\` is \`${type}\` (set in \`${e.by.scope.qualname || e.by.module.moduleName}\`, ${at})`
            : e.how === 'parameter'
            ? `\`${e.parameter}\` of \`${e.by.scope.qualname}()\` is \`${type}\` (what every call in the project passes; ${at})`
            : e.how === 'yields'
              ? `\`with ${e.by.scope.qualname}() as ...\` gets \`${type}\` (the context manager yields it; ${at})`
              : `\`${e.by.scope.qualname}()\` returns \`${type}\` (${at})`;
      if (!seen.has(text)) parts.push(text);
      seen.add(text);
    }
  }
  return parts.length > 0 ? ` Types inferred: ${parts.join('; ')}.` : '';
}
