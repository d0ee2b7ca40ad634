import { changed, generatedName, Properties, Provisioned, ResourceContext, ResourceFailure, ResourceProvider } from './resource-provider';
import { LocalIam } from '../../iam';
import { LocalLambdaService } from '../../lambda/local-lambda-service';

/**
 * AWS::Lambda::Function: registers the function's code asset with the local Lambda service, with
 * the credentials of its role, so that its runs call AWS as that role. Deleting it makes later
 * invocations fail with ResourceNotFoundException. FunctionName changes replace the function
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-function.html);
 * every other property updates in place.
 */
export class LambdaFunctionProvider implements ResourceProvider {
  /**
   * @param codeDir the folder of the code asset with this S3 object key
   */
  constructor(
    private readonly lambda: LocalLambdaService,
    private readonly iam: LocalIam,
    private readonly codeDir: (objectKey: string) => string,
  ) {}

  public async create(context: ResourceContext, properties: Properties): Promise<Provisioned> {
    const name = typeof properties.FunctionName === 'string' ? properties.FunctionName : generatedName(context, 64);
    const arn = `arn:aws:lambda:${context.region}:${context.account}:function:${name}`;
    this.register(arn, properties);
    return { physicalId: name, attributes: { Arn: arn } };
  }

  public async update(context: ResourceContext, current: Provisioned, properties: Properties, oldProperties: Properties): Promise<Provisioned> {
    if (changed(properties, oldProperties, ['FunctionName'])) {
      return this.create(context, properties);
    }
    this.register(String(current.attributes.Arn), properties);
    return current;
  }

  public async delete(context: ResourceContext, physicalId: string): Promise<void> {
    this.lambda.unregister(`arn:aws:lambda:${context.region}:${context.account}:function:${physicalId}`);
  }

  private register(functionArn: string, properties: Properties): void {
    const code = properties.Code as { S3Key?: string } | undefined;
    if (typeof code?.S3Key !== 'string') {
      throw new ResourceFailure('The local Lambda runs only code assets (Code.S3Key) of the cloud assembly');
    }
    const roleName = String(properties.Role ?? '').split('/').pop() ?? '';
    if (!this.iam.roleExists(roleName)) {
      throw new ResourceFailure(`The role defined for the function cannot be assumed by Lambda. (Service: Lambda, Status Code: 400, Error Code: InvalidParameterValueException) [role ${String(properties.Role)}]`);
    }
    const environment = (properties.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {};
    this.lambda.register({
      functionArn,
      codeDir: this.codeDir(code.S3Key),
      handler: String(properties.Handler),
      timeoutMs: Number(properties.Timeout ?? 3) * 1000,
      environment,
      credentials: this.iam.credentialsFor(roleName),
    });
  }
}
