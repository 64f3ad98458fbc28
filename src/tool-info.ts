/** Who we are, for reports and the editor server: name, version, where each rule's documentation lives. */

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ruleDocPath } from './core/rule-docs.js';
import type { ToolInfo } from './reporters/report.js';

/** This package's package.json: the nearest one above this file (compiled to dist/, or bundled one level deeper). */
function ownPackage(): { version: string; homepage?: string; repository?: { url?: string } } {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
    if (path.dirname(dir) === dir) throw new Error('pylint-perf: its package.json is missing');
  }
}

const PACKAGE = ownPackage();
export const VERSION: string = PACKAGE.version;

/** The repository's web address (`git+https://github.com/o/r.git` → `https://github.com/o/r`). */
const REPOSITORY = PACKAGE.repository?.url?.replace(/^git\+/, '').replace(/\.git$/, '');

export const TOOL: ToolInfo = {
  name: 'pylint-perf',
  version: VERSION,
  informationUri: PACKAGE.homepage ?? REPOSITORY,
  // Pinned to the release tag, so the page matches the rule that produced the finding.
  ruleHelpUri: REPOSITORY ? (rule) => `${REPOSITORY}/blob/v${VERSION}/${ruleDocPath(rule)}` : undefined,
};
