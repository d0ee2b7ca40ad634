/**
 * Request validation: the length, pattern and range constraints of the Rekognition service model,
 * with the wording of AWS's validation messages. Each validator returns the typed input or throws.
 */
import { ServiceError } from './errors';
import { ValidationErrorName } from './types';

/** ProjectVersionArn, exactly as the API reference gives it (as is the project pattern below). */
export const PROJECT_VERSION_ARN_PATTERN =
  /(^arn:[a-z\d-]+:rekognition:[a-z\d-]+:\d{12}:project\/[a-zA-Z0-9_.\-]{1,255}\/version\/[a-zA-Z0-9_.\-]{1,255}\/[0-9]+$)/;
/** ProjectArn (DescribeProjectVersions). */
export const PROJECT_ARN_PATTERN = /(^arn:[a-z\d-]+:rekognition:[a-z\d-]+:\d{12}:project\/[a-zA-Z0-9_.\-]{1,255}\/[0-9]+$)/;
const VERSION_NAME_PATTERN = /^[a-zA-Z0-9_.\-]+$/;

const ARN_MIN = 20;
const ARN_MAX = 2048;
const NEXT_TOKEN_MAX = 1024;
const MAX_VERSION_NAMES = 10;

/** The parts of a model version ARN that matter to the simulator. */
export interface VersionArnParts {
  readonly region: string;
  /** `arn:<partition>:rekognition:<region>:<account>:project/<name>`: what a project ARN starts with. */
  readonly projectKey: string;
  readonly projectName: string;
  readonly versionName: string;
}

/** The parts of a project ARN that matter to the simulator. */
export interface ProjectArnParts {
  readonly region: string;
  readonly projectKey: string;
  /** The trailing creation number. */
  readonly number: string;
}

/** Splits a version ARN that already matched the pattern. */
export function versionArnParts(arn: string): VersionArnParts {
  const [, , , region] = arn.split(':');
  const projectKey = arn.slice(0, arn.indexOf('/version/'));
  const [, projectName, , versionName] = arn.slice(arn.indexOf(':project/') + 1).split('/');
  return { region, projectKey, projectName, versionName };
}

/** Splits a project ARN that already matched the pattern. */
export function projectArnParts(arn: string): ProjectArnParts {
  const [, , , region] = arn.split(':');
  const slash = arn.lastIndexOf('/');
  return { region, projectKey: arn.slice(0, slash), number: arn.slice(slash + 1) };
}

/** Collects constraint violations and throws them the way AWS reports them: all at once, counted. */
class Violations {
  private readonly messages: string[] = [];

  add(value: unknown, member: string, constraint: string): void {
    this.messages.push(`Value ${describe(value)} at '${member}' failed to satisfy constraint: ${constraint}`);
  }

  throwIfAny(errorName: ValidationErrorName): void {
    const n = this.messages.length;
    if (n > 0) {
      throw new ServiceError(errorName, `${n} validation error${n > 1 ? 's' : ''} detected: ${this.messages.join('; ')}`);
    }
  }
}

function describe(value: unknown): string {
  return value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
}

/** Checks a required ARN member: present, a string, within length, matching its pattern. */
function checkArn(v: Violations, value: unknown, member: string, pattern: RegExp): void {
  if (value === undefined || value === null) {
    v.add(value, member, 'Member must not be null');
    return;
  }
  if (typeof value !== 'string') {
    v.add(value, member, 'Member must be a string');
    return;
  }
  if (value.length < ARN_MIN) {
    v.add(value, member, `Member must have length greater than or equal to ${ARN_MIN}`);
  }
  if (value.length > ARN_MAX) {
    v.add(value, member, `Member must have length less than or equal to ${ARN_MAX}`);
  }
  if (!pattern.test(value)) {
    v.add(value, member, `Member must satisfy regular expression pattern: ${pattern.source}`);
  }
}

