import { createHash } from 'crypto';
import { CLAIM_TAG_KEY_PREFIX } from './properties';

/**
 * Ownership claims on the model: one tag per resource that adopted it, so that stacks (and apps)
 * that name the same model see each other. A key is unique to the resource's stack id and logical
 * id, and within Rekognition's limits for tag keys (1 to 128 characters, never `aws:`); its value
 * names both for a person, within the 256 characters a value may have.
 */

/** The longest tag value Rekognition accepts. */
const MAX_VALUE_LENGTH = 256;

/** 32 hex characters unique to resource `logicalId` of stack `stackId`: what the resource's tag keys end with. */
export function resourceDigest(stackId: string, logicalId: string): string {
  return createHash('sha256').update(`${stackId}\n${logicalId}`).digest('hex').slice(0, 32);
}

/** The tag key of the claim of resource `logicalId` of stack `stackId`. */
export function claimKey(stackId: string, logicalId: string): string {
  return `${CLAIM_TAG_KEY_PREFIX}${resourceDigest(stackId, logicalId)}`;
}

/** The tag value of that claim: the logical id and the stack id, readable in the console. */
export function claimValue(stackId: string, logicalId: string): string {
  return `${logicalId} ${stackId}`.slice(0, MAX_VALUE_LENGTH);
}

/** The claims among `tags` other than `ownKey`'s, as their values (who holds them). */
export function otherClaims(tags: Readonly<Record<string, string>>, ownKey: string): string[] {
  return Object.entries(tags)
    .filter(([key]) => key.startsWith(CLAIM_TAG_KEY_PREFIX) && key !== ownKey)
    .map(([, value]) => value);
}
