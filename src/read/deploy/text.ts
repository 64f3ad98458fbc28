/** Offsets in a text → 1-based lines and UTF-16 columns (the positions every report uses). */

import type { SourceRange } from '../../core/diagnostics.js';

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }

  /** The offset of a 1-based line and column. */
  offset(line: number, column: number): number {
    return (this.starts[line - 1] ?? this.text.length) + column - 1;
  }

  range(start: number, end: number): SourceRange {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }

  /** The range of `word` at or after `from` (and before `to`), or of the span itself when absent. */
  find(word: string, from: number, to = this.text.length): SourceRange {
    const at = word ? this.text.indexOf(word, from) : -1;
    return at >= 0 && at < to ? this.range(at, at + word.length) : this.range(from, to);
  }

  lineRange(line: number): SourceRange {
    const start = this.starts[line - 1] ?? 0;
    let end = this.starts[line] !== undefined ? this.starts[line] - 1 : this.text.length;
    if (end > start && this.text[end - 1] === '\r') end--;
    // Skip leading whitespace so the column points at the text.
    let s = start;
    while (s < end && /\s/.test(this.text[s])) s++;
    return this.range(s, end);
  }
}
