/**
 * The rule registry: the only place that lists rules. Adding a rule = its file, its fixture
 * folder under test/fixtures/, and one line here.
 */

import type { AnyRule } from '../engine/rule.js';
import { UNUSED_SUPPRESSION } from '../engine/suppressions.js';
import { rule as PP101 } from './PP101-blocking-call-in-async.js';

export const RULES: readonly AnyRule[] = [PP101];

/** Every diagnostic code the tool can emit: the rules plus the engine's own PP001. */
export const ALL_DIAGNOSTIC_SOURCES: readonly AnyRule[] = [UNUSED_SUPPRESSION, ...RULES];