/** Checks an integer member with a lower (and optional upper) bound. */
function checkInteger(v: Violations, value: unknown, member: string, min: number, max?: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    v.add(value, member, 'Member must be an integer');
    return;
  }
  if (value < min) {
    v.add(value, member, `Member must have value greater than or equal to ${min}`);
  }
  if (max !== undefined && value > max) {
    v.add(value, member, `Member must have value less than or equal to ${max}`);
  }
}

/** Input of StopProjectVersion and DeleteProjectVersion. */
export function validateVersionArnInput(body: Record<string, unknown>, errorName: ValidationErrorName): { arn: string } {
  const v = new Violations();
  checkArn(v, body.ProjectVersionArn, 'projectVersionArn', PROJECT_VERSION_ARN_PATTERN);
  v.throwIfAny(errorName);
  return { arn: body.ProjectVersionArn as string };
}

/** Input of StartProjectVersion. */
export function validateStartInput(
  body: Record<string, unknown>,
  errorName: ValidationErrorName,
): { arn: string; minInferenceUnits: number; maxInferenceUnits?: number } {
  const v = new Violations();
  checkArn(v, body.ProjectVersionArn, 'projectVersionArn', PROJECT_VERSION_ARN_PATTERN);
  if (body.MinInferenceUnits === undefined || body.MinInferenceUnits === null) {
    v.add(body.MinInferenceUnits, 'minInferenceUnits', 'Member must not be null');
  } else {
    checkInteger(v, body.MinInferenceUnits, 'minInferenceUnits', 1);
  }
  if (body.MaxInferenceUnits !== undefined && body.MaxInferenceUnits !== null) {
    checkInteger(v, body.MaxInferenceUnits, 'maxInferenceUnits', 1);
  }
  v.throwIfAny(errorName);
  const min = body.MinInferenceUnits as number;
  const max = body.MaxInferenceUnits as number | undefined;
  // Not a model constraint but a service rule, hence a Rekognition error rather than a validation one.
  if (max !== undefined && max !== null && max < min) {
    throw new ServiceError('InvalidParameterException', 'MaxInferenceUnits must be greater than or equal to MinInferenceUnits.');
  }
  return { arn: body.ProjectVersionArn as string, minInferenceUnits: min, maxInferenceUnits: max ?? undefined };
}

/** Input of DescribeProjectVersions. */
export function validateDescribeInput(
  body: Record<string, unknown>,
  errorName: ValidationErrorName,
): { projectArn: string; versionNames?: string[]; nextToken?: string; maxResults: number } {
  const v = new Violations();
  checkArn(v, body.ProjectArn, 'projectArn', PROJECT_ARN_PATTERN);
  const names = body.VersionNames;
  if (names !== undefined && names !== null) {
    if (!Array.isArray(names)) {
      v.add(names, 'versionNames', 'Member must be a list');
    } else {
      if (names.length < 1 || names.length > MAX_VERSION_NAMES) {
        v.add(names, 'versionNames', `Member must have length less than or equal to ${MAX_VERSION_NAMES} and greater than or equal to 1`);
      }
      names.forEach((name, i) => {
        if (typeof name !== 'string' || name.length < 1 || name.length > 255 || !VERSION_NAME_PATTERN.test(name)) {
          v.add(name, `versionNames.${i + 1}.member`, `Member must satisfy regular expression pattern: ${VERSION_NAME_PATTERN.source} and have length between 1 and 255`);
        }
      });
    }
  }
  const token = body.NextToken;
  if (token !== undefined && token !== null && (typeof token !== 'string' || token.length > NEXT_TOKEN_MAX)) {
    v.add(token, 'nextToken', `Member must have length less than or equal to ${NEXT_TOKEN_MAX}`);
  }
  if (body.MaxResults !== undefined && body.MaxResults !== null) {
    checkInteger(v, body.MaxResults, 'maxResults', 1, 100);
  }
  v.throwIfAny(errorName);
  return {
    projectArn: body.ProjectArn as string,
    versionNames: (names ?? undefined) as string[] | undefined,
    nextToken: (token ?? undefined) as string | undefined,
    maxResults: (body.MaxResults ?? 100) as number,
  };
}
