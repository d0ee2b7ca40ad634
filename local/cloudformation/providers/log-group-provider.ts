import { changed, generatedName, Properties, Provisioned, ResourceContext, ResourceProvider } from './resource-provider';

/**
 * AWS::Logs::LogGroup: a name held while the resource exists; no logs are stored (the function
 * runs' stdout is kept by the local Lambda). LogGroupName changes replace it
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html).
 */
export class LogGroupProvider implements ResourceProvider {
  public readonly logGroups = new Set<string>();

  public async create(context: ResourceContext, properties: Properties): Promise<Provisioned> {
    const name = typeof properties.LogGroupName === 'string' ? properties.LogGroupName : generatedName(context, 512);
    this.logGroups.add(name);
    return { physicalId: name, attributes: { Arn: `arn:aws:logs:${context.region}:${context.account}:log-group:${name}:*` } };
  }

  public async update(context: ResourceContext, current: Provisioned, properties: Properties, oldProperties: Properties): Promise<Provisioned> {
    return changed(properties, oldProperties, ['LogGroupName']) ? this.create(context, properties) : current;
  }

  public async delete(_context: ResourceContext, physicalId: string): Promise<void> {
    this.logGroups.delete(physicalId);
  }
}
