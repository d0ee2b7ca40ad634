import { Stack, StackProps } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
// In your own app: import { CustomLabelsModelLifecycle } from 'cdk-rekognition-model-lifecycle';
import { CustomLabelsModelLifecycle } from '../src';

/** Properties of the example stack. */
export interface PromotedModelStackProps extends StackProps {
  /** The SSM parameter that holds the ARN of the model version in service, such as `/models/birds/current`. */
  readonly parameterName: string;
}

/**
 * The model version an SSM parameter names, promoted by changing the parameter. The parameter is
 * read at synth (`valueFromLookup`, cached in cdk.context.json), so the ARN is a literal in the
 * template: a promoted model replaces the old one, which is torn down once the update succeeds.
 * Read at deploy instead (`valueForStringParameter`), the ARN would be a token whose change the
 * teardown must refuse.
 */
export class PromotedModelStack extends Stack {
  /** What `valueFromLookup` returns before the CDK CLI has looked the parameter up. */
  public static readonly LOOKUP_PENDING_PREFIX = 'dummy-value-for-';

  public readonly model: CustomLabelsModelLifecycle;

  constructor(scope: Construct, id: string, props: PromotedModelStackProps) {
    super(scope, id, props);
    const current = ssm.StringParameter.valueFromLookup(this, props.parameterName);
    // On its first synth the CLI gets a placeholder, records the lookup, looks the parameter up
    // and synthesizes again: the placeholder, well-formed so the construct accepts it, is never deployed.
    const projectVersionArn = current.startsWith(PromotedModelStack.LOOKUP_PENDING_PREFIX)
      ? `arn:${this.partition}:rekognition:${this.region}:${this.account}:project/lookup-pending/version/lookup-pending/1`
      : current;
    this.model = new CustomLabelsModelLifecycle(this, 'Model', { projectVersionArn });
  }
}
