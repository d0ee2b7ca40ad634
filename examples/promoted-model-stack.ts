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
  public readonly model: CustomLabelsModelLifecycle;

  constructor(scope: Construct, id: string, props: PromotedModelStackProps) {
    super(scope, id, props);
    // Before its lookup the CLI's first synth gets a placeholder, which the construct lets pass:
    // the CLI then looks the parameter up and synthesizes again.
    const projectVersionArn = ssm.StringParameter.valueFromLookup(this, props.parameterName);
    this.model = new CustomLabelsModelLifecycle(this, 'Model', { projectVersionArn });
  }
}
