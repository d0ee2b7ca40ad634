import { TeardownAction } from './teardown';
import { parseProjectVersionArn, PROJECT_VERSION_ARN_FORM } from '../../src/project-version-arn';

/** The resource's properties, as the construct writes them (CloudFormation sends numbers as strings). */
export interface LifecycleProperties {
  readonly projectVersionArn: string;
  readonly action: TeardownAction;
  readonly maxWaitMs: number;
}

/** Bounds on MaxWaitSeconds, in seconds. The construct asks for at least a minute; the handler takes any positive wait (end-to-end tests use seconds). */
const MIN_MAX_WAIT_SECONDS = 1;
const MAX_MAX_WAIT_SECONDS = 3540;
const DEFAULT_MAX_WAIT_SECONDS = 1800;

/** Reads and checks the properties; a string says what is wrong, for a FAILED reason. */
export function readProperties(properties: Record<string, unknown> | undefined): LifecycleProperties | string {
  const arn = properties?.ProjectVersionArn;
  if (!parseProjectVersionArn(arn)) {
    return `ProjectVersionArn must be a Rekognition Custom Labels model version ARN of the form ${PROJECT_VERSION_ARN_FORM}; got '${String(arn).slice(0, 300)}'.`;
  }
  const action = properties?.TeardownAction ?? 'DELETE';
  if (action !== 'DELETE' && action !== 'STOP') {
    return `TeardownAction must be DELETE or STOP; got '${String(action).slice(0, 100)}'.`;
  }
  const rawMaxWait = properties?.MaxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
  const maxWaitSeconds = Number(rawMaxWait);
  if (!Number.isFinite(maxWaitSeconds)
    || maxWaitSeconds < MIN_MAX_WAIT_SECONDS
    || maxWaitSeconds > MAX_MAX_WAIT_SECONDS) {
    return `MaxWaitSeconds must be a number from ${MIN_MAX_WAIT_SECONDS} to ${MAX_MAX_WAIT_SECONDS}; got '${String(rawMaxWait).slice(0, 100)}'.`;
  }
  return { projectVersionArn: arn as string, action, maxWaitMs: maxWaitSeconds * 1000 };
}
