import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { RekognitionClient, StopProjectVersionCommand } from '@aws-sdk/client-rekognition';
import { Template } from '../../local/cloudformation/template';
import { evaluate, LocalIam, ROLE_INLINE_POLICIES_MAX_CHARS, wildcardMatch } from '../../local/iam';
import { LOCAL_ACCOUNT, LOCAL_REGION, LocalAws } from '../../local/local-aws';

/**
 * The local IAM: policy evaluation, the inline-policy quota, and permissions as they are at each
 * moment, asked by the Rekognition simulator and the Lambda service on every call signed with a
 * role's credentials.
 */

jest.setTimeout(60_000);

const arnA = `arn:aws:rekognition:${LOCAL_REGION}:${LOCAL_ACCOUNT}:project/birds/version/a/1700000000000`;
const arnB = `arn:aws:rekognition:${LOCAL_REGION}:${LOCAL_ACCOUNT}:project/birds/version/b/1700000000000`;

describe('policy evaluation', () => {
  const allow = (Action: string | string[], Resource: string | string[]) => ({ Statement: [{ Effect: 'Allow' as const, Action, Resource }] });

  test('an explicit Allow is needed; an explicit Deny wins', () => {
    expect(evaluate([allow('rekognition:StopProjectVersion', arnA)], 'rekognition:StopProjectVersion', arnA)).toBe('Allow');
    expect(evaluate([allow('rekognition:StopProjectVersion', arnA)], 'rekognition:StopProjectVersion', arnB)).toBe('ImplicitDeny');
    expect(evaluate([allow('rekognition:StopProjectVersion', arnA)], 'rekognition:DeleteProjectVersion', arnA)).toBe('ImplicitDeny');
    const deny = { Statement: { Effect: 'Deny' as const, Action: 'rekognition:*', Resource: '*' } };
    expect(evaluate([allow('*', '*'), deny], 'rekognition:StopProjectVersion', arnA)).toBe('ExplicitDeny');
    expect(evaluate([], 'rekognition:StopProjectVersion', arnA)).toBe('ImplicitDeny');
  });

  test('actions match case-insensitively with * and ?; resources by ARN, case-sensitively', () => {
    expect(wildcardMatch('rekognition:*ProjectVersion', 'rekognition:StopProjectVersion', true)).toBe(true);
    expect(wildcardMatch('REKOGNITION:stopprojectversion', 'rekognition:StopProjectVersion', true)).toBe(true);
    expect(wildcardMatch('rekognition:Sto?ProjectVersion', 'rekognition:StopProjectVersion', true)).toBe(true);
    expect(wildcardMatch('rekognition:Sto?ProjectVersion', 'rekognition:StoppProjectVersion', true)).toBe(false);
    expect(evaluate([allow(['lambda:InvokeFunction'], 'arn:aws:rekognition:*:*:project/birds/*')], 'lambda:invokefunction', arnA)).toBe('Allow');
    expect(evaluate([allow('rekognition:*', 'arn:aws:rekognition:*:*:project/Birds/*')], 'rekognition:StopProjectVersion', arnA)).toBe('ImplicitDeny');
    expect(wildcardMatch('arn:aws:s3:::a.b', 'arn:aws:s3:::aXb')).toBe(false);
  });
});

describe('inline policies of a role', () => {
  const document = (padding: number) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Action: 'rekognition:StopProjectVersion', Resource: `${arnA}${'x'.repeat(padding)}` }] });
  const size = (d: object) => JSON.stringify(d).replace(/\s/g, '').length;

  test('are keyed by name: a put with an existing name overwrites it, a delete removes the name', () => {
    const iam = new LocalIam(LOCAL_ACCOUNT);
    iam.createRole('R');
    iam.putRolePolicy('R', 'P', document(0));
    iam.putRolePolicy('R', 'P', document(1));
    expect(iam.rolePolicyNames('R')).toEqual(['P']);
    expect(iam.rolePolicy('R', 'P')).toEqual(document(1));
    iam.deleteRolePolicy('R', 'P');
    expect(iam.rolePolicyNames('R')).toEqual([]);
    expect(() => iam.deleteRolePolicy('R', 'P')).toThrow('cannot be found');
  });

  test('may hold 10,240 characters together, whitespace not counted; past that the put fails with LimitExceeded', () => {
    const iam = new LocalIam(LOCAL_ACCOUNT);
    iam.createRole('R');
    const half = document(ROLE_INLINE_POLICIES_MAX_CHARS / 2 - size(document(0)));
    expect(size(half)).toBe(ROLE_INLINE_POLICIES_MAX_CHARS / 2);
    iam.putRolePolicy('R', 'One', half);
    iam.putRolePolicy('R', 'Two', JSON.parse(JSON.stringify(half, null, 8)));
    expect(() => iam.putRolePolicy('R', 'Three', document(0))).toThrow(expect.objectContaining({ code: 'LimitExceeded' }));
    // Overwriting a name replaces its size rather than adding to it.
    iam.putRolePolicy('R', 'Two', half);
    expect(iam.rolePolicyNames('R')).toEqual(['One', 'Two']);
  });
});

