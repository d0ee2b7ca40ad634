import { CfnResource, Stack } from 'aws-cdk-lib';
import { LOCAL_ENV, LocalAws } from '../../local/local-aws';

/** LocalAws as `cdk deploy` and `cdk destroy` use it, apart from the construct under test. */

jest.setTimeout(60_000);

let aws: LocalAws;
beforeAll(async () => {
  aws = await LocalAws.start();
});
afterAll(() => aws.close());

function topicStack(): Stack {
  const stack = new Stack(aws.newApp(), 'Topics', { env: LOCAL_ENV });
  new CfnResource(stack, 'Topic', { type: 'AWS::SNS::Topic' });
  new CfnResource(stack, 'Guard', { type: 'AWS::EC2::SecurityGroup', properties: { GroupDescription: 'guard' } });
  return stack;
}

test('deploy after a failed create (ROLLBACK_COMPLETE) deletes the stack, then creates it again, as the CDK CLI does', async () => {
  aws.engine.faults.fail('Guard', 'create', { times: 1 });
  const failed = await aws.deploy(aws.synthesize(topicStack()));
  expect(failed.status).toBe('ROLLBACK_COMPLETE');

  const retried = await aws.deploy(aws.synthesize(topicStack()));

  expect(retried.status).toBe('CREATE_COMPLETE');
  expect(retried.stackId).not.toBe(failed.stackId);
  expect(retried.events.filter((e) => e.resourceType === 'AWS::CloudFormation::Stack').map((e) => e.resourceStatus))
    .toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE', 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
  expect(aws.stack(failed.stackId)!.status).toBe('DELETE_COMPLETE');
});

test('property overrides name resources of the template, and a wrong logical id is a clear error', () => {
  const synthesized = aws.synthesize(topicStack(), { propertyOverrides: { Topic: { TopicName: 'renamed' } } });
  expect(synthesized.template.Resources.Topic.Properties).toEqual({ TopicName: 'renamed' });
  expect(() => aws.synthesize(topicStack(), { propertyOverrides: { Nope: {} } })).toThrow('propertyOverrides names Nope, which is not a resource of Topics (its resources: Topic, Guard');
});
