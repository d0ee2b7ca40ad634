import { execFile } from 'child_process';
import { promisify } from 'util';
import {
  DeleteProjectVersionCommand,
  ListTagsForResourceCommand,
  RekognitionClient,
  RekognitionServiceException,
  ServiceQuotaExceededException,
  StopProjectVersionCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-rekognition';
import { LocalIam } from '../../local/iam';
import { DEFAULT_DURATIONS, MODEL_STATUSES, RekognitionSimulator, TAG_KEY_PATTERN, TAG_VALUE_PATTERN, TAGS_PER_MODEL_MAX } from '../../local/rekognition';

/**
 * TagResource, UntagResource and ListTagsForResource on Custom Labels model versions, through the
 * real `@aws-sdk/client-rekognition` (and once through the AWS CLI v1): the constraints of the
 * service model, the quota of 50 tags per model, regions, IAM, fault injection and call records.
 */

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
/** Long enough that no timed transition happens during a test that does not wait for one. */
const FOREVER = 60_000;

function versionArn(version = 'v1', region = REGION): string {
  return `arn:aws:rekognition:${region}:${ACCOUNT}:project/proj/version/${version}/1700000000000`;
}
const ARN = versionArn();

let sim: RekognitionSimulator;
const clients: RekognitionClient[] = [];

function client(region = REGION, credentials = { accessKeyId: 'AKID', secretAccessKey: 'x' }): RekognitionClient {
  const c = new RekognitionClient({ endpoint: sim.endpoint, region, credentials, maxAttempts: 1 });
  clients.push(c);
  return c;
}

/** What a call answered, flattened so one toEqual covers success and failure. */
interface Answer {
  readonly httpStatus?: number;
  /** The output without `$metadata`. */
  readonly output?: object;
  readonly error?: string;
  readonly message?: string;
}

async function answer(call: Promise<{ $metadata: { httpStatusCode?: number } }>): Promise<Answer> {
  try {
    const { $metadata, ...output } = await call;
    return { httpStatus: $metadata.httpStatusCode, output };
  } catch (err) {
    const error = err as RekognitionServiceException;
    return { httpStatus: error.$metadata?.httpStatusCode, error: error.name, message: error.message };
  }
}

const tag = (arn: string, tags: Record<string, string>, c = client()) =>
  answer(c.send(new TagResourceCommand({ ResourceArn: arn, Tags: tags })));
const untag = (arn: string, keys: string[], c = client()) =>
  answer(c.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: keys })));
const list = (arn: string, c = client()) =>
  answer(c.send(new ListTagsForResourceCommand({ ResourceArn: arn })));

const OK = { httpStatus: 200, output: {} };
const listed = (tags: Record<string, string>) => ({ httpStatus: 200, output: { Tags: tags } });
const refused = (error: string, message?: RegExp) => ({
  httpStatus: error === 'ThrottlingException' || error === 'InternalServerError' ? 500 : 400,
  error,
  message: message ? expect.stringMatching(message) : expect.any(String),
});

/** `count` tags `prefix0`..., all with the value `v`. */
function manyTags(count: number, prefix = 'k'): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, 'v']));
}

