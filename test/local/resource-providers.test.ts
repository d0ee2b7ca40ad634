import * as path from 'path';
import { Template } from '../../local/cloudformation/template';
import { LOCAL_ACCOUNT, LOCAL_REGION, LocalAws } from '../../local/local-aws';

/**
 * The resource types the local CloudFormation provisions in the other stand-ins: what each one's
 * create and delete do to IAM, Lambda and Rekognition, and how a function run reaches them.
 */

jest.setTimeout(60_000);

let aws: LocalAws;
beforeAll(async () => {
  aws = await LocalAws.start();
});
afterAll(() => aws.close());

const role = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } };

test('a project with a model version left cannot be deleted: DELETE_FAILED, as DeleteProject refuses it', async () => {
  const template: Template = { Resources: { Project: { Type: 'AWS::Rekognition::Project', Properties: { ProjectName: 'kept' } } } };
  await aws.engine.createStack({ stackName: 'ProjectWithVersion', template });
  aws.sim.addModel(`arn:aws:rekognition:${LOCAL_REGION}:${LOCAL_ACCOUNT}:project/kept/version/v1/1700000000000`, { status: 'TRAINING_COMPLETED' });

  const result = await aws.engine.deleteStack({ stackName: 'ProjectWithVersion' });

  expect(result.status).toBe('DELETE_FAILED');
  expect(result.events.find((e) => e.resourceStatus === 'DELETE_FAILED')?.resourceStatusReason).toMatch(/Project kept has 1 model version.*ResourceInUseException/);
});

test('a role that still has inline policies of another stack cannot be deleted (DeleteConflict)', async () => {
  await aws.engine.createStack({ stackName: 'SharedRole', template: { Resources: { Role: role } } });
  const roleName = aws.stack('SharedRole')!.resources.get('Role')!.physicalId!;
  aws.iam.putRolePolicy(roleName, 'Foreign', { Statement: [] });

  const result = await aws.engine.deleteStack({ stackName: 'SharedRole' });

  expect(result.status).toBe('DELETE_FAILED');
  expect(result.events.find((e) => e.resourceStatus === 'DELETE_FAILED')?.resourceStatusReason).toContain('must delete policies first');
});

describe('a function', () => {
  const functionTemplate = (extra: Template['Resources'] = {}): Template => ({
    Resources: {
      Role: role,
      Function: {
        Type: 'AWS::Lambda::Function',
        Properties: { Code: { S3Bucket: 'assets', S3Key: 'describe-own-stack.zip' }, Handler: 'index.handler', Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Timeout: 30 },
      },
      ...extra,
    },
  });
  const readStacks = {
    Type: 'AWS::IAM::Policy',
    Properties: {
      PolicyName: 'ReadStacks',
      Roles: [{ Ref: 'Role' }],
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' } }] },
    },
  };

  /** Runs the function once with `event`, returning its JSON log lines. */
  async function run(stackName: string, event: object) {
    const functionName = aws.stack(stackName)!.resources.get('Function')!.physicalId!;
    const invocation = aws.lambda.invokeAsync(`arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`, event);
    return (await invocation.result).logs;
  }

  beforeAll(() => aws.addAsset('describe-own-stack.zip', path.join(__dirname, 'fixtures', 'describe-own-stack')));

  test('runs with its role\'s credentials and the local CloudFormation endpoint: allowed while its stack\'s policy allows it, and not past an SCP deny', async () => {
    // What the policies in force allow; IAM's propagation delay has its own tests (test/local/iam.test.ts).
    aws.iam.propagationDelayMs = 0;
    await aws.engine.createStack({ stackName: 'Reader', template: functionTemplate({ ReadStacks: readStacks }) });

    expect(await run('Reader', { StackName: 'Reader' })).toEqual([{ message: 'described', status: 'CREATE_COMPLETE', endpoint: aws.api.endpoint }]);
    expect(await run('Reader', { StackName: 'SharedRole' })).toEqual([expect.objectContaining({ message: 'refused', error: 'AccessDenied' })]);

    aws.iam.deniedActions.push('cloudformation:DescribeStacks');
    const [denied] = await run('Reader', { StackName: 'Reader' });
    aws.iam.deniedActions.length = 0;
    expect(denied).toMatchObject({ message: 'refused', error: 'AccessDenied' });
    expect(denied.reason).toContain('cloudformation:DescribeStacks');
  });

  test('a deleted function cannot be invoked: ResourceNotFoundException', async () => {
    await aws.engine.createStack({ stackName: 'Gone', template: functionTemplate() });
    const functionName = aws.stack('Gone')!.resources.get('Function')!.physicalId!;
    await aws.engine.deleteStack({ stackName: 'Gone' });

    expect(() => aws.lambda.invokeAsync(`arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`, {})).toThrow(expect.objectContaining({ name: 'ResourceNotFoundException' }));
  });
});
