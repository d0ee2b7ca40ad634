import { execFile } from 'child_process';
import { promisify } from 'util';
import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  StackEvent,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { Template } from '../../local/cloudformation/template';
import { ADMIN_CREDENTIALS, LOCAL_REGION, LocalAws } from '../../local/local-aws';
import { CustomLabelsModelLifecycle } from '../../src';
import { modelArn, modelResourceId, stackOf } from '../stack/stack-test-kit';

/**
 * CloudFormation's read APIs of the local engine, through the real `@aws-sdk/client-cloudformation`
 * (and once through the AWS CLI v1), allowed only as IAM allows, answering live statuses.
 */

jest.setTimeout(120_000);

let aws: LocalAws;
let cloudFormation: CloudFormationClient;
beforeAll(async () => {
  aws = await LocalAws.start();
  // The kinder form: these tests read statuses right after the operation that set them, to check
  // the API's fields and paging; the lag is tested in test/stack/strict-cloudformation.test.ts.
  aws.engine.strictness.resourceStatusLagMs = 0;
  cloudFormation = new CloudFormationClient({ region: LOCAL_REGION, endpoint: aws.api.endpoint, credentials: ADMIN_CREDENTIALS });
});
afterAll(async () => {
  cloudFormation.destroy();
  await aws.close();
});

/** 150 topics (no-op resources here), more than one page of ListStackResources. */
const manyTopics: Template = {
  Description: 'many topics',
  Parameters: { Env: { Type: 'String', Default: 'test' } },
  Resources: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`Topic${i}`, { Type: 'AWS::SNS::Topic' }])),
};

describe('on a CREATE_COMPLETE stack', () => {
  let stackId = '';
  beforeAll(async () => {
    stackId = (await aws.engine.createStack({ stackName: 'Topics', template: manyTopics })).stackId;
  });

  test('DescribeStacks answers the stack by name and by id', async () => {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: 'Topics' }));
    expect(Stacks).toHaveLength(1);
    expect(Stacks![0]).toMatchObject({
      StackId: stackId,
      StackName: 'Topics',
      Description: 'many topics',
      StackStatus: 'CREATE_COMPLETE',
      Parameters: [{ ParameterKey: 'Env', ParameterValue: 'test' }],
      DisableRollback: false,
    });
    expect(Stacks![0].CreationTime).toBeInstanceOf(Date);
    const byId = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackId }));
    expect(byId.Stacks![0].StackName).toBe('Topics');
  });

  test('ListStackResources pages 100 at a time with NextToken', async () => {
    const first = await cloudFormation.send(new ListStackResourcesCommand({ StackName: 'Topics' }));
    expect(first.StackResourceSummaries).toHaveLength(100);
    expect(first.NextToken).toBeDefined();
    const second = await cloudFormation.send(new ListStackResourcesCommand({ StackName: 'Topics', NextToken: first.NextToken }));
    expect(second.StackResourceSummaries).toHaveLength(50);
    expect(second.NextToken).toBeUndefined();
    const all: StackResourceSummary[] = [...first.StackResourceSummaries!, ...second.StackResourceSummaries!];
    expect(new Set(all.map((r) => r.LogicalResourceId)).size).toBe(150);
    expect(all[0]).toMatchObject({ LogicalResourceId: 'Topic0', ResourceType: 'AWS::SNS::Topic', ResourceStatus: 'CREATE_COMPLETE' });
    expect(all[0].PhysicalResourceId).toMatch(/^Topics-Topic0-/);
    expect(all[0].LastUpdatedTimestamp).toBeInstanceOf(Date);
  });

  test('DescribeStackEvents answers the events newest first, 100 a page with NextToken, the stack\'s own among them', async () => {
    const first = await cloudFormation.send(new DescribeStackEventsCommand({ StackName: 'Topics' }));
    expect(first.StackEvents).toHaveLength(100);
    const rest: StackEvent[] = [];
    for (let token = first.NextToken; token !== undefined;) {
      const page = await cloudFormation.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: token }));
      rest.push(...page.StackEvents!);
      token = page.NextToken;
    }
    const all = [...first.StackEvents!, ...rest];
    // Two events per topic and the stack's CREATE_IN_PROGRESS and CREATE_COMPLETE.
    expect(all).toHaveLength(302);
    expect(all[0]).toMatchObject({ StackId: stackId, StackName: 'Topics', LogicalResourceId: 'Topics', PhysicalResourceId: stackId, ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'CREATE_COMPLETE' });
    expect(all[all.length - 1]).toMatchObject({ LogicalResourceId: 'Topics', ResourceStatus: 'CREATE_IN_PROGRESS', ResourceStatusReason: 'User Initiated' });
    expect(all[0].Timestamp).toBeInstanceOf(Date);
    expect(new Set(all.map((e) => e.EventId)).size).toBe(302);
  });

  test('a missing stack is a ValidationError, as CloudFormation answers it', async () => {
    await expect(cloudFormation.send(new DescribeStacksCommand({ StackName: 'Nowhere' })))
      .rejects.toMatchObject({ name: 'ValidationError', message: 'Stack with id Nowhere does not exist', $metadata: { httpStatusCode: 400 } });
  });

  test('a role may read only the stacks its policies allow, and never past an SCP deny', async () => {
    // What the policies in force allow; IAM's propagation delay has its own tests (test/local/iam.test.ts).
    aws.iam.propagationDelayMs = 0;
    aws.iam.createRole('Reader');
    const reader = new CloudFormationClient({ region: LOCAL_REGION, endpoint: aws.api.endpoint, credentials: aws.iam.credentialsFor('Reader') });
    const describe = () => reader.send(new DescribeStacksCommand({ StackName: 'Topics' })).then((r) => r.Stacks![0].StackStatus, (e) => e.name);
    try {
      expect(await describe()).toBe('AccessDenied');
      aws.iam.putRolePolicy('Reader', 'Read', { Statement: [{ Effect: 'Allow', Action: 'cloudformation:Describe*', Resource: stackId }] });
      expect(await describe()).toBe('CREATE_COMPLETE');
      await expect(reader.send(new ListStackResourcesCommand({ StackName: 'Topics' }))).rejects.toMatchObject({ name: 'AccessDenied' });
      aws.iam.deniedActions.push('cloudformation:DescribeStacks');
      await expect(reader.send(new DescribeStacksCommand({ StackName: 'Topics' }))).rejects.toMatchObject({
        name: 'AccessDenied',
        message: expect.stringContaining(`not authorized to perform: cloudformation:DescribeStacks on resource: ${stackId} with an explicit deny in a service control policy`),
      });
    } finally {
      aws.iam.deniedActions.length = 0;
      reader.destroy();
    }
  });

  test('the AWS CLI v1 reads the same answers', async () => {
    const cli = (...args: string[]) => promisify(execFile)('aws', ['cloudformation', ...args, '--endpoint-url', aws.api.endpoint, '--region', LOCAL_REGION, '--output', 'json'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: ADMIN_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: ADMIN_CREDENTIALS.secretAccessKey, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
    }).then((r) => JSON.parse(r.stdout));
    const described = await cli('describe-stacks', '--stack-name', 'Topics');
    expect(described.Stacks[0]).toMatchObject({ StackId: stackId, StackName: 'Topics', StackStatus: 'CREATE_COMPLETE' });
    // The CLI follows NextToken by itself.
    const listed = await cli('list-stack-resources', '--stack-name', 'Topics');
    expect(listed.StackResourceSummaries).toHaveLength(150);
    await expect(cli('describe-stacks', '--stack-name', 'Nowhere')).rejects.toMatchObject({ stderr: expect.stringContaining('(ValidationError) when calling the DescribeStacks operation: Stack with id Nowhere does not exist') });
  });
});

