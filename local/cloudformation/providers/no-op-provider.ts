import { generatedName, Provisioned, ResourceContext, ResourceProvider } from './resource-provider';

/**
 * Any type the engine has no provider for (AWS::CDK::Metadata, AWS::EC2::SecurityGroup, ...):
 * it succeeds at once without creating anything, so a test can add one to a stack and make it
 * fail by fault injection. Its Fn::GetAtt attributes are placeholders named after the attribute.
 */
export class NoOpProvider implements ResourceProvider {
  public readonly placeholderAttributes = true;

  public async create(context: ResourceContext): Promise<Provisioned> {
    return { physicalId: generatedName(context, 64), attributes: {} };
  }

  public async update(_context: ResourceContext, current: Provisioned): Promise<Provisioned> {
    return current;
  }

  public async delete(): Promise<void> {}
}
