/**
 * The Rekognition Custom Labels model version ARN, as the StopProjectVersion and
 * DeleteProjectVersion references define it. Shared by the construct (synth-time checks)
 * and the handler (deploy-time checks of values that were tokens at synth).
 */

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
