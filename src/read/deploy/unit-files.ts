/** supervisord `[program:x]` sections and systemd units: their command, directory and environment. */

import { shellWords } from './command.js';
import { invocationsFrom } from './invocations.js';
import { known, type DeployCommand, type DeployValue, type ServerInvocation } from './model.js';
import type { DeploymentSource } from './source.js';
import { LineIndex } from './text.js';

interface Section {
  command?: { text: string; from: number; to: number };
  directory?: string;
  environment: Record<string, DeployValue>;
}

export function readUnitFile(file: DeploymentSource): { invocations: ServerInvocation[]; commands: DeployCommand[] } {
  const lines = new LineIndex(file.text);
  const out: ServerInvocation[] = [];
  const commands: DeployCommand[] = [];
  for (const s of sectionsOf(file.text)) {
    if (!s.command) continue;
    // supervisord expands %(ENV_X)s; systemd ${X}: both unknown statically.
    const text = s.command.text.replace(/%\(([^)]+)\)s/g, '${$1}');
    const found = invocationsFrom(shellWords(text), { environment: s.environment, workingDirectory: s.directory }, { path: file.path, lines, from: s.command.from, to: s.command.to, source: file.kind === 'systemd' ? 'systemd' : 'supervisord' });
    out.push(...found.invocations);
    commands.push(...found.commands);
  }
  return { invocations: out, commands };
}

/** The `[section]`s of the file (and what comes before the first), with the keys that run a server. */
function sectionsOf(text: string): Section[] {
  const sections: Section[] = [];
  let section: Section = { environment: {} };
  sections.push(section);
  let offset = 0;
  for (const line of text.split('\n')) {
    const start = offset;
    offset += line.length + 1;
    if (/^\s*\[/.test(line)) {
      section = { environment: {} };
      sections.push(section);
      continue;
    }
    const m = /^\s*([A-Za-z_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const key = m[1].toLowerCase();
    const value = m[2];
    if (key === 'command' || key === 'execstart') {
      const command = key === 'execstart' ? value.replace(/^[-@:+!]+/, '') : value;
      section.command = { text: command, from: start + line.indexOf(value), to: start + line.length };
    } else if (key === 'directory' || key === 'workingdirectory') section.directory = value;
    else if (key === 'environment') {
      for (const w of shellWords(value.replace(/,(?=\s*[A-Za-z_][A-Za-z0-9_]*=)/g, ' '))) {
        if (typeof w !== 'string') continue;
        const eq = w.indexOf('=');
        if (eq > 0) section.environment[w.slice(0, eq)] = known(w.slice(eq + 1).replace(/^["']|["']$/g, ''));
      }
    }
  }
  return sections;
}
