/**
 * The contract between the construct and its handler: the custom resource's type, its
 * properties, the teardown actions, the wait limits and the model version ARN. The construct
 * writes its properties through it; the handler reads them through it (lambda/teardown/
 * properties.ts, the one handler module allowed to import from src/). It imports nothing, so the
 * handler bundle takes nothing else from the construct library.
 */

/** The custom resource type: a permanent contract with users' stacks. */
export const MODEL_RESOURCE_TYPE = 'Custom::RekognitionCustomLabelsModel';

/** The teardown actions, as the construct's `ModelTeardownAction` enum writes them. */
export const TEARDOWN_ACTIONS = ['DELETE', 'STOP'] as const;
/** What to do with the model when its resource is deleted. */
export type TeardownActionName = typeof TEARDOWN_ACTIONS[number];

/** The custom resource's properties, as the construct writes them (CloudFormation sends numbers as strings). */
export interface ModelResourceProperties {
  /** The model version the resource owns. */
  readonly ProjectVersionArn: string;
  /** One of {@link TEARDOWN_ACTIONS}. */
  readonly TeardownAction: TeardownActionName;
  /** The longest wait for the model, in seconds, within {@link MAX_WAIT_SECONDS}. */
  readonly MaxWaitSeconds: number | string;
  /**
   * The logical id of the IAM policy that grants this model's teardown. It changes with a literal
   * ARN, so a new ARN gets a new policy and the old one outlives the old model's Delete in the
   * cleanup phase. When an Update changes the ARN but not this id (a token ARN), the old grant was
   * updated away in place, and the handler refuses the change rather than orphan the old model.
   */
  readonly TeardownPolicyLogicalId: string;
  /**
   * `'true'` when the resource records its claim on the model as a tag ({@link CLAIM_TAG_KEY_PREFIX}),
   * and its policy grants the tag actions. Absent in resources of versions before claims: their
   * Delete keeps the stack-only check, since their policy may not grant the tag actions yet.
   */
  readonly RecordsClaim?: 'true';
}

/**
 * Ownership claims on the model itself: each resource that adopts a model tags it with a key under
 * this prefix (unique to the resource's stack id and logical id) and a value naming both. A Delete
 * removes its own claim, then tears the model down only if no other claim is left. A permanent
 * contract with users (docs/ownership.md says how to list and release claims by hand).
 */
export const CLAIM_TAG_KEY_PREFIX = 'cdk-rekognition-model-lifecycle:claim:';

/**
 * The environment variable in which the construct gives the teardown function the id of the stack
 * it belongs to: events from any other stack are refused, and metrics name this stack.
 */
export const OWN_STACK_ID_VARIABLE = 'TEARDOWN_STACK_ID';

/**
 * Bounds on the teardown's longest wait, in seconds. CloudFormation waits at most an hour for a
 * custom resource; the construct sets the resource's ServiceTimeout to the wait plus a minute of
 * margin, so the handler's own answer comes first. The construct asks for at least a minute; the
 * handler takes any positive wait (end-to-end tests use seconds).
 */
export const MAX_WAIT_SECONDS = {
  constructMin: 60,
  handlerMin: 1,
  max: 3540,
  default: 1800,
  serviceTimeoutMargin: 60,
} as const;

/** Shortest ProjectVersionArn the Rekognition API accepts. */
export const PROJECT_VERSION_ARN_MIN_LENGTH = 20;
/** Longest ProjectVersionArn the Rekognition API accepts. */
export const PROJECT_VERSION_ARN_MAX_LENGTH = 2048;

const PROJECT_VERSION_ARN_PATTERN =
  /^arn:([a-z\d-]+):rekognition:([a-z\d-]+):(\d{12}):project\/([a-zA-Z0-9_.-]{1,255})\/version\/([a-zA-Z0-9_.-]{1,255})\/([0-9]+)$/;

/** The expected form, for error messages. */
export const PROJECT_VERSION_ARN_FORM =
  'arn:<partition>:rekognition:<region>:<12-digit account>:project/<project name>/version/<version name>/<number>, 20 to 2048 characters';

/** The parts of a model version ARN. */
export interface ProjectVersionArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly projectName: string;
  readonly versionName: string;
}

/** Parses a model version ARN; undefined when it is not one Rekognition would accept. */
export function parseProjectVersionArn(value: unknown): ProjectVersionArnParts | undefined {
  if (typeof value !== 'string'
    || value.length < PROJECT_VERSION_ARN_MIN_LENGTH
    || value.length > PROJECT_VERSION_ARN_MAX_LENGTH) {
    return undefined;
  }
  const match = PROJECT_VERSION_ARN_PATTERN.exec(value);
  if (!match) {
    return undefined;
  }
  const [, partition, region, account, projectName, versionName] = match;
  return { partition, region, account, projectName, versionName };
}

/**
 * The teardown's CloudWatch metrics: the handler writes them into its log in CloudWatch's
 * embedded metric format, and the construct's `metric*()` methods read them. Names are a
 * permanent contract with users' alarms: never rename them.
 */
export const TEARDOWN_METRICS = {
  /** The CloudWatch namespace of every teardown metric. */
  namespace: 'RekognitionCustomLabelsModelLifecycle',
  /** Deletes answered FAILED (1 per failed answer, 0 per successful one). */
  failures: 'TeardownFailures',
  /** Deletes that tore the model down (1 per teardown, once across hand-offs; 0 per failed Delete; nothing for a Delete that left the model). */
  teardowns: 'Teardowns',
  /** Milliseconds from CloudFormation's delete request to the successful answer, across hand-offs. */
  duration: 'TeardownDuration',
  /** The dimension: the name of the stack the teardown function belongs to (never taken from the event). */
  stackNameDimension: 'StackName',
} as const;

/** The stack name in a CloudFormation stack id (`arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>`); undefined when it is none. */
export function stackNameOfStackId(stackId: unknown): string | undefined {
  if (typeof stackId !== 'string') {
    return undefined;
  }
  const match = /^arn:[a-z\d-]+:cloudformation:[a-z\d-]+:\d{12}:stack\/([A-Za-z][A-Za-z0-9-]{0,127})\/.+$/.exec(stackId);
  return match?.[1];
}
