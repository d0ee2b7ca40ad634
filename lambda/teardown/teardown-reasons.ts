import { ModelVersion } from './properties';

/**
 * The one sentence CloudFormation shows a person when a teardown fails: the model, the last state
 * seen, and what to do. Kept short so that the whole response stays under 4096 bytes.
 */

const MAX_SERVICE_MESSAGE = 200;

/** "1h 2m 3s", "14m 0s", "7s". */
export function humanDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h ${m}m ${s}s` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

const STATE_ADVICE: Record<string, string> = {
  TRAINING_IN_PROGRESS: 'wait for training to finish, then delete the stack again',
  COPYING_IN_PROGRESS: 'wait for the copy to finish, then delete the stack again',
  STARTING: 'stop the model once it has started (StopProjectVersion), then delete the stack again',
  RUNNING: 'stop the model (StopProjectVersion), then delete the stack again',
  STOPPING: 'wait for it to stop, then delete the stack again',
  DELETING: 'wait until it is gone, then delete the stack again',
};

function describeState(state: string): string {
  if (state === 'BUSY') {
    return 'in use (running, starting, stopping, training, copying or deleting)';
  }
  return state === 'UNKNOWN' ? 'not answering (throttled or unavailable)' : state;
}

/** The overall wait ran out. */
export function timeoutReason(model: ModelVersion, state: string, elapsedMs: number): string {
  const advice = STATE_ADVICE[state]
    ?? 'check it with DescribeProjectVersions, then delete the stack again (or raise maxWait)';
  return `Model ${model.name} was still ${describeState(state)} after ${humanDuration(elapsedMs)}, the longest wait allowed (maxWait); ${advice}.`;
}

/** Rekognition refused a call in a way that waiting will not change. */
export function failureReason(
  model: ModelVersion,
  operation: string,
  answer: { error: string; message: string },
): string {
  const said = `${answer.error}: ${answer.message.slice(0, MAX_SERVICE_MESSAGE)}`;
  const name = model.name;
  if (answer.error === 'AccessDeniedException') {
    return `Rekognition denied ${operation} on model ${name} (${said}); allow rekognition:${operation} on the model for the teardown role (check SCPs and permission boundaries), then delete the stack again.`;
  }
  return `Rekognition refused ${operation} on model ${name} (${said}); check the model in the Rekognition console, then delete the stack again.`;
}
