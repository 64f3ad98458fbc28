/** Server invocations (and the other commands) from the words of a command, located in the file they are written in. */

import { scanWords, type CommandContext, type OtherCommand, type ServerCommand, type Word } from './command.js';
import type { DeployCommand, ServerInvocation } from './model.js';
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

export function invocationsFrom(words: readonly Word[], context: CommandContext, where: CommandSite): { invocations: ServerInvocation[]; commands: DeployCommand[]; context: CommandContext } {
  const scanned = scanWords(words, context);
  let cursor = where.from;
  const locate = (word: string): ServerInvocation['location'] => {
    const range = where.lines.find(word, cursor, where.to);
    const at = where.lines.text.indexOf(word, cursor);
    if (at >= 0 && at < where.to) cursor = at + word.length;
    return { path: where.path, range };
  };
  // Located in the order written: servers and other commands interleave.
  const invocations: ServerInvocation[] = [];
  const commands: DeployCommand[] = [];
  for (const command of scanned.sequence) {
    if ('program' in command) invocations.push(toInvocation(command, locate(command.programWord), where));
    else commands.push(toCommand(command, locate(command.programWord), where));
  }
  return { invocations, commands, context: scanned.context };
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
  if (command.background) invocation.background = true;
  return invocation;
}

function toCommand(command: OtherCommand, location: DeployCommand['location'], where: { source: string; projectDirectory?: string }): DeployCommand {
  const out: DeployCommand = { words: command.words, location, source: where.source, environment: command.environment };
  if (command.workingDirectory) out.workingDirectory = command.workingDirectory;
  if (where.projectDirectory) out.projectDirectory = where.projectDirectory;
  if (command.background) out.background = true;
  return out;
}
