/** Who we are, for reports and the editor server: name, version, where each rule's documentation lives. */

import { createRequire } from 'node:module';
import { ruleDocPath } from './core/rule-docs.js';
import type { ToolInfo } from './reporters/report.js';

const require = createRequire(import.meta.url);
const PACKAGE = require('../package.json') as { version: string; homepage?: string; repository?: { url?: string } };
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
