/**
 * nginx configuration: directives, arguments and blocks with their positions. No npm parser keeps
 * source positions (the maintained ones convert to JSON and back), and nginx's syntax is small:
 * words, quoted strings, `#` comments, `;` and `{}`. Unbalanced braces are reported, and what was
 * read up to there is kept.
 */

import type { NginxDirective } from './model.js';
import { LineIndex } from './text.js';

export interface NginxParse {
  directives: NginxDirective[];
  /** A problem that made the file read only in part. */
  problem?: { line: number; message: string };
}

interface Token {
  text: string;
  kind: 'word' | '{' | '}' | ';';
  start: number;
  end: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '{' || c === '}' || c === ';') {
      tokens.push({ text: c, kind: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    const start = i;
    let value = '';
    if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else value += text[i++];
      }
      i++;
      tokens.push({ text: value, kind: 'word', start, end: i });
      continue;
    }
    // A bare word; `${var}` braces belong to the word.
    while (i < text.length && !/[\s;{}]/.test(text[i])) {
      if (text[i] === '$' && text[i + 1] === '{') {
        const close = text.indexOf('}', i);
        const stop = close < 0 ? text.length : close + 1;
        value += text.slice(i, stop);
        i = stop;
        continue;
      }
      if (text[i] === '\\' && i + 1 < text.length) {
        value += text[i + 1];
        i += 2;
        continue;
      }
      value += text[i++];
    }
    tokens.push({ text: value, kind: 'word', start, end: i });
  }
  return tokens;
}

export function parseNginx(path: string, text: string): NginxParse {
  const lines = new LineIndex(text);
  const tokens = tokenize(text);
  const root: NginxDirective[] = [];
  const stack: NginxDirective[][] = [root];
  let problem: NginxParse['problem'];
  let words: Token[] = [];
  for (const t of tokens) {
    if (t.kind === 'word') {
      words.push(t);
      continue;
    }
    if (t.kind === '}') {
      if (words.length > 0 && !problem) problem = { line: lines.position(words[0].start).line, message: `directive "${words[0].text}" is not terminated by ";"` };
      words = [];
      if (stack.length === 1) {
        problem ??= { line: lines.position(t.start).line, message: 'unexpected "}"' };
        continue;
      }
      stack.pop();
      continue;
    }
    if (words.length === 0) {
      if (t.kind === '{') problem ??= { line: lines.position(t.start).line, message: 'a block without a directive name' };
      continue;
    }
    const directive: NginxDirective = {
      name: words[0].text,
      args: words.slice(1).map((w) => w.text),
      location: { path, range: lines.range(words[0].start, words[words.length - 1].end) },
    };
    stack[stack.length - 1].push(directive);
    if (t.kind === '{') {
      directive.block = [];
      stack.push(directive.block);
    }
    words = [];
  }
  if (words.length > 0) problem ??= { line: lines.position(words[0].start).line, message: `directive "${words[0].text}" is not terminated by ";"` };
  if (stack.length > 1) problem ??= { line: lines.position(text.length).line, message: `unexpected end of file, expecting "}" (${stack.length - 1} block${stack.length > 2 ? 's' : ''} not closed)` };
  return problem ? { directives: root, problem } : { directives: root };
}

/** Looks like an nginx file (rather than supervisord or another `.conf`). */
export function looksLikeNginx(text: string): boolean {
  return /^\s*(http|server|upstream|location|events|stream)\b[^;\n]*\{/m.test(text) || /^\s*(proxy_pass|listen|server_name|include)\s[^\n]*;\s*(#.*)?$/m.test(text);
}