describe('changes take effect after a propagation delay', () => {
  const stop = 'rekognition:StopProjectVersion';
  const allow = (resource: string) => ({ Statement: [{ Effect: 'Allow' as const, Action: stop, Resource: resource }] });
  let clock = 0;
  const iamWithDelay = () => {
    clock = 1_000_000;
    const iam = new LocalIam(LOCAL_ACCOUNT, { propagationDelayMs: 5_000, now: () => clock });
    iam.createRole('R');
    return { iam, key: iam.credentialsFor('R').accessKeyId };
  };

  test('a new inline policy allows nothing until the delay has passed, then allows at once', () => {
    const { iam, key } = iamWithDelay();
    iam.putRolePolicy('R', 'P', allow(arnA));
    clock += 4_999;
    const early = iam.authorize(key, stop, arnA);
    expect(early.allowed).toBe(false);
    expect(early.message).toContain(`because no identity-based policy allows the ${stop} action`);
    clock += 1;
    expect(iam.authorize(key, stop, arnA).allowed).toBe(true);
  });

  test('an overwritten policy allows, until the delay has passed, only what both its old and new documents allow', () => {
    const { iam, key } = iamWithDelay();
    iam.putRolePolicy('R', 'P', allow('*'));
    clock += 5_000;
    iam.putRolePolicy('R', 'P', allow(arnA));
    expect([iam.authorize(key, stop, arnA).allowed, iam.authorize(key, stop, arnB).allowed]).toEqual([true, false]);
    iam.putRolePolicy('R', 'P', allow(arnB));
    // The first document is still what some calls see; neither later one has taken effect.
    expect([iam.authorize(key, stop, arnA).allowed, iam.authorize(key, stop, arnB).allowed]).toEqual([false, true]);
    clock += 5_000;
    expect([iam.authorize(key, stop, arnA).allowed, iam.authorize(key, stop, arnB).allowed]).toEqual([false, true]);
  });

  test('an attached managed policy and a new version of it take effect after the delay; a policy removed stops allowing at once', () => {
    const { iam, key } = iamWithDelay();
    const { arn } = iam.createPolicy('Managed', allow(arnA));
    iam.attachRolePolicy('R', arn);
    expect(iam.authorize(key, stop, arnA).allowed).toBe(false);
    clock += 5_000;
    expect(iam.authorize(key, stop, arnA).allowed).toBe(true);
    iam.setPolicyDocument(arn, allow(arnB));
    expect([iam.authorize(key, stop, arnA).allowed, iam.authorize(key, stop, arnB).allowed]).toEqual([false, false]);
    clock += 5_000;
    expect(iam.authorize(key, stop, arnB).allowed).toBe(true);
    iam.detachRolePolicy('R', arn);
    expect(iam.authorize(key, stop, arnB).allowed).toBe(false);
  });

  test('delays vary by policy where a test says so, and an explicit deny is worded as one', () => {
    const { iam, key } = iamWithDelay();
    iam.propagationDelayOf = (name) => name === 'Slow' ? 20_000 : undefined;
    iam.putRolePolicy('R', 'Slow', allow(arnA));
    iam.putRolePolicy('R', 'Fast', allow(arnB));
    clock += 5_000;
    expect([iam.authorize(key, stop, arnA).allowed, iam.authorize(key, stop, arnB).allowed]).toEqual([false, true]);
    iam.putRolePolicy('R', 'Deny', { Statement: [{ Effect: 'Deny', Action: stop, Resource: arnB }] });
    expect(iam.authorize(key, stop, arnB).message).toContain('with an explicit deny in an identity-based policy');
    clock += 15_000;
    expect(iam.authorize(key, stop, arnA).allowed).toBe(true);
  });
});

