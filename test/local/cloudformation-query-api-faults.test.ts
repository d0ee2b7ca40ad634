import { execFile } from 'child_process';
import { promisify } from 'util';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { ADMIN_CREDENTIALS, LOCAL_REGION, LocalAws } from '../../local/local-aws';

/**
 * The read API made to throttle and fail, through the real `@aws-sdk/client-cloudformation` with
 * its retries off (`maxAttempts: 1`), and through the AWS CLI v1: the error codes, HTTP statuses
 * and messages CloudFormation answers with.
 */

jest.setTimeout(60_000);

let aws: LocalAws;
let cloudFormation: CloudFormationClient;
beforeAll(async () => {
  aws = await LocalAws.start();
  cloudFormation = new CloudFormationClient({ region: LOCAL_REGION, endpoint: aws.api.endpoint, credentials: ADMIN_CREDENTIALS, maxAttempts: 1 });
  await aws.engine.createStack({ stackName: 'Faulty', template: { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } } });
});
afterEach(() => aws.api.clearFaults());
afterAll(async () => {
  cloudFormation.destroy();
  await aws.close();
});

/** The outcome of one DescribeStacks: 'ok', or the error's name and HTTP status. */
async function describe(): Promise<string> {
  try {
    await cloudFormation.send(new DescribeStacksCommand({ StackName: 'Faulty' }));
    return 'ok';
  } catch (err) {
    const error = err as { name: string; $metadata?: { httpStatusCode?: number } };
    return `${error.name} ${error.$metadata?.httpStatusCode ?? '-'}`;
  }
}

test('Throttling: HTTP 400, Rate exceeded, as CloudFormation answers a throttled call', async () => {
  aws.api.injectFaults({ throttlingRate: 1 });

  await expect(cloudFormation.send(new DescribeStacksCommand({ StackName: 'Faulty' })))
    .rejects.toMatchObject({ name: 'Throttling', message: 'Rate exceeded', $fault: 'client', $metadata: { httpStatusCode: 400 } });
  expect(aws.api.calls.at(-1)).toMatchObject({ action: 'DescribeStacks', error: 'Throttling', injected: true });
});

test('InternalFailure (HTTP 500) and ServiceUnavailable (HTTP 503) with CloudFormation\'s common-error messages', async () => {
  aws.api.injectFaults({ internalFailureRate: 1 });
  await expect(cloudFormation.send(new DescribeStacksCommand({ StackName: 'Faulty' }))).rejects.toMatchObject({
    name: 'InternalFailure',
    message: 'The request processing has failed because of an unknown error, exception or failure.',
    $fault: 'server',
    $metadata: { httpStatusCode: 500 },
  });

  aws.api.injectFaults({ serviceUnavailableRate: 1 });
  await expect(cloudFormation.send(new ListStackResourcesCommand({ StackName: 'Faulty' }))).rejects.toMatchObject({
    name: 'ServiceUnavailable',
    message: 'The request has failed due to a temporary failure of the server.',
    $metadata: { httpStatusCode: 503 },
  });
});

test('a dropped connection is closed with no answer: the client sees a network error, not an HTTP status', async () => {
  aws.api.injectFaults({ dropRate: 1 });

  const error = await cloudFormation.send(new DescribeStacksCommand({ StackName: 'Faulty' })).then(() => undefined, (e) => e);

  expect(error).toBeInstanceOf(Error);
  expect(error.$metadata?.httpStatusCode).toBeUndefined();
  expect(String(error.code ?? error.message)).toMatch(/ECONNRESET|socket hang up/);
  expect(aws.api.calls.at(-1)).toMatchObject({ error: 'ConnectionDropped', injected: true });
});

test('rates are drawn from a seeded generator: the same seed repeats the same outcomes, about the given share of calls', async () => {
  const run = async () => {
    aws.api.injectFaults({ seed: 7, throttlingRate: 0.3, internalFailureRate: 0.2 });
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) outcomes.push(await describe());
    return outcomes;
  };

  const first = await run();
  const second = await run();

  expect(second).toEqual(first);
  const count = (outcome: string) => first.filter((o) => o === outcome).length;
  expect(count('Throttling 400')).toBeGreaterThanOrEqual(5);
  expect(count('Throttling 400')).toBeLessThanOrEqual(20);
  expect(count('InternalFailure 500')).toBeGreaterThanOrEqual(2);
  expect(count('ok')).toBeGreaterThanOrEqual(10);
});

test('a requests-per-second limit throttles past its bucket, only for the actions named, and refills with time', async () => {
  // One token every 2 s, so the burst's outcome does not depend on how fast the machine is.
  aws.api.injectFaults({ requestsPerSecond: 0.5, burst: 5, actions: ['DescribeStacks'] });

  const burst = await Promise.all(Array.from({ length: 10 }, () => describe()));
  expect(burst.filter((o) => o === 'ok')).toHaveLength(5);
  expect(burst.filter((o) => o === 'Throttling 400')).toHaveLength(5);
  // Other actions are not limited.
  const listed = await Promise.all(Array.from({ length: 10 }, () => cloudFormation.send(new ListStackResourcesCommand({ StackName: 'Faulty' }))));
  expect(listed).toHaveLength(10);

  await new Promise((resolve) => setTimeout(resolve, 2_100));
  expect(await describe()).toBe('ok');
  expect(await describe()).toBe('Throttling 400');

  aws.api.clearFaults();
  expect(await Promise.all(Array.from({ length: 10 }, () => describe()))).toEqual(Array(10).fill('ok'));
});

test('rates outside 0..1, adding up past 1, or a limit that is not above 0 are refused', () => {
  expect(() => aws.api.injectFaults({ throttlingRate: 1.5 })).toThrow('fault rates must be within 0..1 and add up to at most 1');
  expect(() => aws.api.injectFaults({ throttlingRate: 0.6, dropRate: 0.6 })).toThrow('add up to at most 1');
  expect(() => aws.api.injectFaults({ requestsPerSecond: 0 })).toThrow('requestsPerSecond must be above 0');
});

test('the AWS CLI v1 shows the error codes', async () => {
  const cli = (...args: string[]) => promisify(execFile)('aws', ['cloudformation', ...args, '--endpoint-url', aws.api.endpoint, '--region', LOCAL_REGION, '--output', 'json'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: ADMIN_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ADMIN_CREDENTIALS.secretAccessKey,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_MAX_ATTEMPTS: '1',
    },
  });
  const stderrOf = (promise: Promise<unknown>) => promise.then(() => 'succeeded', (e: { stderr: string }) => e.stderr);

  aws.api.injectFaults({ throttlingRate: 1 });
  expect(await stderrOf(cli('describe-stacks', '--stack-name', 'Faulty'))).toMatch(/An error occurred \(Throttling\) when calling the DescribeStacks operation.*: Rate exceeded/);
  aws.api.injectFaults({ internalFailureRate: 1 });
  expect(await stderrOf(cli('describe-stacks', '--stack-name', 'Faulty'))).toMatch(/An error occurred \(InternalFailure\) when calling the DescribeStacks operation/);
  aws.api.injectFaults({ serviceUnavailableRate: 1 });
  expect(await stderrOf(cli('describe-stacks', '--stack-name', 'Faulty'))).toMatch(/An error occurred \(ServiceUnavailable\) when calling the DescribeStacks operation/);
  aws.api.clearFaults();
  expect(JSON.parse((await cli('describe-stacks', '--stack-name', 'Faulty')).stdout).Stacks[0].StackStatus).toBe('CREATE_COMPLETE');
});
