import { App } from 'aws-cdk-lib';
import { ModelTeardownExampleStack } from './model-teardown-stack';

/**
 * The example app. Deploy the project first, train a model version in it, then deploy again
 * with the version's ARN:
 *   npx cdk deploy -c projectName=birds -c projectVersionArn=arn:aws:rekognition:...
 */
const app = new App();
const region = process.env.CDK_DEFAULT_REGION ?? 'us-east-1';
const account = process.env.CDK_DEFAULT_ACCOUNT ?? '123456789012';
const projectName: string = app.node.tryGetContext('projectName') ?? 'birds';
new ModelTeardownExampleStack(app, 'RekognitionModelTeardownExample', {
  env: { account, region },
  projectName,
  projectVersionArn: app.node.tryGetContext('projectVersionArn')
    ?? `arn:aws:rekognition:${region}:${account}:project/${projectName}/version/${projectName}.2026-11-23T12.00.00/1763899200000`,
});
app.synth();
