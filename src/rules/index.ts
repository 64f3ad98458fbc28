/**
 * The rule registry: the only place that lists rules. Adding a rule = its file, its fixture
 * folder under test/fixtures/, and one line here.
 */

import type { AnyRule } from './rule.js';
import { rule as UNUSED_SUPPRESSION } from './PP001-unused-suppression.js';
import { rule as PP101 } from './PP101-blocking-call-in-async.js';
import { rule as PP102 } from './PP102-http-client-per-request.js';
import { rule as PP103 } from './PP103-lru-cache-on-async.js';
import { rule as PP201 } from './PP201-heavy-import-in-router.js';
import { rule as PP202 } from './PP202-profiler-in-production.js';
import { rule as PP301 } from './PP301-gunicorn-without-uvicorn-worker.js';
import { rule as PP302 } from './PP302-server-keep-alive.js';
import { rule as PP303 } from './PP303-nginx-upstream-keep-alive.js';
import { rule as PP304 } from './PP304-pypy-without-gc-limit.js';
import { rule as PP305 } from './PP305-single-sync-worker.js';
import { rule as PP401 } from './PP401-lambda-init-in-handler.js';
import { rule as PP402 } from './PP402-multiprocessing-on-lambda.js';
import { rule as PP403 } from './PP403-boto3-bundled-in-lambda.js';
import { rule as PP501 } from './PP501-loguru-enqueue.js';

export const RULES: readonly AnyRule[] = [PP101, PP102, PP103, PP201, PP202, PP301, PP302, PP303, PP304, PP305, PP401, PP402, PP403, PP501];

/** Every diagnostic code the tool can emit: the rules on code plus PP001 on suppression comments. */
export const ALL_DIAGNOSTIC_SOURCES: readonly AnyRule[] = [UNUSED_SUPPRESSION, ...RULES];

/** What a check can run, in the order it runs them: the rules on code, then PP001 on the suppressions they leave. */
export const CHECK_RULES: readonly AnyRule[] = [...RULES, UNUSED_SUPPRESSION];
