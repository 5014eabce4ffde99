// What makes an engine object the tests': the label io.sdocker.test=RUN on what a test creates
// with docker itself, and this run's id in the name of everything else (containers sdocker or
// compose create under a name from `uniqueName`, compose projects and swarm stacks named by it,
// and their networks and volumes). The id is shared by every worker of one `npm test`
// (test/run.ts passes it in SDOCKER_TEST_RUN), so its wrapper removes what the run left, and
// only that: runs from other worktrees on the same engine have other ids.
import { randomBytes } from 'node:crypto';

export const TEST_LABEL = 'io.sdocker.test';

/** `t` and 8 hex digits: short enough for names, and in no name a test did not make. */
export function freshRunId(): string {
  return `t${randomBytes(4).toString('hex')}`;
}

function runIdFromEnv(): string {
  const given = process.env['SDOCKER_TEST_RUN'];
  if (given !== undefined && /^t[0-9a-f]{8}$/.test(given)) return given;
  const id = freshRunId();
  // Children (sdocker, docker-compose) and later helpers of this worker see the same id.
  process.env['SDOCKER_TEST_RUN'] = id;
  return id;
}

export const RUN_ID = runIdFromEnv();

/** The label every object a test creates with docker carries: `io.sdocker.test=RUN`. */
export const LABEL = `${TEST_LABEL}=${RUN_ID}`;

/** `--label io.sdocker.test=RUN`, for docker run/create/build and network/volume create. */
export const LABEL_ARGS: readonly string[] = ['--label', LABEL];

// This worker's part of a name: two workers of one run never hand out the same name.
const WORKER = randomBytes(3).toString('hex');
let count = 0;

/** `PREFIX-RUN-WORKER-N`: unique on the engine, and recognisably this run's. */
export function uniqueName(prefix = 'sdtest'): string {
  count += 1;
  return `${prefix}-${RUN_ID}-${WORKER}-${count.toString(36)}`;
}
