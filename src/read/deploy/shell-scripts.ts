/** Shell scripts (context carried from line to line) and Makefile recipes (each line its own shell). */

import { shellWords, type CommandContext } from './command.js';
import { invocationsFrom } from './invocations.js';
import type { DeployCommand, ServerInvocation } from './model.js';
import type { DeploymentSource } from './source.js';
import { LineIndex } from './text.js';

export function readScript(file: DeploymentSource): { invocations: ServerInvocation[]; commands: DeployCommand[] } {
  const lines = new LineIndex(file.text);
  const out: ServerInvocation[] = [];
  const commands: DeployCommand[] = [];
  const makefile = file.kind === 'makefile';
  let context: CommandContext = { environment: {} };
  const physical = file.text.split('\n');
  let offset = 0;
  for (let i = 0; i < physical.length; i++) {
    const start = offset;
    let logical = physical[i];
    offset += physical[i].length + 1;
    while (/\\\r?$/.test(logical) && i + 1 < physical.length) {
      logical = logical.replace(/\\\r?$/, ' ') + physical[++i];
      offset += physical[i].length + 1;
    }
    if (makefile) {
      if (!logical.startsWith('\t')) continue;
      logical = logical.replace(/^\t[@+-]*/, '');
      context = { environment: {} };
    }
    if (/^\s*(#|$)/.test(logical)) continue;
    const found = invocationsFrom(shellWords(logical), context, { path: file.path, lines, from: start, to: offset, source: file.kind });
    out.push(...found.invocations);
    commands.push(...found.commands);
    if (!makefile) context = found.context;
  }
  return { invocations: out, commands };
}