/** A raw signed request, for bodies the SDK would never send. */
async function post(operation: string, body: object): Promise<{ status: number; json: any }> {
  const res = await fetch(sim.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `RekognitionService.${operation}`,
      'x-amz-date': '20240101T000000Z',
      'authorization': `AWS4-HMAC-SHA256 Credential=AKID/20240101/${REGION}/rekognition/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123`,
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

beforeEach(async () => {
  sim = await RekognitionSimulator.start();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await sim.close();
});

describe('wire format', () => {
  test('TagResource and UntagResource answer 200 with an empty object; ListTagsForResource with Tags', async () => {
    sim.addModel(ARN, { status: 'RUNNING' });
    const tagged = await post('TagResource', { ResourceArn: ARN, Tags: { Owner: 'stack-a' } });
    expect(tagged).toEqual({ status: 200, json: {} });
    expect(await post('ListTagsForResource', { ResourceArn: ARN })).toEqual({ status: 200, json: { Tags: { Owner: 'stack-a' } } });
    expect(await post('UntagResource', { ResourceArn: ARN, TagKeys: ['Owner'] })).toEqual({ status: 200, json: {} });
    // A model without tags lists an empty map rather than leaving Tags out.
    expect(await post('ListTagsForResource', { ResourceArn: ARN })).toEqual({ status: 200, json: { Tags: {} } });
  });

  test('the SDK reads each output, and a quota error as its modeled exception class', async () => {
    sim.addModel(ARN, { status: 'STOPPED', tags: manyTags(TAGS_PER_MODEL_MAX) });
    const output = await client().send(new ListTagsForResourceCommand({ ResourceArn: ARN }));
    expect(output.Tags).toEqual(manyTags(TAGS_PER_MODEL_MAX));
    expect(output.$metadata.requestId).toBe(sim.calls[0].requestId);

    const error = await client().send(new TagResourceCommand({ ResourceArn: ARN, Tags: { extra: 'v' } })).catch((e) => e);
    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$fault).toBe('client');
  });
});

describe('tagging a model', () => {
  beforeEach(() => sim.addModel(ARN, { status: 'RUNNING', stopDurationMs: FOREVER }));

  test('TagResource adds tags that ListTagsForResource and tags() report', async () => {
    expect(await tag(ARN, { Owner: 'stack-a', Purpose: 'teardown' })).toEqual(OK);
    expect(await tag(ARN, { Claim: 'x' })).toEqual(OK);
    expect(await list(ARN)).toEqual(listed({ Owner: 'stack-a', Purpose: 'teardown', Claim: 'x' }));
    expect(sim.tags(ARN)).toEqual({ Owner: 'stack-a', Purpose: 'teardown', Claim: 'x' });
  });

  test('a key that is there gets the new value', async () => {
    await tag(ARN, { Owner: 'stack-a', Keep: 'k' });
    expect(await tag(ARN, { Owner: 'stack-b' })).toEqual(OK);
    expect(await list(ARN)).toEqual(listed({ Owner: 'stack-b', Keep: 'k' }));
  });

  test('keys are case-sensitive: Owner and owner are two tags, and untagging one keeps the other', async () => {
    await tag(ARN, { Owner: 'a', owner: 'b', OWNER: 'c' });
    expect(await list(ARN)).toEqual(listed({ Owner: 'a', owner: 'b', OWNER: 'c' }));
    expect(await untag(ARN, ['owner'])).toEqual(OK);
    expect(await list(ARN)).toEqual(listed({ Owner: 'a', OWNER: 'c' }));
  });

  test('UntagResource removes the keys named; keys that are not there, repeated or none at all are no error', async () => {
    await tag(ARN, { a: '1', b: '2', c: '3' });
    expect(await untag(ARN, ['a', 'missing', 'a'])).toEqual(OK);
    expect(await list(ARN)).toEqual(listed({ b: '2', c: '3' }));
    expect(await untag(ARN, [])).toEqual(OK);
    expect(await untag(ARN, ['b', 'c'])).toEqual(OK);
    expect(await list(ARN)).toEqual(listed({}));
    expect(await untag(ARN, ['b'])).toEqual(OK);
  });

  test('an empty Tags map changes nothing; an empty value is a value', async () => {
    await tag(ARN, { a: '1' });
    expect(await tag(ARN, {})).toEqual(OK);
    expect(await tag(ARN, { empty: '' })).toEqual(OK);
    expect(await list(ARN)).toEqual(listed({ a: '1', empty: '' }));
  });

  test('accepts every character class the patterns allow, at the longest lengths, counting code points', async () => {
    const tags = {
      'Ünïcödé 日本 ١٢٣ _.:/=+-@': 'valeur\u00a0avec espace _.:/=+-@',
      // 128 letters outside the BMP are 256 UTF-16 units, yet 128 long as the service model counts.
      ['\u{1D49C}'.repeat(128)]: '\u{1D49C}'.repeat(256),
      ['k'.repeat(128)]: 'v'.repeat(256),
      // The reserved prefix is `aws:` exactly, as the pattern says; a value may start with it.
      'AWS:upper': 'aws:value',
      // A key like any other, not the prototype of the answer.
      ['__proto__']: 'p',
    };
    expect(await tag(ARN, tags)).toEqual(OK);
    const answered = await list(ARN);
    expect(answered).toEqual(listed(tags));
    expect(Object.keys((answered.output as { Tags: object }).Tags)).toContain('__proto__');
    expect(await untag(ARN, Object.keys(tags))).toEqual(OK);
    expect(sim.tags(ARN)).toEqual({});
  });

  test('tags() is a frozen copy, and seeded tags are copied from the object addModel got', () => {
    const seed: Record<string, string> = { Owner: 'stack-a' };
    sim.addModel(versionArn('v2'), { status: 'STOPPED', tags: seed });
    seed.Owner = 'changed';
    const tags = sim.tags(versionArn('v2'))!;
    expect(tags).toEqual({ Owner: 'stack-a' });
    expect(Object.isFrozen(tags)).toBe(true);
    expect(sim.tags(ARN)).toEqual({});
    expect(sim.tags(versionArn('nowhere'))).toBeUndefined();
  });
});

describe('model statuses and deletion', () => {
  test.each(MODEL_STATUSES.map((s) => [s]))('a %s model can be tagged, listed and untagged', async (status) => {
    // Every timed status stays put for the test.
    const durations = Object.fromEntries(Object.keys(DEFAULT_DURATIONS).map((d) => [d, FOREVER]));
    sim.addModel(ARN, { status, ...durations });
    expect(await tag(ARN, { Owner: 'stack-a', Other: 'x' })).toEqual(OK);
    expect(await untag(ARN, ['Other'])).toEqual(OK);
    expect(await list(ARN)).toEqual(listed({ Owner: 'stack-a' }));
    expect(sim.status(ARN)).toBe(status);
  });

  test('tags stay while the model is DELETING and go with it; then every tag call is not found', async () => {
    sim.addModel(ARN, { status: 'STOPPED', deleteDurationMs: 150, tags: { Owner: 'stack-a' } });
    await client().send(new DeleteProjectVersionCommand({ ProjectVersionArn: ARN }));
    expect(sim.status(ARN)).toBe('DELETING');
    expect(await tag(ARN, { Late: 'claim' })).toEqual(OK);
    expect(await list(ARN)).toEqual(listed({ Owner: 'stack-a', Late: 'claim' }));

    await sim.waitForStatus(ARN, undefined);
    expect(sim.tags(ARN)).toBeUndefined();
    expect(await list(ARN)).toEqual(refused('ResourceNotFoundException'));
    expect(await tag(ARN, { Owner: 'stack-b' })).toEqual(refused('ResourceNotFoundException'));
    expect(await untag(ARN, ['Owner'])).toEqual(refused('ResourceNotFoundException'));

    // A model added again under the same ARN starts without the old tags.
    sim.addModel(ARN, { status: 'STOPPED' });
    expect(await list(ARN)).toEqual(listed({}));
  });
});

describe('the quota of 50 tags per model', () => {
  test('TagResource may fill a model up to 50 tags', async () => {
    expect(TAGS_PER_MODEL_MAX).toBe(50);
    sim.addModel(ARN, { status: 'RUNNING', tags: manyTags(49) });
    expect(await tag(ARN, { last: 'v' })).toEqual(OK);
    expect(Object.keys(sim.tags(ARN)!)).toHaveLength(50);
  });

  test('a TagResource that would leave 51 is refused with ServiceQuotaExceededException and changes nothing', async () => {
    sim.addModel(ARN, { status: 'RUNNING', tags: manyTags(49) });
    const answered = await tag(ARN, { k0: 'overwritten', new1: 'v', new2: 'v' });
    expect(answered).toEqual(refused('ServiceQuotaExceededException', /51 tags.*at most 50/));
    expect(sim.tags(ARN)).toEqual(manyTags(49));
  });

  test('overwriting keys a full model has does not count against the quota', async () => {
    sim.addModel(ARN, { status: 'RUNNING', tags: manyTags(50) });
    expect(await tag(ARN, { k0: 'new', k49: 'new' })).toEqual(OK);
    expect(sim.tags(ARN)).toMatchObject({ k0: 'new', k49: 'new', k1: 'v' });
    expect(await tag(ARN, { k50: 'v' })).toEqual(refused('ServiceQuotaExceededException'));
    // Room made by UntagResource can be used again.
    expect(await untag(ARN, ['k1'])).toEqual(OK);
    expect(await tag(ARN, { k50: 'v' })).toEqual(OK);
  });

  test('51 to 200 tags in one request pass validation and meet the quota; 201 break the request limit first', async () => {
    sim.addModel(ARN, { status: 'RUNNING' });
    expect(await tag(ARN, manyTags(51))).toEqual(refused('ServiceQuotaExceededException'));
    expect(await tag(ARN, manyTags(200))).toEqual(refused('ServiceQuotaExceededException'));
    expect(await tag(ARN, manyTags(201))).toEqual(refused('InvalidParameterException', /at 'tags' failed to satisfy constraint: Member must have length less than or equal to 200/));
    expect(sim.tags(ARN)).toEqual({});
  });

  test('addModel refuses more than 50 tags, and tags TagResource would refuse', () => {
    expect(() => sim.addModel(ARN, { status: 'RUNNING', tags: manyTags(51) })).toThrow('at most 50 tags, got 51');
    expect(() => sim.addModel(ARN, { status: 'RUNNING', tags: { 'aws:owner': 'x' } })).toThrow(/Tags TagResource would refuse: .*Map keys must satisfy constraint/);
    expect(() => sim.addModel(ARN, { status: 'RUNNING', tags: { k: 'bad#' } })).toThrow(/Map value must satisfy constraint/);
    expect(sim.tags(ARN)).toBeUndefined();
    sim.addModel(ARN, { status: 'RUNNING', tags: manyTags(50) });
    expect(Object.keys(sim.tags(ARN)!)).toHaveLength(50);
  });
});

describe('validation', () => {
  const tooLong = `${ARN}${'1'.repeat(2049 - ARN.length)}`;
  const keyPattern = TAG_KEY_PATTERN.source.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  const valuePattern = TAG_VALUE_PATTERN.source.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

  test.each([
    ['19 characters long', 'arn:aws:rekognition', /Value 'arn:aws:rekognition' at 'resourceArn' failed to satisfy constraint: Member must have length greater than or equal to 20/],
    ['2049 characters long', tooLong, /at 'resourceArn' failed to satisfy constraint: Member must have length less than or equal to 2048/],
  ])('all three refuse a ResourceArn %s with InvalidParameterException', async (_, arn, message) => {
    for (const answered of [await tag(arn, { k: 'v' }), await untag(arn, ['k']), await list(arn)]) {
      expect(answered).toEqual(refused('InvalidParameterException', message));
    }
  });

  test('ResourceArn has no pattern: 20 or 2048 characters that name no model are not found', async () => {
    expect(tooLong.slice(0, 2048)).toHaveLength(2048);
    for (const arn of ['not-an-arn-20-chars!', tooLong.slice(0, 2048), `arn:aws:rekognition:${REGION}:${ACCOUNT}:collection/faces`]) {
      expect(await list(arn)).toEqual(refused('ResourceNotFoundException'));
    }
  });

  test.each([
    ['an empty key', { '': 'v' }, /Map keys must satisfy constraint: \[Member must have length greater than or equal to 1\]/],
    ['a key of 129 characters', { ['k'.repeat(129)]: 'v' }, /Map keys must satisfy constraint: \[Member must have length less than or equal to 128\]/],
    ['a key with the reserved aws: prefix', { 'aws:cloudformation:stack-name': 'v' }, new RegExp(`Value '\\{aws:cloudformation:stack-name=v\\}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: \\[Member must satisfy regular expression pattern: ${keyPattern}\\]`)],
    ['a key with a character outside the pattern', { 'owner!': 'v' }, /Map keys must satisfy constraint: \[Member must satisfy regular expression pattern/],
    ['a key with a tab', { 'a\tb': 'v' }, /Map keys must satisfy constraint/],
    ['a value of 257 characters', { k: 'v'.repeat(257) }, /Map value must satisfy constraint: \[Member must have length less than or equal to 256\]/],
    ['a value with a character outside the pattern', { k: 'a#b' }, new RegExp(`Value '\\{k=a#b\\}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: \\[Member must satisfy regular expression pattern: ${valuePattern}\\]`)],
    ['a value with a newline', { k: 'a\nb' }, /Map value must satisfy constraint/],
  ])('TagResource refuses %s with InvalidParameterException and changes nothing', async (_, tags, message) => {
    sim.addModel(ARN, { status: 'RUNNING', tags: { Owner: 'stack-a' } });
    expect(await tag(ARN, { ...tags, fine: 'v' })).toEqual(refused('InvalidParameterException', /^1 validation error detected: /));
    expect(sim.calls[0].message).toMatch(message);
    expect(sim.tags(ARN)).toEqual({ Owner: 'stack-a' });
  });

  test.each([
    ['an empty key', [''], /at 'tagKeys.1.member' failed to satisfy constraint: Member must have length greater than or equal to 1/],
    ['a key of 129 characters', ['ok', 'k'.repeat(129)], /at 'tagKeys.2.member' failed to satisfy constraint: Member must have length less than or equal to 128/],
    ['a key with the reserved aws: prefix', ['aws:owner'], /Value 'aws:owner' at 'tagKeys.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern/],
    ['a key with a character outside the pattern', ['a*'], /at 'tagKeys.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern/],
    ['201 keys', Object.keys(manyTags(201)), /at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 200/],
  ])('UntagResource refuses %s with InvalidParameterException and changes nothing', async (_, keys, message) => {
    sim.addModel(ARN, { status: 'RUNNING', tags: { ok: 'v', k0: 'v' } });
    expect(await untag(ARN, keys)).toEqual(refused('InvalidParameterException', message));
    expect(sim.tags(ARN)).toEqual({ ok: 'v', k0: 'v' });
  });

  test('UntagResource accepts exactly 200 keys', async () => {
    sim.addModel(ARN, { status: 'RUNNING', tags: { k0: 'v', keep: 'v' } });
    expect(await untag(ARN, Object.keys(manyTags(200)))).toEqual(OK);
    expect(sim.tags(ARN)).toEqual({ keep: 'v' });
  });

  test('reports every violation of a request at once, counted', async () => {
    const answered = await tag('too-short', { 'aws:a': 'v', 'b': 'x'.repeat(300) });
    expect(answered).toEqual(refused('InvalidParameterException', /^3 validation errors detected: .*'resourceArn'.*Map keys.*Map value/));
  });

  test.each([
    ['TagResource without ResourceArn', 'TagResource', { Tags: {} }, /Value null at 'resourceArn' failed to satisfy constraint: Member must not be null/],
    ['TagResource without Tags', 'TagResource', { ResourceArn: ARN }, /Value null at 'tags' failed to satisfy constraint: Member must not be null/],
    ['TagResource with Tags a list', 'TagResource', { ResourceArn: ARN, Tags: ['k'] }, /at 'tags' failed to satisfy constraint: Member must be a map/],
    ['TagResource with a number for a value', 'TagResource', { ResourceArn: ARN, Tags: { k: 1 } }, /Value '\{k=1\}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: \[Member must be a string\]/],
    ['TagResource with a null value', 'TagResource', { ResourceArn: ARN, Tags: { k: null } }, /Map value must satisfy constraint: \[Member must not be null\]/],
    ['UntagResource without TagKeys', 'UntagResource', { ResourceArn: ARN }, /Value null at 'tagKeys' failed to satisfy constraint: Member must not be null/],
    ['UntagResource with TagKeys a string', 'UntagResource', { ResourceArn: ARN, TagKeys: 'k' }, /at 'tagKeys' failed to satisfy constraint: Member must be a list/],
    ['UntagResource with a number and a null among the keys', 'UntagResource', { ResourceArn: ARN, TagKeys: [1, null] }, /'tagKeys.1.member'.*Member must be a string.*'tagKeys.2.member'.*Member must not be null/],
    ['ListTagsForResource without ResourceArn', 'ListTagsForResource', {}, /Value null at 'resourceArn' failed to satisfy constraint: Member must not be null/],
    ['ListTagsForResource with a number for ResourceArn', 'ListTagsForResource', { ResourceArn: 12345 }, /at 'resourceArn' failed to satisfy constraint: Member must be a string/],
  ])('refuses %s (a body the SDK would not send)', async (_, operation, body, message) => {
    sim.addModel(ARN, { status: 'RUNNING' });
    const res = await post(operation, body);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ __type: 'InvalidParameterException', Message: expect.stringMatching(message) });
    expect(sim.tags(ARN)).toEqual({});
  });

  test('validationError: ValidationException answers the tag operations\' violations with that error', async () => {
    sim.configure({ validationError: 'ValidationException' });
    sim.addModel(ARN, { status: 'RUNNING' });
    expect(await tag(ARN, { 'aws:x': 'v' })).toEqual(refused('ValidationException', /Map keys must satisfy constraint/));
    expect(await untag(ARN, ['aws:x'])).toEqual(refused('ValidationException', /tagKeys.1.member/));
    expect(await list('short')).toEqual(refused('ValidationException', /resourceArn/));
  });
});

describe('models that are not found', () => {
  test('a model that was never added is not found by any of the three', async () => {
    sim.addModel(ARN, { status: 'RUNNING' });
    const unknown = versionArn('v9');
    expect(await tag(unknown, { k: 'v' })).toEqual(refused('ResourceNotFoundException', /cannot be found/));
    expect(await untag(unknown, ['k'])).toEqual(refused('ResourceNotFoundException'));
    expect(await list(unknown)).toEqual(refused('ResourceNotFoundException'));
    expect(sim.tags(unknown)).toBeUndefined();
  });

  test('a model in another region than the signing scope is not found, and keeps its tags', async () => {
    const arn = versionArn('v1', 'eu-west-1');
    sim.addModel(arn, { status: 'RUNNING', tags: { Owner: 'stack-a' } });
    const us = client('us-east-1');
    expect(await tag(arn, { Owner: 'stack-b' }, us)).toEqual(refused('ResourceNotFoundException'));
    expect(await untag(arn, ['Owner'], us)).toEqual(refused('ResourceNotFoundException'));
    expect(await list(arn, us)).toEqual(refused('ResourceNotFoundException'));
    expect(sim.tags(arn)).toEqual({ Owner: 'stack-a' });

    const eu = client('eu-west-1');
    expect(await tag(arn, { Owner: 'stack-b' }, eu)).toEqual(OK);
    expect(await list(arn, eu)).toEqual(listed({ Owner: 'stack-b' }));
  });
});

describe('IAM', () => {
  const other = versionArn('v2');
  let iam: LocalIam;
  let asked: string[];

  beforeEach(() => {
    iam = new LocalIam(ACCOUNT);
    asked = [];
    sim.authorizer = (key, action, resource) => {
      asked.push(`${action} ${resource}`);
      return iam.authorize(key, action, resource);
    };
    sim.addModel(ARN, { status: 'RUNNING', tags: { Owner: 'stack-a' } });
    sim.addModel(other, { status: 'RUNNING', tags: { Owner: 'stack-a' } });
    iam.createRole('Claimer');
  });

  test('each operation is authorized as rekognition:<operation> on the ResourceArn', async () => {
    iam.putRolePolicy('Claimer', 'Tags', { Statement: [{ Effect: 'Allow', Action: ['rekognition:TagResource', 'rekognition:UntagResource', 'rekognition:ListTagsForResource'], Resource: ARN }] });
    const claimer = client(REGION, iam.credentialsFor('Claimer'));
    expect(await tag(ARN, { Claim: 'x' }, claimer)).toEqual(OK);
    expect(await untag(ARN, ['Owner'], claimer)).toEqual(OK);
    expect(await list(ARN, claimer)).toEqual(listed({ Claim: 'x' }));
    expect(asked).toEqual([`rekognition:TagResource ${ARN}`, `rekognition:UntagResource ${ARN}`, `rekognition:ListTagsForResource ${ARN}`]);
  });

  test('a denied call answers AccessDeniedException and changes nothing', async () => {
    iam.putRolePolicy('Claimer', 'ReadOnly', { Statement: [{ Effect: 'Allow', Action: 'rekognition:ListTagsForResource', Resource: '*' }] });
    const claimer = client(REGION, iam.credentialsFor('Claimer'));
    const denied = /is not authorized to perform: rekognition:(Tag|Untag)Resource on resource: .*version\/v1\//;
    expect(await tag(ARN, { Owner: 'stack-b' }, claimer)).toEqual(refused('AccessDeniedException', denied));
    expect(await untag(ARN, ['Owner'], claimer)).toEqual(refused('AccessDeniedException', denied));
    expect(await list(ARN, claimer)).toEqual(listed({ Owner: 'stack-a' }));
    expect(sim.tags(ARN)).toEqual({ Owner: 'stack-a' });
    expect(sim.calls.map((c) => c.error)).toEqual(['AccessDeniedException', 'AccessDeniedException', undefined]);
  });

  test('permission on one model does not reach another', async () => {
    iam.putRolePolicy('Claimer', 'One', { Statement: [{ Effect: 'Allow', Action: 'rekognition:*Tag*', Resource: ARN }] });
    const claimer = client(REGION, iam.credentialsFor('Claimer'));
    expect(await list(ARN, claimer)).toEqual(listed({ Owner: 'stack-a' }));
    expect(await list(other, claimer)).toEqual(refused('AccessDeniedException', /ListTagsForResource on resource: .*version\/v2\//));
    expect(await tag(other, { Owner: 'stack-b' }, claimer)).toEqual(refused('AccessDeniedException'));
    expect(sim.tags(other)).toEqual({ Owner: 'stack-a' });
  });

  test('is asked about ResourceArn, not another ARN member smuggled into the body', async () => {
    sim.authorizer = (_key, action, resource) => {
      asked.push(`${action} ${resource}`);
      return { allowed: resource === other };
    };
    const res = await post('TagResource', { ResourceArn: ARN, ProjectVersionArn: other, Tags: { Owner: 'stack-b' } });
    expect(res).toMatchObject({ status: 400, json: { __type: 'AccessDeniedException', Message: 'not authorized to perform rekognition:TagResource' } });
    expect(asked).toEqual([`rekognition:TagResource ${ARN}`]);
    expect(sim.calls[0]).toMatchObject({ operation: 'TagResource', arn: ARN });
    expect(sim.tags(ARN)).toEqual({ Owner: 'stack-a' });
  });
});

describe('fault injection', () => {
  beforeEach(() => sim.addModel(ARN, { status: 'RUNNING', tags: { Owner: 'stack-a' } }));

  test('failFirst fails the first calls of a tag operation (and ARN) without a change, then lets them through', async () => {
    sim.configure({ failFirst: [{ operation: 'TagResource', count: 2, error: 'ThrottlingException', arn: ARN }] });
    expect(await list(ARN)).toEqual(listed({ Owner: 'stack-a' }));
    expect(await tag(ARN, { Owner: 'stack-b' })).toEqual(refused('ThrottlingException', /Injected ThrottlingException for TagResource/));
    expect(await tag(ARN, { Owner: 'stack-b' })).toEqual(refused('ThrottlingException'));
    expect(sim.tags(ARN)).toEqual({ Owner: 'stack-a' });
    expect(await tag(ARN, { Owner: 'stack-b' })).toEqual(OK);
    expect(sim.calls.map((c) => c.fault)).toEqual([undefined, 'failFirst', 'failFirst', undefined]);
  });

  test('failFirst can inject the documented ServiceQuotaExceededException', async () => {
    sim.configure({ failFirst: [{ operation: 'TagResource', count: 1, error: 'ServiceQuotaExceededException' }] });
    const error = await client().send(new TagResourceCommand({ ResourceArn: ARN, Tags: { a: 'b' } })).catch((e) => e);
    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
    expect(sim.tags(ARN)).toEqual({ Owner: 'stack-a' });
  });

  test('throttleRate 1 throttles every tag operation with throttleError, and changes nothing', async () => {
    sim.configure({ throttleRate: 1 });
    expect(await tag(ARN, { Owner: 'stack-b' })).toEqual(refused('ThrottlingException'));
    expect(await untag(ARN, ['Owner'])).toEqual(refused('ThrottlingException'));
    sim.configure({ throttleError: 'ProvisionedThroughputExceededException' });
    expect(await list(ARN)).toEqual(refused('ProvisionedThroughputExceededException'));
    expect(sim.tags(ARN)).toEqual({ Owner: 'stack-a' });
    expect(sim.calls.map((c) => c.fault)).toEqual(['throttleRate', 'throttleRate', 'throttleRate']);
  });

  test('serverErrorRate 1 answers 500 InternalServerError and changes nothing', async () => {
    sim.configure({ serverErrorRate: 1 });
    expect(await tag(ARN, { Owner: 'stack-b' })).toEqual(refused('InternalServerError'));
    expect(await untag(ARN, ['Owner'])).toEqual(refused('InternalServerError'));
    expect(sim.tags(ARN)).toEqual({ Owner: 'stack-a' });
    expect(sim.calls.map((c) => c.fault)).toEqual(['serverErrorRate', 'serverErrorRate']);
  });

  test('tpsLimit keeps a budget per tag operation, apart from the others', async () => {
    sim.configure({ tpsLimit: { TagResource: 2, ListTagsForResource: 1 } });
    const tags = await Promise.all(Array.from({ length: 4 }, (_, i) => tag(ARN, { [`t${i}`]: 'v' })));
    expect(tags.filter((a) => a.httpStatus === 200)).toHaveLength(2);
    expect(tags.filter((a) => a.error === 'ThrottlingException')).toHaveLength(2);
    expect(Object.keys(sim.tags(ARN)!)).toHaveLength(3);
    // Untag has no limit of its own here; List has one call a second, whatever Tag used.
    expect(await untag(ARN, ['Owner'])).toEqual(OK);
    expect((await list(ARN)).httpStatus).toBe(200);
    expect(await list(ARN)).toEqual(refused('ThrottlingException', /Rate exceeded for ListTagsForResource/));
    expect(sim.calls.filter((c) => c.fault === 'tpsLimit').map((c) => c.operation)).toEqual(['TagResource', 'TagResource', 'ListTagsForResource']);
  });

  test('a numeric tpsLimit gives each tag operation its own budget', async () => {
    sim.configure({ tpsLimit: 1 });
    expect(await tag(ARN, { a: '1' })).toEqual(OK);
    expect(await untag(ARN, ['a'])).toEqual(OK);
    expect((await list(ARN)).httpStatus).toBe(200);
    expect(await tag(ARN, { b: '2' })).toEqual(refused('ThrottlingException'));
    expect(await untag(ARN, ['Owner'])).toEqual(refused('ThrottlingException'));
    expect(await list(ARN)).toEqual(refused('ThrottlingException'));
  });

  test('latencyMs holds tag responses too', async () => {
    sim.configure({ latencyMs: 120 });
    for (const call of [() => tag(ARN, { a: '1' }), () => list(versionArn('v9'))]) {
      const began = Date.now();
      await call();
      expect(Date.now() - began).toBeGreaterThanOrEqual(115);
    }
    expect(sim.calls.map((c) => c.httpStatus)).toEqual([200, 400]);
  });
});

describe('call records', () => {
  test('each tag call is recorded with its operation, ResourceArn, region, statuses and answer', async () => {
    sim.addModel(ARN, { status: 'RUNNING', stopDurationMs: FOREVER });
    await tag(ARN, { Owner: 'stack-a' });
    await list(ARN);
    await untag(ARN, ['Owner']);
    await client().send(new StopProjectVersionCommand({ ProjectVersionArn: ARN }));
    await tag(versionArn('v9'), { k: 'v' });

    expect(sim.calls.map((c) => [c.operation, c.arn, c.httpStatus, c.error])).toEqual([
      ['TagResource', ARN, 200, undefined],
      ['ListTagsForResource', ARN, 200, undefined],
      ['UntagResource', ARN, 200, undefined],
      ['StopProjectVersion', ARN, 200, undefined],
      ['TagResource', versionArn('v9'), 400, 'ResourceNotFoundException'],
    ]);
    expect(sim.calls[0]).toMatchObject({
      region: REGION,
      statusBefore: 'RUNNING',
      statusAfter: 'RUNNING',
      input: { ResourceArn: ARN, Tags: { Owner: 'stack-a' } },
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(sim.calls[0].status).toBeUndefined();
    expect(sim.calls[4]).toMatchObject({ statusBefore: undefined, statusAfter: undefined });
    expect(sim.callsFor(ARN).map((c) => c.operation)).toEqual(['TagResource', 'ListTagsForResource', 'UntagResource', 'StopProjectVersion']);
  });

  test('an operation the simulator does not implement is recorded with the ResourceArn it sent', async () => {
    const res = await post('TagCollection', { ResourceArn: ARN });
    expect(res.json.__type).toBe('com.amazon.coral.service#UnknownOperationException');
    expect(sim.calls[0]).toMatchObject({ operation: 'TagCollection', arn: ARN, error: 'UnknownOperationException' });
  });
});

describe('the AWS CLI v1', () => {
  jest.setTimeout(60_000);

  const cli = (...args: string[]) => promisify(execFile)('aws', ['rekognition', ...args, '--endpoint-url', sim.endpoint, '--region', REGION, '--output', 'json'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'x', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_MAX_ATTEMPTS: '1' },
  }).then((r) => r.stdout);

  test('tags, lists and untags as the SDK does, and names the same errors', async () => {
    sim.addModel(ARN, { status: 'RUNNING', tags: { Owner: 'stack-a' } });

    // botocore builds the requests and reads the answers from its own copy of the service model, apart from the SDK's.
    expect(await cli('tag-resource', '--resource-arn', ARN, '--tags', JSON.stringify({ 'Claim:stack-b': 'MyModel', 'owner': 'lower' }))).toBe('');
    const fromCli = JSON.parse(await cli('list-tags-for-resource', '--resource-arn', ARN));
    expect(fromCli).toEqual({ Tags: { 'Owner': 'stack-a', 'Claim:stack-b': 'MyModel', 'owner': 'lower' } });
    expect(await list(ARN)).toEqual(listed(fromCli.Tags));

    expect(await cli('untag-resource', '--resource-arn', ARN, '--tag-keys', 'owner', 'not-there')).toBe('');
    expect(JSON.parse(await cli('list-tags-for-resource', '--resource-arn', ARN))).toEqual({ Tags: { 'Owner': 'stack-a', 'Claim:stack-b': 'MyModel' } });

    await expect(cli('tag-resource', '--resource-arn', ARN, '--tags', JSON.stringify(manyTags(49)))).rejects.toMatchObject({
      stderr: expect.stringContaining('(ServiceQuotaExceededException) when calling the TagResource operation'),
    });
    await expect(cli('untag-resource', '--resource-arn', ARN, '--tag-keys', 'aws:owner')).rejects.toMatchObject({
      stderr: expect.stringMatching(/\(InvalidParameterException\) when calling the UntagResource operation: 1 validation error detected: .*'tagKeys.1.member'/),
    });
    await expect(cli('list-tags-for-resource', '--resource-arn', versionArn('v9'))).rejects.toMatchObject({
      stderr: expect.stringContaining('(ResourceNotFoundException) when calling the ListTagsForResource operation'),
    });
    expect(sim.calls.map((c) => c.operation)).toEqual([
      'TagResource', 'ListTagsForResource', 'ListTagsForResource', 'UntagResource', 'ListTagsForResource', 'TagResource', 'UntagResource', 'ListTagsForResource',
    ]);
  });
});
