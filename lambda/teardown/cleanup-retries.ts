import { resourceDigest } from './claims';

/**
 * CloudFormation makes three attempts at a Delete that fails in an update's cleanup, then drops
 * the resource from the stack ("CloudFormation attempts to delete the old resource three times",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html). A teardown
 * that failed once (a model still training after maxWait) would fail the same way twice more, each
 * time after a whole wait. So a failed cleanup teardown marks the model with a tag of its own,
 * unique to the resource, saying when it failed, after which attempt and in what state it left
 * the model; a later attempt of the same cleanup Delete that finds a recent mark answers FAILED at
 * once, touching nothing, and is not counted again in the metrics. The third attempt removes the
 * mark. Each attempt is a new request (its RequestId may differ), so the mark lives on the model.
 */

/** The prefix of the mark's key: never a claim's (`…:claim:`), so claims never count it. */
export const CLEANUP_FAILURE_TAG_KEY_PREFIX = 'cdk-rekognition-model-lifecycle:cleanup-failed:';
/** CloudFormation's attempts at a failed cleanup Delete. */
export const CLEANUP_DELETE_ATTEMPTS = 3;
/**
 * A mark older than this is from another cleanup (three attempts of at most an hour each, the
 * longest CloudFormation waits for a custom resource): it is ignored.
 */
export const CLEANUP_FAILURE_MAX_AGE_MS = 3 * 3_600_000;

/** What an earlier attempt of a cleanup Delete recorded when it failed. */
export interface CleanupFailure {
  /** When the first attempt failed (epoch ms). */
  readonly failedAt: number;
  /** Which attempt recorded the mark last (the first is 1). */
  readonly attempt: number;
  /** The model's state as that attempt last saw it. */
  readonly state: string;
}

/** The mark's key for resource `logicalId` of stack `stackId` (1 to 128 characters, as Rekognition allows). */
export function cleanupFailureKey(stackId: string, logicalId: string): string {
  return `${CLEANUP_FAILURE_TAG_KEY_PREFIX}${resourceDigest(stackId, logicalId)}`;
}

/** The mark's value: `<failedAt> <attempt> <state>`. */
export function cleanupFailureValue(failure: CleanupFailure): string {
  return `${failure.failedAt} ${failure.attempt} ${failure.state}`;
}

/** The recent mark under `key` among the model's tags, if there is one and it reads well. */
export function readCleanupFailure(tags: Readonly<Record<string, string>> | undefined, key: string, now: number): CleanupFailure | undefined {
  const match = /^(\d{1,15}) ([1-9]) ([A-Z_]{1,40})$/.exec(tags?.[key] ?? '');
  if (!match) {
    return undefined;
  }
  const failure = { failedAt: Number(match[1]), attempt: Number(match[2]), state: match[3] };
  const age = now - failure.failedAt;
  return age >= 0 && age <= CLEANUP_FAILURE_MAX_AGE_MS ? failure : undefined;
}
