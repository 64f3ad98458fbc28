/**
 * Applying fixes: each file's edits are applied from the end backwards; an edit that overlaps
 * one already taken is left for the next run. Files that are not valid UTF-8 are never rewritten.
 */

import { promises as fs } from 'node:fs';
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

export async function applyFixes(diagnostics: readonly Diagnostic[], includeUnsafe: boolean): Promise<FixOutcome> {
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    if (!d.fix || (d.fix.applicability !== 'safe' && !includeUnsafe)) continue;
    const list = byFile.get(d.path) ?? [];
    list.push(d);
    byFile.set(d.path, list);
  }
  let fixed = 0;
  let files = 0;
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
    const accepted: Diagnostic[] = [];
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
      accepted.push(d);
    }
    if (accepted.length === 0) continue;
    edits.sort((a, b) => b.start - a.start || b.end - a.end);
    let out = text;
    for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
    await fs.writeFile(file, out, 'utf8');
    fixed += accepted.length;
    files++;
  }
  return { fixed, files };
}
