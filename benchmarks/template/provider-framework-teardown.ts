import * as path from 'path';
import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/**
 * The baseline for the template footprint and synth time: the same teardown built the common way,
 * with aws-cdk-lib's custom-resources Provider framework. An onEvent function calls Stop (and
 * Delete), an isComplete function polls, and the framework adds its own three functions and a
 * Step Functions waiter between them. One provider per stack, one policy per model granting both
 * user functions the model's two actions, as the construct does. Never deployed: only synthesized.
 */

const PROVIDER_ID = 'ProviderFrameworkTeardownProvider';
const HANDLER_BUNDLE_DIR = path.join(__dirname, '..', '..', 'assets', 'lambda', 'teardown', 'index');

class ProviderFrameworkTeardownProvider extends Construct {
  static of(scope: Construct): ProviderFrameworkTeardownProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID);
    return existing instanceof ProviderFrameworkTeardownProvider ? existing : new ProviderFrameworkTeardownProvider(stack, PROVIDER_ID);
  }

  readonly onEvent: lambda.Function;
  readonly isComplete: lambda.Function;
  readonly provider: cr.Provider;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const code = lambda.Code.fromAsset(HANDLER_BUNDLE_DIR);
    const props = { runtime: lambda.Runtime.NODEJS_24_X, architecture: lambda.Architecture.ARM_64, code, memorySize: 256 };
    this.onEvent = new lambda.Function(this, 'OnEvent', { ...props, handler: 'index.onEvent', timeout: Duration.minutes(1) });
    this.isComplete = new lambda.Function(this, 'IsComplete', { ...props, handler: 'index.isComplete', timeout: Duration.minutes(1) });
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.onEvent,
      isCompleteHandler: this.isComplete,
      queryInterval: Duration.seconds(10),
      totalTimeout: Duration.minutes(30),
    });
  }
}

/** One model's teardown through the Provider framework. */
export class ProviderFrameworkTeardown extends Construct {
  constructor(scope: Construct, id: string, props: { readonly projectVersionArn: string }) {
    super(scope, id);
    const provider = ProviderFrameworkTeardownProvider.of(this);
    const policy = new iam.Policy(this, 'TeardownPolicy', {
      roles: [provider.onEvent.role!, provider.isComplete.role!],
      statements: [new iam.PolicyStatement({
        actions: ['rekognition:StopProjectVersion', 'rekognition:DeleteProjectVersion'],
        resources: [props.projectVersionArn],
      })],
    });
    const resource = new CustomResource(this, 'Resource', {
      resourceType: 'Custom::RekognitionCustomLabelsModel',
      serviceToken: provider.provider.serviceToken,
      properties: { ProjectVersionArn: props.projectVersionArn },
    });
    resource.node.addDependency(policy);
  }
}
