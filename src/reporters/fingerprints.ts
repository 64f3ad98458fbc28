/**
 * Content fingerprints for SARIF `partialFingerprints.primaryLocationLineHash`.
 *
 * GitHub code scanning identifies an alert across commits by this value, so it must not depend on
 * the line number: an edit above a finding moves it but must not turn it into a "new" alert.
 * The hash covers the rule, the flagged text, the offending line and its nearest non-blank
 * neighbours, all with whitespace removed (re-indenting or re-wrapping does not matter). When the
 * same hash occurs several times in one file, the occurrences are numbered in source order
 * (`<hash>:1`, `<hash>:2`), which is the format GitHub itself uses.
 */

import { createHash } from 'node:crypto';
import type { Diagnostic } from '../core/diagnostics.js';

const WHITESPACE = /\s+/g;

function normalise(line: string | undefined): string {
  return (line ?? '').replace(WHITESPACE, '');
}

function neighbour(lines: readonly string[], from: number, step: -1 | 1): string {
  for (let i = from + step; i >= 0 && i < lines.length; i += step) {
    const text = normalise(lines[i]);
    if (text !== '') return text;
  }
  return '';
}

/** The text a range covers, when it lies on one line. */
function flagged(lines: readonly string[], d: Diagnostic): string {
  if (d.range.line !== d.range.endLine) return '';
  return normalise(lines[d.range.line - 1]?.slice(d.range.column - 1, d.range.endColumn - 1));
}

function lineHash(lines: readonly string[], d: Diagnostic): string {
  const index = d.range.line - 1;
  const material = [d.code, flagged(lines, d), normalise(lines[index]), neighbour(lines, index, -1), neighbour(lines, index, 1)].join('\u0000');
  return createHash('sha256').update(material).digest('hex').slice(0, 16);
}

/**
 * One fingerprint per diagnostic, in the order given. `linesOf` returns a file's lines (without
 * line terminators), or undefined when the file cannot be read; then only the rule and the
 * message are hashed, which is still independent of the position.
 */
export function primaryLocationLineHashes(
  diagnostics: readonly Diagnostic[],
  linesOf: (path: string) => readonly string[] | undefined,
): string[] {
  const seen = new Map<string, number>();
  const order = diagnostics.map((d, i) => i).sort((a, b) => {
    const x = diagnostics[a];
    const y = diagnostics[b];
    return x.path < y.path ? -1 : x.path > y.path ? 1 : x.range.line - y.range.line || x.range.column - y.range.column;
  });
  const hashes: string[] = new Array(diagnostics.length);
  for (const i of order) {
    const d = diagnostics[i];
    const lines = linesOf(d.path);
    const hash = lines
      ? lineHash(lines, d)
      : createHash('sha256').update(`${d.code}\u0000${d.message}`).digest('hex').slice(0, 16);
    const key = `${d.path}\u0000${hash}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    hashes[i] = `${hash}:${occurrence}`;
  }
  return hashes;
}
