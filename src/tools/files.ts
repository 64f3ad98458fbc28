import { readdirSync } from 'node:fs';
import path from 'node:path';

/** Every file below a directory, sorted (fixture projects, fuzz mutants). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out.sort();
}
