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

describe('IAM at each moment, through the stack operations', () => {
  let aws: LocalAws;
  beforeAll(async () => {
    aws = await LocalAws.start();
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
