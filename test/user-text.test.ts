/**
 * What users read: rule documentation (`explain`, docs/, SARIF help), the README and the docs
 * folder cite the field reports by name and never by internal file names.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIELD_REPORTS } from '../src/core/field-reports.js';
import { ruleMarkdown } from '../src/core/rule-docs.js';
import { ALL_DIAGNOSTIC_SOURCES, RULES } from '../src/rules/index.js';
import { filesUnder } from '../src/tools/files.js';

const ROOT = path.join(import.meta.dirname, '..');
const INTERNAL = [/\bseed\s*0\d\d\b/i, /\bseeds\//i, /\bseed (report|file)/i, /design notes/i, /import-costs\.md in/i];

function internalNames(text: string): string[] {
  return INTERNAL.filter((re) => re.test(text)).map(String);
}

describe('text users read', () => {
  it.each(ALL_DIAGNOSTIC_SOURCES.map((r) => [r.code, r] as const))('%s documentation names its sources and no internal file', (_code, rule) => {
    const page = ruleMarkdown(rule);
    expect(internalNames(page)).toEqual([]);
    for (const key of rule.docs.sources ?? []) {
      expect(page).toContain(FIELD_REPORTS[key].citation);
    }
  });

  it('every rule cites at least one field report, and each cited report is named in its prose', () => {
    for (const rule of RULES) {
      expect(rule.docs.sources?.length, rule.code).toBeGreaterThan(0);
      const prose = `${rule.docs.why}\n${rule.docs.fix}`;
      for (const key of rule.docs.sources ?? []) {
        const short = FIELD_REPORTS[key].short.replace(/^the /, '');
        const named = prose.toLowerCase().includes(short.toLowerCase()) || prose.includes(short.split(' (')[0]);
        expect(named, `${rule.code} lists ${key} but its text does not name "${FIELD_REPORTS[key].short}"`).toBe(true);
      }
    }
  });

  it('README and docs/ never use internal names', () => {
    const files = [path.join(ROOT, 'README.md'), ...filesUnder(path.join(ROOT, 'docs'))];
    for (const file of files) {
      expect(internalNames(readFileSync(file, 'utf8')), path.relative(ROOT, file)).toEqual([]);
    }
  });

  it('the import cost figures are shipped as a docs page that says how they were measured', () => {
    const page = readFileSync(path.join(ROOT, 'docs', 'import-costs.md'), 'utf8');
    expect(page).toMatch(/CPython 3\.11/);
    expect(page).toMatch(/-X importtime/);
    expect(page).toMatch(/\| torch \| 884 ms/);
  });
});
