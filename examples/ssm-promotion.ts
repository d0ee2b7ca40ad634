import { App } from 'aws-cdk-lib';
import { PromotedModelStack } from './promoted-model-stack';

/**
 * The model in service is the one the SSM parameter names. Promote a model by pointing the
 * parameter at it, then refresh the cached value and deploy:
 *   aws ssm put-parameter --overwrite --name /models/birds/current --value arn:aws:rekognition:...
 *   npx cdk context --reset 'ssm:account=<account>:parameterName=/models/birds/current:region=<region>'
 *   npx cdk deploy --app 'npx ts-node --prefer-ts-exts ssm-promotion.ts'
 */
const app = new App();
new PromotedModelStack(app, 'RekognitionPromotedModelExample', {
  // A lookup needs a concrete account and region: the CLI's, from the credentials it deploys with.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT ?? '123456789012', region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' },
  parameterName: app.node.tryGetContext('modelParameter') ?? '/models/birds/current',
});
app.synth();
