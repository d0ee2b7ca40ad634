import { Stack } from 'aws-cdk-lib';
import { MAX_RESPONSE_BYTES } from '../../../lambda/teardown/cfn-response';
import { logicalIdOf } from '../../../local/cloudformation/synthesized-stack';
import { LOCAL_ENV, LocalAws, SentEvent, StackOperationReport } from '../../../local/local-aws';
import { ModelOptions } from '../../../local/rekognition';
import { CustomLabelsModelLifecycle, CustomLabelsModelLifecycleProps } from '../../../src';

/** What the end-to-end tests share: a stack of models deployed to a LocalAws, and what every response must be. */

/** One model of the stack: the construct's props, and the model as the simulator holds it at deploy. */
export interface E2EModel {
  readonly props: Omit<CustomLabelsModelLifecycleProps, 'project'>;
  readonly model: ModelOptions;
}

/** The deployed stack. */
export interface E2EStack {
  readonly stackName: string;
  readonly deploy: StackOperationReport;
  /** The constructs, in the order given. */
  readonly constructs: CustomLabelsModelLifecycle[];
  /** The logical id of the custom resource of the model with this ARN. */
  readonly logicalIdOf: (arn: string) => string;
}

/** Adds each model to the simulator, then deploys one stack with a construct for each (every Create a real run). */
export async function deployModels(aws: LocalAws, models: E2EModel[], stackName = 'TeardownE2E'): Promise<E2EStack> {
  const stack = new Stack(aws.newApp(), stackName, { env: LOCAL_ENV });
  const ids = new Map<string, string>();
  const constructs = models.map(({ props, model }, i) => {
    aws.sim.addModel(props.projectVersionArn, model);
    const construct = new CustomLabelsModelLifecycle(stack, `Model${i}`, props);
    ids.set(props.projectVersionArn, logicalIdOf(construct.node.findChild('Resource')));
    return construct;
  });
  const deploy = await aws.deploy(aws.synthesize(stack));
  expect(deploy.status).toBe('CREATE_COMPLETE');
  return { stackName, deploy, constructs, logicalIdOf: (arn) => ids.get(arn)! };
}

/** Asserts what every response must be: one PUT, within size, echoing the request's ids, from runs that ended well and never wrote the URL's secret. */
export function expectWellFormed(sent: SentEvent): void {
  const { response, event } = sent;
  expect(response.method).toBe('PUT');
  expect(response.contentType).toBe('');
  expect(response.bytes).toBeLessThan(MAX_RESPONSE_BYTES);
  expect(response.body).toMatchObject({
    RequestId: event.RequestId,
    StackId: event.StackId,
    LogicalResourceId: event.LogicalResourceId,
  });
  for (const run of sent.runs) {
    expect(run).toMatchObject({ exitCode: 0, timedOut: false });
    expect(run.stdout + run.stderr).not.toContain(sent.signature);
  }
}
