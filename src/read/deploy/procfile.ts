/** Procfiles (Heroku, Dokku, foreman): `name: command` lines. */

import { shellWords } from './command.js';
import { invocationsFrom } from './invocations.js';
import type { DeployCommand, ServerInvocation } from './model.js';
import type { DeploymentSource } from './source.js';
import { LineIndex } from './text.js';

export function readProcfile(file: DeploymentSource): { invocations: ServerInvocation[]; commands: DeployCommand[] } {
  const lines = new LineIndex(file.text);
  const out: ServerInvocation[] = [];
  const commands: DeployCommand[] = [];
  let offset = 0;
  for (const line of file.text.split('\n')) {
    const m = /^\s*([A-Za-z0-9_-]+)\s*:\s*(.*)$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) {
      const from = offset + line.indexOf(m[2]);
      const found = invocationsFrom(shellWords(m[2]), { environment: {} }, { path: file.path, lines, from, to: offset + line.length, source: 'procfile' });
      out.push(...found.invocations);
      commands.push(...found.commands);
    }
    offset += line.length + 1;
  }
  return { invocations: out, commands };
}