describe('during operations', () => {
  /** Polls until `check` returns a value, up to 10 s. */
  async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 1000; i++) {
      const value = await check();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('never seen');
  }

  test('a destroy is seen live: DELETE_IN_PROGRESS, the model resource DELETE_IN_PROGRESS, then the stack is gone by name and DELETE_COMPLETE by id', async () => {
    const arn = modelArn('live-delete');
    aws.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: 1_500, deleteDurationMs: 100 });
    let modelId = '';
    const stack = stackOf(aws, 'LiveDelete', (s) => {
      modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
    });
    const { stackId } = await aws.deploy(aws.synthesize(stack));

    const destroy = aws.destroy('LiveDelete');
    const seen = await until(async () => {
      const [{ Stacks }, { StackResourceSummaries }] = await Promise.all([
        cloudFormation.send(new DescribeStacksCommand({ StackName: 'LiveDelete' })),
        cloudFormation.send(new ListStackResourcesCommand({ StackName: 'LiveDelete' })),
      ]);
      const model = StackResourceSummaries!.find((r) => r.LogicalResourceId === modelId);
      return model?.ResourceStatus === 'DELETE_IN_PROGRESS' ? Stacks![0].StackStatus : undefined;
    });
    expect(seen).toBe('DELETE_IN_PROGRESS');
    expect((await destroy).status).toBe('DELETE_COMPLETE');

    await expect(cloudFormation.send(new DescribeStacksCommand({ StackName: 'LiveDelete' }))).rejects.toMatchObject({ name: 'ValidationError' });
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackId }));
    expect(Stacks![0]).toMatchObject({ StackStatus: 'DELETE_COMPLETE' });
    expect(Stacks![0].DeletionTime).toBeInstanceOf(Date);
  });

  test('in the cleanup of an update, a replaced custom resource is listed with its new physical id', async () => {
    const [oldArn, newArn] = [modelArn('live-old'), modelArn('live-new')];
    aws.sim.addModel(oldArn, { status: 'RUNNING' });
    aws.sim.addModel(newArn, { status: 'RUNNING' });
    let modelId = '';
    const deploy = (arn: string) => aws.deploy(aws.synthesize(stackOf(aws, 'LiveUpdate', (s) => {
      modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
    })));
    await deploy(oldArn);

    const update = deploy(newArn);
    const listed = await until(async () => {
      const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: 'LiveUpdate' }));
      if (Stacks![0].StackStatus !== 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS') return undefined;
      const { StackResourceSummaries } = await cloudFormation.send(new ListStackResourcesCommand({ StackName: 'LiveUpdate' }));
      return StackResourceSummaries!.find((r) => r.LogicalResourceId === modelId);
    });
    expect(listed.PhysicalResourceId).toBe(newArn);
    await update;
  });
});

test('changing a custom resource\'s ServiceToken is refused, and the update rolls back', async () => {
  const arn = modelArn('service-token');
  aws.sim.addModel(arn, { status: 'RUNNING' });
  let modelId = '';
  const stackWith = () => stackOf(aws, 'ServiceToken', (s) => {
    modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
  });
  await aws.deploy(aws.synthesize(stackWith()));
  const otherToken = `arn:aws:lambda:${LOCAL_REGION}:123456789012:function:Other`;

  const update = await aws.deploy(aws.synthesize(stackWith(), { propertyOverrides: { [modelId]: { ServiceToken: otherToken } } }));

  expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(update.events.find((e) => e.logicalResourceId === modelId && e.resourceStatus === 'UPDATE_FAILED')?.resourceStatusReason).toBe('Modifying service token is not allowed.');
  expect(update.customResourceRequests).toEqual([]);
  expect(aws.sim.status(arn)).toBe('RUNNING');
});
