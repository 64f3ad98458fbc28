/**
 * A bounded fuzz run in the suite (the long one is `npm run fuzz`), and every mutant the fuzzer
 * ever saved under test/fuzz-regressions/ re-checked.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProject, fuzz } from '../src/tools/fuzz.js';

const REGRESSIONS = path.join(import.meta.dirname, 'fuzz-regressions');

describe('fuzzing', () => {
  it('120 mutants of the fixtures: no crash, no rule exception, valid JSON and SARIF', async () => {
    const result = await fuzz({ count: 120, seconds: 90, seed: 20261125 });
    expect(result.failures).toEqual([]);
    expect(result.mutants).toBeGreaterThan(0);
  }, 120_000);

  const saved = existsSync(REGRESSIONS) ? readdirSync(REGRESSIONS).sort() : [];
  it.runIf(saved.length > 0).each(saved)('saved mutant %s', async (name) => {
    expect(await checkProject(path.join(REGRESSIONS, name))).toBeUndefined();
  });
});
