/**
 * Fixes that add options to a server command in a deployment file (PP301's worker class, PP302's
 * keep-alive): the words go right after the program word, written as the command is written —
 * shell words (`gunicorn -k uvicorn.workers.UvicornWorker app:app`, also inside `sh -c "..."`), an
 * exec-form list (`["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "app:app"]`), or a YAML
 * block list (one `- "word"` line each, quoted so that `65` stays a string).
 */

import type { Fix, TextEdit } from '../core/diagnostics.js';
import type { ServerInvocation } from '../read/deploy/model.js';

/** The fix, when the finding is reported in the file that holds the command and the place is known. */
export function addOptionsFix(invocation: ServerInvocation, reportedIn: string, words: readonly string[], description: string): Fix | undefined {
  const at = invocation.optionsAt;
  if (!at || invocation.location.path !== reportedIn || words.some((w) => /[\s"'\\$`]/.test(w))) return undefined;
  const text =
    at.style === 'json'
      ? words.map((w) => `, ${JSON.stringify(w)}`).join('')
      : at.style === 'yaml-list'
        ? words.map((w) => `\n${at.indent ?? ''}- ${JSON.stringify(w)}`).join('')
        : words.map((w) => ` ${w}`).join('');
  const edit: TextEdit = { range: { line: at.line, column: at.column, endLine: at.line, endColumn: at.column }, text };
  return { description, applicability: 'safe', edits: [edit] };
}
