/**
 * What each status of a model version (ProjectVersionStatus in Rekognition's service model) means
 * for the teardown: the one place that says it, so the state machine, its reasons and the tests
 * agree.
 */

/** How the teardown treats a model in a status. */
export type StatusMeaning =
  /** It runs, or will run once it has started: it bills, and needs a Stop. */
  | 'mayRun'
  /** It is stopping: wait, then Delete. */
  | 'stopping'
  /** Training or copying: Delete refuses it as in use until that ends by itself; wait. */
  | 'busy'
  /** It neither runs nor moves on by itself: Delete is accepted. */
  | 'settled'
  /** It is being deleted: wait until it is gone. */
  | 'deleting';

/** Every status Rekognition defines, with its meaning (test/handler/model-status.test.ts checks the list against the SDK's enum). */
export const STATUS_MEANINGS: Readonly<Record<string, StatusMeaning>> = {
  RUNNING: 'mayRun',
  STARTING: 'mayRun',
  STOPPING: 'stopping',
  TRAINING_IN_PROGRESS: 'busy',
  COPYING_IN_PROGRESS: 'busy',
  STOPPED: 'settled',
  TRAINING_COMPLETED: 'settled',
  TRAINING_FAILED: 'settled',
  FAILED: 'settled',
  COPYING_COMPLETED: 'settled',
  COPYING_FAILED: 'settled',
  DEPRECATED: 'settled',
  EXPIRED: 'settled',
  DELETING: 'deleting',
};

/** Whether a model in `status` may run (or start running) and so needs a Stop. */
export function mayRun(status: string): boolean {
  return STATUS_MEANINGS[status] === 'mayRun';
}

/** Whether a model in `status` is stopping: after it, Delete is accepted. */
export function isStopping(status: string): boolean {
  return STATUS_MEANINGS[status] === 'stopping';
}

/**
 * Whether a model in `status` neither runs nor moves on by itself, so Delete would be accepted: a
 * Delete refused after Stop saw such a status means something started the model since (a
 * scheduled start sent before the teardown began).
 */
export function isSettled(status: string): boolean {
  return STATUS_MEANINGS[status] === 'settled';
}
