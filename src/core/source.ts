/**
 * Reading a source file without ever crashing or blocking: directories, FIFOs and devices are
 * skipped, binary files are reported, encodings follow PEP 263 (a `coding:` line in the first two
 * lines), UTF-16 with a BOM is decoded, and bytes that are not valid UTF-8 are replaced (U+FFFD)
 * and reported. The analyzer never executes or imports the code it reads.
 */

import { closeSync, constants as fsConstants, openSync, readFileSync, statSync } from 'node:fs';
import type { Notice } from './diagnostics.js';

export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

export type SourceResult = { ok: true; text: string; notices: Notice[] } | { ok: false; notice: Notice };

const CODING = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

export async function readSource(path: string): Promise<SourceResult> {
  let buffer: Buffer;
  try {
    // Synchronous system calls: for thousands of small files, four trips each through libuv's
    // thread pool cost more than the reads. O_NONBLOCK: a FIFO must not hang the run.
    // A device or FIFO is never opened (opening some devices has effects).
    const stat = statSync(path);
    if (!stat.isFile()) {
      return { ok: false, notice: { kind: 'skipped', path, message: 'not a regular file (directory, FIFO or device); skipped' } };
    }
    if (stat.size > MAX_SOURCE_BYTES) {
      return {
        ok: false,
        notice: { kind: 'too-large', path, message: `file is ${(stat.size / 1048576).toFixed(1)} MB, over the ${MAX_SOURCE_BYTES / 1048576} MB limit; skipped` },
      };
    }
    const fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    try {
      buffer = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const reason =
      code === 'ENOENT' ? 'file disappeared before it could be read'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'ELOOP' ? 'symbolic link loop'
      : `cannot be read (${code})`;
    return { ok: false, notice: { kind: 'unreadable', path, message: `${reason}; skipped` } };
  }
  return decodeSource(path, buffer);
}

export function decodeSource(path: string, buffer: Buffer): SourceResult {
  const notices: Notice[] = [];
  // UTF-16 with a byte order mark: Python itself rejects it, but the text is still readable.
  if (buffer.length >= 2 && ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff))) {
    const label = buffer[0] === 0xff ? 'utf-16le' : 'utf-16be';
    const text = new TextDecoder(label).decode(buffer);
    notices.push({ kind: 'not-utf8', path, message: `file is ${label.toUpperCase()} (Python expects UTF-8); analysed after decoding` });
    return { ok: true, text: normaliseLineEnds(text), notices };
  }
  if (buffer.indexOf(0) !== -1) {
    return { ok: false, notice: { kind: 'binary', path, message: 'file contains NUL bytes (binary, not Python source); skipped' } };
  }
  let body = buffer;
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) body = body.subarray(3);
  const declared = declaredEncoding(body);
  if (declared && !/^utf[-_]?8/i.test(declared)) {
    try {
      return { ok: true, text: normaliseLineEnds(new TextDecoder(declared).decode(body)), notices };
    } catch {
      notices.push({ kind: 'not-utf8', path, message: `unknown coding declaration '${declared}'; read as UTF-8` });
    }
  }
  try {
    return { ok: true, text: normaliseLineEnds(new TextDecoder('utf-8', { fatal: true }).decode(body)), notices };
  } catch {
    const text = new TextDecoder('utf-8').decode(body);
    const line = text.split('\n').findIndex((l) => l.includes('\uFFFD')) + 1;
    notices.push({
      kind: 'not-utf8',
      path,
      line: line > 0 ? line : undefined,
      message: 'file is not valid UTF-8; invalid bytes were replaced with U+FFFD and the file was analysed',
    });
    return { ok: true, text: normaliseLineEnds(text), notices };
  }
}

function declaredEncoding(buffer: Buffer): string | undefined {
  const head = buffer.subarray(0, 512).toString('latin1').split(/\r\n|\r|\n/, 2);
  for (const line of head) {
    const m = CODING.exec(line);
    if (m) return m[1].toLowerCase();
    if (!/^[ \t\f]*(#.*)?$/.test(line)) break;
  }
  return undefined;
}

/**
 * Python reads a lone CR as a line end (universal newlines); tree-sitter counts only LF. A lone CR
 * becomes LF (same length, so every offset and column stays where it was); CRLF is left alone.
 */
export function normaliseLineEnds(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}
