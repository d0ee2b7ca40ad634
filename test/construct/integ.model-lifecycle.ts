/**
 * Integration test: a project and two model lifecycles (DELETE and STOP) in one stack.
 *
 * Offline, `npx projen integ` (part of `npx projen test`) synthesizes this app and compares it with
 * the committed snapshot in test/construct/integ.model-lifecycle.ts.snapshot/; asset hashes are left out of
 * the comparison, so editing the handler does not fail it. After a change to what the construct
 * synthesizes, review the diff and refresh the snapshot with `npx projen integ:update`.
 *
 * Against an AWS account (credentials in the environment), `npx projen integ --force` deploys and
 * destroys the stack for real. No model version exists under these ARNs (CloudFormation cannot
 * train one), so the run proves the deploy, the IAM grants and the teardown's "no such model"
 * path, the model before the project, on destroy; not the stop of a running model.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as rekognition from 'aws-cdk-lib/aws-rekognition';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { CustomLabelsModelLifecycle, ModelTeardownAction } from '../../src';

const PROJECT_NAME = 'cdk-integ-model-lifecycle';

// No creation stack traces: they hold this machine's paths, which do not belong in a snapshot.
const app = new App({ context: { [cxapi.DISABLE_CREATION_STACK_TRACES]: true } });
const stack = new Stack(app, 'RekognitionModelLifecycleInteg');

/** A version ARN in the deploying account and region, as tokens: the snapshot is region-agnostic. */
const versionArn = (version: string) => stack.formatArn({
  service: 'rekognition',
  resource: 'project',
  resourceName: `${PROJECT_NAME}/version/${version}/1700000000000`,
});

const project = new rekognition.CfnProject(stack, 'Project', { projectName: PROJECT_NAME });
new CustomLabelsModelLifecycle(stack, 'DeletedModel', {
  projectVersionArn: versionArn('deleted'),
  project,
  maxWait: Duration.minutes(10),
});
new CustomLabelsModelLifecycle(stack, 'StoppedModel', {
  projectVersionArn: versionArn('stopped'),
  teardownAction: ModelTeardownAction.STOP,
});

new IntegTest(app, 'ModelLifecycle', {
  testCases: [stack],
  // The update workflow would first deploy the committed snapshot, which holds no handler bundle
  // (integ-runner keeps templates, not assets): deploy the current app only.
  stackUpdateWorkflow: false,
});
