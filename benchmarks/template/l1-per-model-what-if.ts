import { CfnResource, Names } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TeardownProvider } from '../../src/teardown-provider';

/**
 * What-if for synth time: the construct's per-model resources written as L1s (CfnPolicy and
 * CfnResource instead of iam.Policy and CustomResource), with the same shared provider, the same
 * properties, references and dependencies. Only synthesized, to price the L2 constructs.
 */
export class L1PerModelWhatIf extends Construct {
  constructor(scope: Construct, id: string, props: { readonly projectVersionArn: string }) {
    super(scope, id);
    const provider = TeardownProvider.of(this);
    const policy = new iam.CfnPolicy(this, 'TeardownPolicy', {
      // iam.Policy names its policy the same way.
      policyName: Names.uniqueId(this),
      roles: [provider.role.roleName],
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: ['rekognition:StopProjectVersion', 'rekognition:DeleteProjectVersion'],
          Resource: props.projectVersionArn,
        }],
      },
    });
    const resource = new CfnResource(this, 'Resource', {
      type: 'Custom::RekognitionCustomLabelsModel',
      properties: {
        ServiceToken: provider.function.functionArn,
        ServiceTimeout: 1_860,
        ProjectVersionArn: props.projectVersionArn,
        TeardownAction: 'DELETE',
        MaxWaitSeconds: 1_800,
      },
    });
    resource.addDependency(policy);
    resource.addDependency(provider.handlerPolicy.node.defaultChild as CfnResource);
  }
}
