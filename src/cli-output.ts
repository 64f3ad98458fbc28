/** `--output FILE`: checked before the analysis, written after it; problems are one line and exit 2. */

import { accessSync, constants as fsConstants, existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A problem with a path the user gave that is not about usage: one line, exit 2. */
export class OutputError extends Error {}

/**
 * `--output FILE`, checked before the analysis: a directory, a missing directory or one that
 * cannot be written stops the run before any work is done.
 */
export function outputPath(given: string, cwd: string): string {
  if (given === '') throw new OutputError('--output needs a file name');
  const file = path.resolve(cwd, given);
  const isDirectory = (p: string): boolean => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  if (/[\\/]$/.test(given) || isDirectory(file)) {
    throw new OutputError(`--output ${given}: is a directory; name a file, e.g. --output ${path.join(given, 'report.json')}`);
  }
  const dir = path.dirname(file);
  if (!existsSync(dir)) throw new OutputError(`--output ${given}: directory ${path.dirname(given)} does not exist`);
  if (!isDirectory(dir)) throw new OutputError(`--output ${given}: ${path.dirname(given)} is not a directory`);
  try {
    accessSync(existsSync(file) ? file : dir, fsConstants.W_OK);
  } catch {
    throw new OutputError(`--output ${given}: permission denied`);
  }
  return file;
}


/** Writes the report; a failure says which file and why. */
export async function writeReport(file: string, given: string, text: string): Promise<void> {
  try {
    await writeFile(file, text, 'utf8');
  } catch (error) {
    throw new OutputError(`--output ${given}: cannot write the report: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
