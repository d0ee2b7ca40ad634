/**
 * Request validation: the length, pattern and range constraints of the Rekognition service model,
 * with the wording of AWS's validation messages. Each validator returns the typed input or throws.
 */
import { ServiceError } from './errors';
import { ValidationErrorName } from './types';

/** ProjectVersionArn, exactly as the API reference gives it. */
export const PROJECT_VERSION_ARN_PATTERN =
  /(^arn:[a-z\d-]+:rekognition:[a-z\d-]+:\d{12}:project\/[a-zA-Z0-9_.\-]{1,255}\/version\/[a-zA-Z0-9_.\-]{1,255}\/[0-9]+$)/;
/** TagKey: letters, separators, digits and `_.:/=+-@`, not starting with the reserved `aws:`. */
export const TAG_KEY_PATTERN = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** TagValue: the same characters as a key, empty allowed, `aws:` too. */
export const TAG_VALUE_PATTERN = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;

const ARN_MIN = 20;
const ARN_MAX = 2048;
const TAG_KEY_MIN = 1;
const TAG_KEY_MAX = 128;
const TAG_VALUE_MAX = 256;
/** TagMap and TagKeyList: entries in one request (the 50 a model may hold is a service quota, see models.ts). */
const TAGS_PER_REQUEST_MAX = 200;

/** The parts of a model version ARN that matter to the simulator. */
export interface VersionArnParts {
  readonly region: string;
  /** `arn:<partition>:rekognition:<region>:<account>:project/<name>`: what a project ARN starts with. */
  readonly projectKey: string;
  readonly projectName: string;
  readonly versionName: string;
}

/** Splits a version ARN that already matched the pattern. */
export function versionArnParts(arn: string): VersionArnParts {
  const [, , , region] = arn.split(':');
  const projectKey = arn.slice(0, arn.indexOf('/version/'));
  const [, projectName, , versionName] = arn.slice(arn.indexOf(':project/') + 1).split('/');
  return { region, projectKey, projectName, versionName };
}

/** Collects constraint violations and throws them the way AWS reports them: all at once, counted. */
class Violations {
  readonly messages: string[] = [];

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

/**
 * The constraints a string breaks, in AWS's wording. Lengths count code points, as Smithy's length
 * trait does, so a letter outside the Basic Multilingual Plane counts once.
 */
function stringFailures(value: string, min: number, max: number, pattern?: RegExp): string[] {
  const length = [...value].length;
  const failures: string[] = [];
  if (length < min) failures.push(`Member must have length greater than or equal to ${min}`);
  if (length > max) failures.push(`Member must have length less than or equal to ${max}`);
  if (pattern && !pattern.test(value)) failures.push(`Member must satisfy regular expression pattern: ${pattern.source}`);
  return failures;
}

/** Checks a required ARN member: present, a string, within length, matching its pattern if the model gives one. */
function checkArn(v: Violations, value: unknown, member: string, pattern?: RegExp): void {
  if (value === undefined || value === null) {
    v.add(value, member, 'Member must not be null');
    return;
  }
  if (typeof value !== 'string') {
    v.add(value, member, 'Member must be a string');
    return;
  }
  for (const failure of stringFailures(value, ARN_MIN, ARN_MAX, pattern)) {
    v.add(value, member, failure);
  }
}

/**
 * Checks a required TagMap member: a map of at most 200 entries, each key a TagKey and each value
 * a TagValue. AWS prints the whole map before a key or value constraint; this names the offending
 * entry instead, which says the same and stays short.
 */
function checkTagMap(v: Violations, value: unknown, member: string): void {
  if (value === undefined || value === null) {
    v.add(value, member, 'Member must not be null');
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    v.add(value, member, 'Member must be a map');
    return;
  }
  const entries = Object.entries(value);
  if (entries.length > TAGS_PER_REQUEST_MAX) {
    v.add(value, member, `Member must have length less than or equal to ${TAGS_PER_REQUEST_MAX}`);
  }
  for (const [key, tagValue] of entries) {
    const entry = `{${key}=${typeof tagValue === 'string' ? tagValue : JSON.stringify(tagValue)}}`;
    const keyFailures = stringFailures(key, TAG_KEY_MIN, TAG_KEY_MAX, TAG_KEY_PATTERN);
    if (keyFailures.length > 0) {
      v.add(entry, member, `Map keys must satisfy constraint: [${keyFailures.join(', ')}]`);
    }
    const valueFailures = tagValue === undefined || tagValue === null ? ['Member must not be null']
      : typeof tagValue !== 'string' ? ['Member must be a string']
        : stringFailures(tagValue, 0, TAG_VALUE_MAX, TAG_VALUE_PATTERN);
    if (valueFailures.length > 0) {
      v.add(entry, member, `Map value must satisfy constraint: [${valueFailures.join(', ')}]`);
    }
  }
}

/** Checks a required TagKeyList member: a list of at most 200 TagKeys. */
function checkTagKeyList(v: Violations, value: unknown, member: string): void {
  if (value === undefined || value === null) {
    v.add(value, member, 'Member must not be null');
    return;
  }
  if (!Array.isArray(value)) {
    v.add(value, member, 'Member must be a list');
    return;
  }
  if (value.length > TAGS_PER_REQUEST_MAX) {
    v.add(value, member, `Member must have length less than or equal to ${TAGS_PER_REQUEST_MAX}`);
  }
  value.forEach((key: unknown, i) => {
    const at = `${member}.${i + 1}.member`;
    if (key === undefined || key === null) {
      v.add(key, at, 'Member must not be null');
    } else if (typeof key !== 'string') {
      v.add(key, at, 'Member must be a string');
    } else {
      for (const failure of stringFailures(key, TAG_KEY_MIN, TAG_KEY_MAX, TAG_KEY_PATTERN)) v.add(key, at, failure);
    }
  });
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

/** Input of TagResource. */
export function validateTagResourceInput(
  body: Record<string, unknown>,
  errorName: ValidationErrorName,
): { arn: string; tags: Readonly<Record<string, string>> } {
  const v = new Violations();
  checkArn(v, body.ResourceArn, 'resourceArn');
  checkTagMap(v, body.Tags, 'tags');
  v.throwIfAny(errorName);
  return { arn: body.ResourceArn as string, tags: body.Tags as Record<string, string> };
}

/** Input of UntagResource. */
export function validateUntagResourceInput(
  body: Record<string, unknown>,
  errorName: ValidationErrorName,
): { arn: string; tagKeys: readonly string[] } {
  const v = new Violations();
  checkArn(v, body.ResourceArn, 'resourceArn');
  checkTagKeyList(v, body.TagKeys, 'tagKeys');
  v.throwIfAny(errorName);
  return { arn: body.ResourceArn as string, tagKeys: body.TagKeys as string[] };
}

/** Input of ListTagsForResource. */
export function validateListTagsInput(body: Record<string, unknown>, errorName: ValidationErrorName): { arn: string } {
  const v = new Violations();
  checkArn(v, body.ResourceArn, 'resourceArn');
  v.throwIfAny(errorName);
  return { arn: body.ResourceArn as string };
}

/** What is wrong with tags a test seeds a model with, as TagResource would word it; empty when nothing is. */
export function tagMapViolations(tags: unknown): string[] {
  const v = new Violations();
  checkTagMap(v, tags, 'tags');
  return v.messages;
}
