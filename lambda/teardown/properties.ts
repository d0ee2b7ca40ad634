import { propertyReasons } from './teardown-reasons';
import {
  CLAIM_TAG_KEY_PREFIX,
  MAX_WAIT_SECONDS,
  MODEL_RESOURCE_TYPE,
  ModelResourceProperties,
  OWN_STACK_ID_VARIABLE,
  parseProjectVersionArn,
  PROJECT_VERSION_ARN_FORM,
  stackNameOfStackId,
  TEARDOWN_ACTIONS,
  TEARDOWN_METRICS,
  TeardownActionName,
} from '../../src/teardown-contract';

/** The metrics' namespace, names and dimension, and the stack name in a stack id, as the construct reads them. */
export { TEARDOWN_METRICS, stackNameOfStackId };

/**
 * Reads the custom resource's properties and physical id through the contract shared with the
 * construct, and hands on parsed values: the one handler module that imports from src/.
 */

export { CLAIM_TAG_KEY_PREFIX, MODEL_RESOURCE_TYPE, OWN_STACK_ID_VARIABLE };

/** A model version, parsed from its ARN. */
export interface ModelVersion {
  readonly arn: string;
  readonly partition: string;
  /** The model's region, where its Rekognition endpoint is (not necessarily the function's). */
  readonly region: string;
  readonly account: string;
  /** `project/version`, for messages. */
  readonly name: string;
}

/** What to do with the model when its resource is deleted. */
export type TeardownAction = TeardownActionName;

/** The resource's properties, checked. */
export interface ModelProperties {
  readonly model: ModelVersion;
  readonly action: TeardownAction;
  readonly maxWaitMs: number;
  /** The logical id of the policy granting this model's teardown (absent in resources of older versions). */
  readonly teardownPolicyLogicalId?: string;
  /** Whether the resource records its claim on the model as a tag (false in resources of versions before claims). */
  readonly recordsClaim: boolean;
}

/** The model version named by `value`, or undefined when it is no model version ARN. */
export function readModelVersion(value: unknown): ModelVersion | undefined {
  const parts = parseProjectVersionArn(value);
  return parts && {
    arn: value as string,
    partition: parts.partition,
    region: parts.region,
    account: parts.account,
    name: `${parts.projectName}/${parts.versionName}`,
  };
}

/** Reads and checks the properties; a string says what is wrong, for a FAILED reason. */
export function readProperties(properties: Record<string, unknown> | undefined): ModelProperties | string {
  const raw = (properties ?? {}) as Partial<Record<keyof ModelResourceProperties, unknown>>;
  const model = readModelVersion(raw.ProjectVersionArn);
  if (!model) {
    return propertyReasons.arn(PROJECT_VERSION_ARN_FORM, raw.ProjectVersionArn);
  }
  const action = raw.TeardownAction ?? 'DELETE';
  if (!TEARDOWN_ACTIONS.includes(action as TeardownAction)) {
    return propertyReasons.action(TEARDOWN_ACTIONS, action);
  }
  const rawMaxWait = raw.MaxWaitSeconds ?? MAX_WAIT_SECONDS.default;
  const maxWaitSeconds = Number(rawMaxWait);
  if (!Number.isFinite(maxWaitSeconds)
    || maxWaitSeconds < MAX_WAIT_SECONDS.handlerMin
    || maxWaitSeconds > MAX_WAIT_SECONDS.max) {
    return propertyReasons.maxWait(MAX_WAIT_SECONDS.handlerMin, MAX_WAIT_SECONDS.max, rawMaxWait);
  }
  const policy = raw.TeardownPolicyLogicalId;
  return {
    model,
    action: action as TeardownAction,
    maxWaitMs: maxWaitSeconds * 1000,
    teardownPolicyLogicalId: typeof policy === 'string' && policy !== '' ? policy : undefined,
    recordsClaim: raw.RecordsClaim === 'true',
  };
}
