/** Server invocations from the words of a command, located in the file they are written in. */

import { scanWords, type CommandContext, type ServerCommand, type Word } from './command.js';
import type { ServerInvocation } from './model.js';
import { parseCommand } from './options.js';
import type { LineIndex } from './text.js';

/** Where a command is written, and what the file it is in says about the invocations in it. */
export interface CommandSite {
  path: string;
  lines: LineIndex;
  from: number;
  to: number;
  source: string;
  projectDirectory?: string;
  image?: string;
  pypy?: boolean;
}

export function invocationsFrom(words: readonly Word[], context: CommandContext, where: CommandSite): { invocations: ServerInvocation[]; context: CommandContext } {
  const scanned = scanWords(words, context);
  let cursor = where.from;
  const invocations = scanned.commands.map((command) => {
    const range = where.lines.find(command.programWord, cursor, where.to);
    const at = where.lines.text.indexOf(command.programWord, cursor);
    if (at >= 0 && at < where.to) cursor = at + command.programWord.length;
    return toInvocation(command, { path: where.path, range }, where);
  });
  return { invocations, context: scanned.context };
}

function toInvocation(command: ServerCommand, location: ServerInvocation['location'], where: { source: string; projectDirectory?: string; image?: string; pypy?: boolean }): ServerInvocation {
  const parsed = parseCommand(command);
  const invocation: ServerInvocation = {
    program: command.program,
    options: parsed.options,
    positionals: parsed.positionals,
    location,
    source: where.source,
    environment: command.environment,
    pypy: command.pypy || (where.pypy ?? false),
  };
  if (parsed.subcommand) invocation.subcommand = parsed.subcommand;
  if (command.workingDirectory) invocation.workingDirectory = command.workingDirectory;
  if (where.projectDirectory) invocation.projectDirectory = where.projectDirectory;
  if (where.image) invocation.image = where.image;
  return invocation;
}