describe('IAM at each moment, through the stack operations', () => {
  let aws: LocalAws;
  beforeAll(async () => {
    // What each moment's policies allow; the propagation delay has tests of its own above.
    aws = await LocalAws.start({ iamPropagationDelayMs: 0 });
  });
  afterAll(() => aws.close());

  const grant = (arn: string, extra: Template['Resources'] = {}): Template => ({
    Resources: {
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
      Grant: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'Grant',
          Roles: [{ Ref: 'Role' }],
          PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'rekognition:StopProjectVersion', Resource: arn }] },
        },
      },
      ...extra,
    },
  });

  test('a policy updated in place stops allowing the old resource at once; a deleted one allows nothing; an SCP deny wins', async () => {
    aws.sim.addModel(arnA, { status: 'RUNNING', stopDurationMs: 60_000 });
    aws.sim.addModel(arnB, { status: 'RUNNING', stopDurationMs: 60_000 });
    await aws.engine.createStack({ stackName: 'Moments', template: grant(arnA) });
    const roleName = aws.stack('Moments')!.resources.get('Role')!.physicalId!;
    const rekognition = new RekognitionClient({ region: LOCAL_REGION, endpoint: aws.sim.endpoint, credentials: aws.iam.credentialsFor(roleName) });
    const stop = (arn: string) => rekognition.send(new StopProjectVersionCommand({ ProjectVersionArn: arn })).then((r) => r.Status, (e) => e.name);

    expect(await stop(arnA)).toBe('STOPPING');
    expect(await stop(arnB)).toBe('AccessDeniedException');

    const update = await aws.engine.updateStack({ stackName: 'Moments', template: grant(arnB) });
    expect(update.events.map((e) => `${e.logicalResourceId} ${e.resourceStatus}`)).toContain('Grant UPDATE_COMPLETE');
    expect(await stop(arnA)).toBe('AccessDeniedException');
    expect(await stop(arnB)).toBe('STOPPING');
    expect(aws.sim.calls.at(-2)).toMatchObject({ operation: 'StopProjectVersion', arn: arnA, error: 'AccessDeniedException' });
    expect(aws.sim.calls.at(-2)!.message).toContain(`is not authorized to perform: rekognition:StopProjectVersion on resource: ${arnA}`);

    aws.iam.deniedActions.push('rekognition:Stop*');
    expect(await stop(arnB)).toBe('AccessDeniedException');
    expect(aws.sim.calls.at(-1)!.message).toContain('service control policy');
    aws.iam.deniedActions.length = 0;

    await aws.engine.deleteStack({ stackName: 'Moments' });
    expect(await stop(arnB)).toBe('AccessDeniedException');
    rekognition.destroy();
  });

  test('a policy that takes a role past its inline-policy quota fails with LimitExceeded and rolls the stack back', async () => {
    const huge = Array.from({ length: 200 }, (_, i) => `${arnA.slice(0, -13)}${i}/1700000000000`);
    const result = await aws.engine.createStack({
      stackName: 'TooBig',
      template: grant(arnA, {
        Huge: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'Huge', Roles: [{ Ref: 'Role' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'rekognition:*', Resource: huge }] } } },
      }),
    });

    expect(result.status).toBe('ROLLBACK_COMPLETE');
    const failed = result.events.find((e) => e.resourceStatus === 'CREATE_FAILED');
    expect(failed).toMatchObject({ logicalResourceId: 'Huge', resourceType: 'AWS::IAM::Policy' });
    expect(failed!.resourceStatusReason).toMatch(/Maximum policy size of 10240 bytes exceeded for role .*Error Code: LimitExceeded/);
  });

  test('Lambda Invoke is allowed only as the caller\'s policies allow, and a deleted function is not found', async () => {
    aws.iam.createRole('Invoker');
    const lambda = new LambdaClient({ region: LOCAL_REGION, endpoint: aws.lambda.endpoint, credentials: aws.iam.credentialsFor('Invoker') });
    const functionArn = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:Target`;
    aws.lambda.register({ functionArn, codeDir: __dirname, handler: 'none.handler', timeoutMs: 1000, environment: {} });
    const invoke = () => lambda.send(new InvokeCommand({ FunctionName: functionArn, InvocationType: 'Event', Payload: Buffer.from('{}') }))
      .then((r) => r.StatusCode, (e) => `${e.name} ${e.$metadata?.httpStatusCode}`);

    expect(await invoke()).toBe('AccessDeniedException 403');
    aws.iam.putRolePolicy('Invoker', 'Invoke', { Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: functionArn }] });
    expect(await invoke()).toBe(202);
    aws.lambda.unregister(functionArn);
    expect(await invoke()).toBe('ResourceNotFoundException 404');
    lambda.destroy();
  });
});
