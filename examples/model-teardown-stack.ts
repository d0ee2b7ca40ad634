import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as rekognition from 'aws-cdk-lib/aws-rekognition';
import { Construct } from 'constructs';
// In your own app: import { CustomLabelsModelLifecycle } from 'cdk-rekognition-model-lifecycle';
import { CustomLabelsModelLifecycle } from '../src';

/** Properties of the example stack. */
export interface ModelTeardownExampleStackProps extends StackProps {
  /** The project's name; the model version must belong to it. */
  readonly projectName: string;
  /** The ARN of a model version trained in that project. */
  readonly projectVersionArn: string;
}

/**
 * A Custom Labels project and one of its trained model versions in one stack: on `cdk destroy`,
 * the model is stopped and deleted first, then the project.
 */
export class ModelTeardownExampleStack extends Stack {
  public readonly model: CustomLabelsModelLifecycle;

  constructor(scope: Construct, id: string, props: ModelTeardownExampleStackProps) {
    super(scope, id, props);
    const project = new rekognition.CfnProject(this, 'Project', { projectName: props.projectName });
    this.model = new CustomLabelsModelLifecycle(this, 'Model', {
      projectVersionArn: props.projectVersionArn,
      project,
      maxWait: Duration.minutes(30),
    });
  }
}
