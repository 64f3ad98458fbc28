/**
 * Command-line options of gunicorn, uvicorn and the FastAPI CLI: which take a value, their
 * canonical long names, and the split into options and positional arguments (the app target).
 */

import { known, type InvocationOption, type ServerProgram } from './model.js';
import type { ServerCommand } from './command.js';

interface OptionTable {
  /** Short → canonical long name. */
  short: Record<string, string>;
  /** Long aliases → canonical long name. */
  aliases: Record<string, string>;
  /** Options that take no value. */
  flags: Set<string>;
}

const TABLES: Record<ServerProgram, OptionTable> = {
  gunicorn: {
    short: { c: 'config', b: 'bind', w: 'workers', k: 'worker-class', t: 'timeout', e: 'env', p: 'pid', u: 'user', g: 'group', m: 'umask', n: 'name', D: 'daemon', R: 'enable-stdio-inheritance', v: 'version', h: 'help' },
    aliases: { keepalive: 'keep-alive', 'worker-connections': 'worker-connections', 'preload-app': 'preload' },
    flags: new Set([
      'reload', 'preload', 'daemon', 'check-config', 'print-config', 'spew', 'capture-output', 'enable-stdio-inheritance',
      'no-sendfile', 'reuse-port', 'strip-header-spaces', 'proxy-protocol', 'disable-redirect-access-to-syslog', 'initgroups',
      'do-handshake-on-connect', 'suppress-ragged-eofs', 'version', 'help', 'permit-obsolete-folding', 'permit-unconventional-http-method',
      'permit-unconventional-http-version', 'casefold-http-method', 'header-map',
    ]),
  },
  uvicorn: {
    short: {},
    aliases: {},
    flags: new Set([
      'reload', 'factory', 'use-colors', 'no-use-colors', 'access-log', 'no-access-log', 'proxy-headers', 'no-proxy-headers',
      'server-header', 'no-server-header', 'date-header', 'no-date-header', 'version', 'help',
    ]),
  },
  fastapi: {
    short: {},
    aliases: {},
    flags: new Set(['reload', 'no-reload', 'proxy-headers', 'no-proxy-headers', 'help', 'version']),
  },
};

export interface ParsedArguments {
  subcommand?: string;
  options: InvocationOption[];
  positionals: string[];
}

/** Splits a server's arguments into options (canonical names) and positionals. */
export function parseArguments(program: ServerProgram, args: readonly string[]): ParsedArguments {
  const table = TABLES[program];
  const options: InvocationOption[] = [];
  const positionals: string[] = [];
  let subcommand: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (word === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (word.startsWith('--') && word.length > 2) {
      const eq = word.indexOf('=');
      const raw = eq > 0 ? word.slice(2, eq) : word.slice(2);
      const name = table.aliases[raw] ?? raw;
      if (eq > 0) options.push({ name, value: known(word.slice(eq + 1)), text: word });
      else if (table.flags.has(name)) options.push({ name, value: true, text: word });
      else if (i + 1 < args.length) options.push({ name, value: known(args[++i]), text: word });
      else options.push({ name, value: true, text: word });
      continue;
    }
    if (word.startsWith('-') && word.length > 1 && !/^-\d/.test(word)) {
      const letter = word[1];
      const name = table.short[letter] ?? letter;
      if (table.flags.has(name)) options.push({ name, value: true, text: word });
      else if (word.length > 2) options.push({ name, value: known(word.slice(word[2] === '=' ? 3 : 2)), text: word });
      else if (i + 1 < args.length) options.push({ name, value: known(args[++i]), text: word });
      else options.push({ name, value: true, text: word });
      continue;
    }
    if (program === 'fastapi' && subcommand === undefined) subcommand = word;
    else positionals.push(word);
  }
  return subcommand === undefined ? { options, positionals } : { subcommand, options, positionals };
}

/** The last value given for an option (later options win, as in every CLI parser). */
export function optionValue(options: readonly InvocationOption[], name: string): InvocationOption | undefined {
  for (let i = options.length - 1; i >= 0; i--) if (options[i].name === name) return options[i];
  return undefined;
}

export function parseCommand(command: ServerCommand): ParsedArguments {
  return parseArguments(command.program, command.args);
}
