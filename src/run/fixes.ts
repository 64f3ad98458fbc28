/**
 * Applying fixes: each file's edits are applied from the end backwards; an edit that overlaps
 * one already taken is left for the next run. Files that are not valid UTF-8 are never rewritten.
 */

import { promises as fs } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import type { Diagnostic, SourceRange } from '../core/diagnostics.js';

export interface FixOutcome {
  fixed: number;
  files: number;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function offset(starts: number[], text: string, line: number, column: number): number {
  if (line - 1 >= starts.length) return text.length;
  return Math.min(starts[line - 1] + column - 1, text.length);
}

/** A file's text with the fixes applied, and how many findings they fix. */
interface FixedFile {
  before: string;
  after: string;
  fixed: number;
}

/** What the fixes would make of each file, without writing anything. */
export async function planFixes(diagnostics: readonly Diagnostic[], includeUnsafe: boolean): Promise<Map<string, FixedFile>> {
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    if (!d.fix || (d.fix.applicability !== 'safe' && !includeUnsafe)) continue;
    const list = byFile.get(d.path) ?? [];
    list.push(d);
    byFile.set(d.path, list);
  }
  const planned = new Map<string, FixedFile>();
  for (const [file, list] of byFile) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await fs.readFile(file));
    } catch {
      continue;
    }
    const starts = lineStarts(text);
    const toOffsets = (r: SourceRange) => [offset(starts, text, r.line, r.column), offset(starts, text, r.endLine, r.endColumn)];
    // Identical edits (two fixes adding the same import) are applied once.
    const edits: { start: number; end: number; text: string }[] = [];
    const seen = new Set<string>();
    let fixed = 0;
    for (const d of list) {
      const mine = d.fix!.edits.map((e) => {
        const [start, end] = toOffsets(e.range);
        return { start, end, text: e.text };
      });
      const fresh = mine.filter((e) => !seen.has(`${e.start}:${e.end}:${e.text}`));
      const overlaps = fresh.some((e) => edits.some((o) => e.start < o.end && o.start < e.end));
      if (overlaps) continue;
      for (const e of fresh) {
        seen.add(`${e.start}:${e.end}:${e.text}`);
        edits.push(e);
      }
      fixed++;
    }
    if (fixed === 0) continue;
    edits.sort((a, b) => b.start - a.start || b.end - a.end);
    let out = text;
    for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
    planned.set(file, { before: text, after: out, fixed });
  }
  return planned;
}

export async function applyFixes(diagnostics: readonly Diagnostic[], includeUnsafe: boolean): Promise<FixOutcome> {
  let fixed = 0;
  let files = 0;
  for (const [file, plan] of await planFixes(diagnostics, includeUnsafe)) {
    await fs.writeFile(file, plan.after, 'utf8');
    fixed += plan.fixed;
    files++;
  }
  return { fixed, files };
}

/** `--diff`: the fixes as unified diffs (paths as `shown` gives them), and how many findings they fix. */
export async function diffFixes(diagnostics: readonly Diagnostic[], includeUnsafe: boolean, shown: (file: string) => string): Promise<{ patch: string; fixed: number; files: number }> {
  const parts: string[] = [];
  let fixed = 0;
  const planned = await planFixes(diagnostics, includeUnsafe);
  for (const [file, plan] of [...planned].sort(([a], [b]) => (a < b ? -1 : 1))) {
    parts.push(createTwoFilesPatch(`a/${shown(file)}`, `b/${shown(file)}`, plan.before, plan.after, undefined, undefined, { context: 3 }).replace(/^=+\n/, ''));
    fixed += plan.fixed;
  }
  return { patch: parts.join(''), fixed, files: planned.size };
}
