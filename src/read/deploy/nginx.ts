/**
 * nginx configuration: directives, arguments and blocks with their positions. No npm parser keeps
 * source positions (the maintained ones convert to JSON and back), and nginx's syntax is small:
 * words, quoted strings, `#` comments, `;` and `{}`. Unbalanced braces are reported, and what was
 * read up to there is kept.
 */

import path from 'node:path';
import type { Notice } from '../../core/diagnostics.js';
import type { NginxDirective } from './model.js';
import { LineIndex } from './text.js';

const MAX_INCLUDE_DEPTH = 16;

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

export function parseNginx(file: string, text: string): NginxParse {
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
      location: { path: file, range: lines.range(words[0].start, words[words.length - 1].end) },
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

/**
 * The top-level files (those no other file includes), each with its `include`s expanded in place
 * from the files read; an include loop is a notice and is not followed again.
 */
export function expandNginx(files: Map<string, NginxDirective[]>, notices: Notice[]): { path: string; directives: NginxDirective[] }[] {
  const included = new Set<string>();
  const resolveInclude = (pattern: string, from: string, top: string): string[] => {
    const candidates = new Set<string>();
    const bases = [path.dirname(from), path.dirname(top)];
    const rel = pattern.replace(/^\/etc\/nginx\//, '').replace(/^\/usr\/local\/nginx\/conf\//, '');
    for (const base of bases) {
      const target = path.isAbsolute(pattern) && rel === pattern ? pattern : path.resolve(base, rel);
      const regex = new RegExp(`^${target.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
      for (const file of files.keys()) if (regex.test(file)) candidates.add(file);
      // Also the last components only: `conf.d/*.conf` against a project's `nginx/conf.d/`.
    }
    return [...candidates].sort();
  };
  const expand = (directives: NginxDirective[], file: string, top: string, stack: string[]): NginxDirective[] => {
    const out: NginxDirective[] = [];
    for (const d of directives) {
      if (d.name === 'include' && d.args[0]) {
        for (const target of resolveInclude(d.args[0], file, top)) {
          included.add(target);
          if (stack.includes(target) || stack.length > MAX_INCLUDE_DEPTH) {
            notices.push({ kind: 'unparsable', path: file, line: d.location.range.line, message: `nginx include loop through ${path.basename(target)}; not followed again` });
            continue;
          }
          out.push(...expand(files.get(target)!, target, top, [...stack, target]));
        }
        continue;
      }
      out.push(d.block ? { ...d, block: expand(d.block, file, top, stack) } : d);
    }
    return out;
  };
  const expanded = [...files.entries()].map(([file, directives]) => ({ path: file, directives: expand(directives, file, file, [file]) }));
  return expanded.filter((e) => !included.has(e.path));
}
