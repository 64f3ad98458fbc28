/**
 * What one process keeps between check runs (the editor server, `check --watch`): the unsaved
 * buffers an editor holds, the texts of files that have not changed on disk (same size and
 * modification time), and the facts of every file by content key, so that a run after an edit
 * parses the edited file only and reads nothing else from the disk cache.
 */

import { promises as fs } from 'node:fs';
import { readSource, type SourceResult } from '../core/source.js';
import type { ModuleFacts } from '../read/python/facts.js';

export class RunSession {
  /** Unsaved editor buffers, by absolute path: read instead of the file. */
  readonly overlays = new Map<string, string>();
  private readonly sources = new Map<string, { size: number; mtimeMs: number; source: SourceResult }>();
  private facts = new Map<string, ModuleFacts>();
  private usedFacts = new Set<string>();
  private discovered?: { key: string; files: Promise<unknown> };

  /**
   * The files of the project, found once and kept until `filesChanged()` (a file created,
   * deleted or renamed) or until the paths or the configuration change.
   */
  discovery<T>(key: string, find: () => Promise<T>): Promise<T> {
    if (this.discovered?.key !== key) {
      const files = find();
      this.discovered = { key, files };
      // A failed discovery (a folder removed meanwhile) is not kept.
      files.catch(() => {
        if (this.discovered?.files === files) this.discovered = undefined;
      });
    }
    return this.discovered.files as Promise<T>;
  }

  /** Files were created, deleted or renamed: find them again on the next run. */
  filesChanged(): void {
    this.discovered = undefined;
  }

  /** A file's text: the editor's buffer, the text read before when the file has not changed, or the file read now. */
  async read(file: string): Promise<SourceResult> {
    const overlay = this.overlays.get(file);
    if (overlay !== undefined) return { ok: true, text: overlay, notices: [] };
    let stat: { size: number; mtimeMs: number; isFile(): boolean };
    try {
      stat = await fs.stat(file);
    } catch {
      this.sources.delete(file);
      return readSource(file);
    }
    const known = this.sources.get(file);
    if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) return known.source;
    const source = await readSource(file);
    if (stat.isFile()) this.sources.set(file, { size: stat.size, mtimeMs: stat.mtimeMs, source });
    return source;
  }

  factsFor(key: string): ModuleFacts | undefined {
    const found = this.facts.get(key);
    if (found) this.usedFacts.add(key);
    return found;
  }

  keepFacts(key: string, facts: ModuleFacts): void {
    this.facts.set(key, facts);
    this.usedFacts.add(key);
  }

  /** After a run: forget the facts of contents no file has any more (edits would otherwise pile up). */
  endRun(): void {
    if (this.facts.size > 2 * this.usedFacts.size + 64) {
      const kept = new Map<string, ModuleFacts>();
      for (const key of this.usedFacts) {
        const facts = this.facts.get(key);
        if (facts) kept.set(key, facts);
      }
      this.facts = kept;
    }
    this.usedFacts = new Set();
  }
}
