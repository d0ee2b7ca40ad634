import { changed, Properties, Provisioned, ResourceContext, ResourceFailure, ResourceProvider } from './resource-provider';
import { RekognitionSimulator, ServiceError } from '../../rekognition';

/**
 * AWS::Rekognition::Project in the Rekognition simulator. Ref returns the project name, GetAtt Arn
 * its ARN; a new ProjectName replaces it
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rekognition-project.html).
 * Deleting fails while the project has model versions, as DeleteProject does.
 */
export class RekognitionProjectProvider implements ResourceProvider {
  private readonly arns = new Map<string, string>();

  constructor(private readonly sim: RekognitionSimulator) {}

  public async create(context: ResourceContext, properties: Properties): Promise<Provisioned> {
    const name = String(properties.ProjectName);
    const arn = this.sim.createProject(context.region, context.account, name);
    this.arns.set(`${context.region}/${name}`, arn);
    return { physicalId: name, attributes: { Arn: arn } };
  }

  public async update(context: ResourceContext, current: Provisioned, properties: Properties, oldProperties: Properties): Promise<Provisioned> {
    return changed(properties, oldProperties, ['ProjectName']) ? this.create(context, properties) : current;
  }

  public async delete(context: ResourceContext, physicalId: string): Promise<void> {
    const arn = this.arns.get(`${context.region}/${physicalId}`);
    if (!arn) {
      return;
    }
    try {
      this.sim.deleteProject(arn);
      this.arns.delete(`${context.region}/${physicalId}`);
    } catch (err) {
      if (err instanceof ServiceError) {
        throw new ResourceFailure(`${err.message} (Service: Rekognition, Status Code: 400, Error Code: ${err.code})`);
      }
      throw err;
    }
  }
}
