/**
 * `check --add-noqa`: a `# noqa: CODE` comment at the end of each line of Python code that has a
 * finding, so that existing code passes and new code is checked (Ruff's `--add-noqa`).
 *
 * - Codes already on the line are kept: `# noqa: E501` becomes `# noqa: E501, PP101`. Running it
 *   twice changes nothing (the second run has no findings left to annotate).
 * - Only Python files: a trailing comment changes the meaning of a Dockerfile instruction, and
 *   JSON has none. Findings in deployment files are counted as left for `--suppress-all`.
 * - A line that ends in a backslash continuation is left alone. Every edited file is parsed again:
 *   an inserted comment that the parser does not read as a comment on that line (the line ends
 *   inside a multi-line string) is taken back, and a file whose syntax errors would grow is not
 *   written at all.
 */

import { promises as fs } from 'node:fs';
import type { Diagnostic } from '../core/diagnostics.js';
import { PythonParser } from '../read/python/parser.js';

export interface NoqaOutcome {
  /** Comments added or extended. */
  added: number;
  files: number;
  /** Findings that could not be annotated (deployment files, continued lines, lines inside strings). */
  left: number;
}

const NOQA = /#\s*noqa\b(\s*:\s*([\w\-]+(?:(?:\s*,\s*|\s+)[\w\-]+)*))?/i;

/** The line with the codes added to its `# noqa` comment, or a new one appended. */
export function withNoqa(line: string, codes: readonly string[]): string {
  const m = NOQA.exec(line);
  if (m && m[1] === undefined) return line; // a bare `# noqa` silences everything already
  if (m) {
    const existing = m[2].split(/[\s,]+/).filter(Boolean);
    const add = codes.filter((c) => !existing.some((e) => e.toUpperCase() === c));
    if (add.length === 0) return line;
    const end = m.index + m[0].length;
    return `${line.slice(0, end)}, ${add.join(', ')}${line.slice(end)}`;
  }
  const trimmed = line.replace(/\s+$/, '');
  return `${trimmed}  # noqa: ${codes.join(', ')}`;
}

export async function addNoqa(diagnostics: readonly Diagnostic[]): Promise<NoqaOutcome> {
  const parser = await PythonParser.create();
  try {
    return await annotateFiles(diagnostics, parser);
  } finally {
    parser.dispose();
  }
}

async function annotateFiles(diagnostics: readonly Diagnostic[], parser: PythonParser): Promise<NoqaOutcome> {
  const byFile = new Map<string, Map<number, Set<string>>>();
  let left = 0;
  for (const d of diagnostics) {
    if (!d.path.endsWith('.py')) {
      left++;
      continue;
    }
    const lines = byFile.get(d.path) ?? new Map<number, Set<string>>();
    (lines.get(d.range.line) ?? lines.set(d.range.line, new Set()).get(d.range.line)!).add(d.code);
    byFile.set(d.path, lines);
  }
  const outcome: NoqaOutcome = { added: 0, files: 0, left };
  for (const [file, wanted] of byFile) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await fs.readFile(file));
    } catch {
      outcome.left += [...wanted.values()].reduce((n, c) => n + c.size, 0);
      continue;
    }
    const result = annotate(text, wanted, parser, file);
    outcome.left += result.left;
    if (result.added === 0) continue;
    await fs.writeFile(file, result.text, 'utf8');
    outcome.added += result.added;
    outcome.files++;
  }
  return outcome;
}

/** The file with its comments, checked by parsing it again; lines the parser does not confirm are left as they were. */
function annotate(text: string, wanted: Map<number, Set<string>>, parser: PythonParser, file: string): { text: string; added: number; left: number } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const original = text.split(/\r?\n/);
  const identity = { path: file, moduleName: '__noqa_check__', isPackage: false };
  const errorsBefore = parser.facts(text, identity).syntaxErrors?.length ?? 0;
  let candidates = [...wanted.keys()].filter((line) => line <= original.length && !/\\\s*$/.test(original[line - 1]));
  let left = [...wanted.keys()].length - candidates.length;
  for (let attempt = 0; attempt < 2; attempt++) {
    const lines = [...original];
    const changed: number[] = [];
    for (const line of candidates) {
      const codes = [...wanted.get(line)!].sort();
      const next = withNoqa(lines[line - 1], codes);
      if (next !== lines[line - 1]) {
        lines[line - 1] = next;
        changed.push(line);
      }
    }
    if (changed.length === 0) return { text, added: 0, left };
    const out = lines.join(eol);
    const facts = parser.facts(out, identity);
    if ((facts.syntaxErrors?.length ?? 0) > errorsBefore) return { text, added: 0, left: left + changed.length };
    // Confirmed: the parser reads a noqa comment on the line (not text inside a string).
    const confirmed = new Set(facts.suppressions.filter((s) => s.kind === 'noqa').map((s) => s.line));
    const refused = changed.filter((line) => !confirmed.has(line));
    if (refused.length === 0) return { text: out, added: changed.length, left };
    candidates = candidates.filter((line) => !refused.includes(line));
    left += refused.length;
  }
  return { text, added: 0, left: left + candidates.length };
}
