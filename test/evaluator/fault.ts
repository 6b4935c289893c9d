/**
 * Tests only: the fork server's child setup made to fail on purpose (test/python/fault/sitecustomize.py,
 * loaded through GraderOptions.serverEnv), so that the setup_failed → retry → infra_error path runs
 * for real. The production harness knows nothing of it.
 */
import { fileURLToPath } from 'node:url';
import type { GraderOptions } from '@passk/evaluator';

const FAULT_DIR = fileURLToPath(new URL('../python/fault', import.meta.url));
const HARNESS_DIR = fileURLToPath(new URL('../../packages/evaluator/python', import.meta.url));

/**
 * Grader options under which the child's RLIMIT_AS call fails (soft above hard: EINVAL, "ValueError:
 * current limit exceeds maximum limit"): `true` for every execution, a string for the executions
 * whose program contains it.
 */
export function childSetupFault(when: true | string): Pick<GraderOptions, 'serverEnv'> {
  return { serverEnv: { PYTHONPATH: `${FAULT_DIR}:${HARNESS_DIR}`, PASSK_FAULT_CHILD_SETUP: when === true ? 'always' : `if:${when}` } };
}
