/**
 * Which commit of which repository was analysed, read from the work tree's `.git` files (never by
 * running git): HEAD, the ref it points to (loose or packed), and the `origin` remote. SARIF
 * carries it as `versionControlProvenance`. Credentials embedded in a remote URL
 * (`https://x-access-token:…@github.com/…`, common in CI) are removed, never reported.
 */

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Provenance {
  /** Web address of the repository (https), without credentials. */
  repositoryUri?: string;
  /** The commit checked out. */
  revisionId?: string;
  /** The branch checked out, when HEAD is on one. */
  branch?: string;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The git directory of a work tree: `.git` itself, or where a `.git` file (worktree, submodule) points. */
function gitDir(workTree: string): string | undefined {
  const dotGit = path.join(workTree, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
  } catch {
    return undefined;
  }
  const m = /^gitdir:\s*(.+)$/m.exec(read(dotGit) ?? '');
  return m ? path.resolve(workTree, m[1].trim()) : undefined;
}

/** `git@github.com:o/r.git`, `ssh://git@host/o/r`, `https://user:token@host/o/r.git` → `https://host/o/r`. */
export function webUri(remote: string): string | undefined {
  const url = remote.trim();
  const scp = /^(?:[\w.-]+@)?([\w.-]+):(?!\/\/)(.+?)(?:\.git)?\/?$/.exec(url);
  if (scp && !/^[a-z][\w+.-]*:\/\//i.test(url)) return `https://${scp[1]}/${scp[2]}`;
  try {
    const parsed = new URL(url);
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(parsed.protocol)) return undefined;
    return `https://${parsed.hostname}${parsed.pathname.replace(/\.git\/?$/, '').replace(/\/$/, '')}`;
  } catch {
    return undefined;
  }
}

function originUrl(config: string): string | undefined {
  let inOrigin = false;
  for (const line of config.split(/\r?\n/)) {
    const section = /^\s*\[([^\]]+)\]/.exec(line);
    if (section) {
      inOrigin = /^remote\s+"origin"$/.test(section[1].trim());
      continue;
    }
    const m = inOrigin ? /^\s*url\s*=\s*(.+?)\s*$/.exec(line) : null;
    if (m) return m[1];
  }
  return undefined;
}

export function readProvenance(workTree: string): Provenance | undefined {
  const dir = gitDir(workTree);
  if (!dir) return undefined;
  // A linked worktree keeps HEAD in its own directory and refs/config in the common one.
  const common = path.resolve(dir, (read(path.join(dir, 'commondir')) ?? '.').trim());
  const head = read(path.join(dir, 'HEAD'))?.trim();
  if (!head) return undefined;
  const provenance: Provenance = {};
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (ref) {
    if (ref.startsWith('refs/heads/')) provenance.branch = ref.slice('refs/heads/'.length);
    let sha = read(path.join(dir, ref))?.trim() ?? read(path.join(common, ref))?.trim();
    if (!sha) {
      const packed = read(path.join(common, 'packed-refs')) ?? '';
      sha = packed.split('\n').find((l) => l.endsWith(` ${ref}`))?.split(' ')[0];
    }
    if (sha && /^[0-9a-f]{40,64}$/.test(sha)) provenance.revisionId = sha;
  } else if (/^[0-9a-f]{40,64}$/.test(head)) {
    provenance.revisionId = head;
  }
  const remote = originUrl(read(path.join(common, 'config')) ?? '');
  if (remote) provenance.repositoryUri = webUri(remote);
  return provenance;
}
