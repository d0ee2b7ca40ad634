import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CloudFormationEngine, OperationResult } from './cloudformation/engine';
import { CustomResourceProvider, CustomResourceRequest } from './cloudformation/providers/custom-resource-provider';
import { ManagedPolicyProvider, PolicyProvider, RoleProvider } from './cloudformation/providers/iam-providers';
import { LambdaFunctionProvider } from './cloudformation/providers/lambda-function-provider';
import { LogGroupProvider } from './cloudformation/providers/log-group-provider';
import { NoOpProvider } from './cloudformation/providers/no-op-provider';
import { RekognitionProjectProvider } from './cloudformation/providers/rekognition-project-provider';
import { ResourceProvider } from './cloudformation/providers/resource-provider';
import { CloudFormationQueryApi } from './cloudformation/query-api';
import { CfnResponseEndpoint } from './cloudformation/response-endpoint';
import { LiveStack } from './cloudformation/stack-state';
import { synthesize, SynthesizedStack, SynthesizeOptions } from './cloudformation/synthesized-stack';
import { ADMIN_ACCESS_KEY_ID, LocalIam } from './iam';
import { InvocationResult } from './lambda/lambda-process';
import { LocalLambdaService } from './lambda/local-lambda-service';
import { CallRecord, RekognitionSimulator, SimulatorOptions } from './rekognition';

/**
 * The local AWS a stack operation runs against, wired together: the Rekognition simulator, IAM,
 * the Lambda service running the real bundle (one process per run, with its role's credentials),
 * the HTTPS response endpoint, the CloudFormation engine, and CloudFormation's read APIs. Every
 * Rekognition, Lambda and CloudFormation call a function makes is authorized by IAM as it is at
 * that moment.
 *
 * @example
 * const aws = await LocalAws.start();
 * const stack = new Stack(aws.newApp(), 'Models', { env: LOCAL_ENV });
 * new CustomLabelsModelLifecycle(stack, 'Model', { projectVersionArn });
 * aws.sim.addModel(projectVersionArn, { status: 'RUNNING' });
 * const deploy = await aws.deploy(aws.synthesize(stack));
 * const destroy = await aws.destroy(stack.stackName);
 */

export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_REGION = 'us-east-1';
/** The `env` of stacks deployed to the local AWS. */
export const LOCAL_ENV = { account: LOCAL_ACCOUNT, region: LOCAL_REGION };

/** Credentials of the administrator (tests, the CLI): allowed everything. */
export const ADMIN_CREDENTIALS = { accessKeyId: ADMIN_ACCESS_KEY_ID, secretAccessKey: 'local-admin-secret' };

export interface LocalAwsOptions {
  readonly simulator?: SimulatorOptions;
}

/** A stack operation's outcome with what it caused. */
export interface StackOperationReport extends OperationResult {
  /** The Rekognition calls made during the operation. */
  readonly rekognitionCalls: CallRecord[];
  /** The function runs started during the operation, ended (their `logs` are the JSON lines logged). */
  readonly functionRuns: InvocationResult[];
  /** The custom-resource requests sent during the operation, with their responses. */
  readonly customResourceRequests: CustomResourceRequest[];
}

export class LocalAws {
  static async start(options: LocalAwsOptions = {}): Promise<LocalAws> {
    const sim = await RekognitionSimulator.start(options.simulator);
    const iam = new LocalIam(LOCAL_ACCOUNT);
    const responses = await CfnResponseEndpoint.start();
    const functionEnvironment: Record<string, string> = { AWS_ENDPOINT_URL_REKOGNITION: sim.endpoint };
    const lambda = await LocalLambdaService.start([], { environment: functionEnvironment });
    const aws = new LocalAws(sim, iam, responses, lambda);
    aws.api = await CloudFormationQueryApi.start(aws.engine, (key, action, resource) => iam.authorize(key, action, resource));
    functionEnvironment.AWS_ENDPOINT_URL_CLOUDFORMATION = aws.api.endpoint;
    return aws;
  }

  public readonly engine: CloudFormationEngine;
  /** CloudFormation's read APIs (DescribeStacks, ...) on loopback. */
  public api!: CloudFormationQueryApi;
  private readonly customResources: CustomResourceProvider;
  private readonly assetDirs = new Map<string, string>();
  private readonly outdirs: string[] = [];

  private constructor(
    public readonly sim: RekognitionSimulator,
    public readonly iam: LocalIam,
    public readonly responses: CfnResponseEndpoint,
    public readonly lambda: LocalLambdaService,
  ) {
    const authorize = (key: string, action: string, resource: string) => iam.authorize(key, action, resource);
    sim.authorizer = authorize;
    lambda.authorizer = authorize;
    this.customResources = new CustomResourceProvider(lambda, responses);
    const providers: Record<string, ResourceProvider> = {
      'AWS::IAM::Role': new RoleProvider(iam),
      'AWS::IAM::Policy': new PolicyProvider(iam),
      'AWS::IAM::ManagedPolicy': new ManagedPolicyProvider(iam),
      'AWS::Logs::LogGroup': new LogGroupProvider(),
      'AWS::Lambda::Function': new LambdaFunctionProvider(lambda, iam, (key) => this.assetDir(key)),
      'AWS::Rekognition::Project': new RekognitionProjectProvider(sim),
      'AWS::CloudFormation::CustomResource': this.customResources,
    };
    const noOp = new NoOpProvider();
    this.engine = new CloudFormationEngine({
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      providerFor: (type) => providers[type] ?? (type.startsWith('Custom::') ? this.customResources : noOp),
    });
  }

  /** A CDK app whose cloud assembly goes to a fresh folder, removed by {@link close}. */
  public newApp(): App {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-aws-'));
    this.outdirs.push(outdir);
    return new App({ outdir });
  }

  /** Synthesizes `stack` (made in an app from {@link newApp}) and keeps its assets for the Lambda service. */
  public synthesize(stack: Stack, options: SynthesizeOptions = {}): SynthesizedStack {
    const synthesized = synthesize(stack, options);
    synthesized.assetDirs.forEach((dir, key) => this.addAsset(key, dir));
    return synthesized;
  }

  /** Makes `dir` the code of functions whose Code.S3Key is `objectKey` (what {@link synthesize} does for a stack's assets). */
  public addAsset(objectKey: string, dir: string): void {
    this.assetDirs.set(objectKey, dir);
  }

  /**
   * `cdk deploy`: creates the stack, or updates it if it exists. A stack left ROLLBACK_COMPLETE by
   * a failed create can only be deleted, so it is deleted first, as the CDK CLI does (the report's
   * events then hold the delete's too).
   */
  public deploy(stack: SynthesizedStack, options: { parameters?: Record<string, string> } = {}): Promise<StackOperationReport> {
    const input = { stackName: stack.stackName, template: stack.template, parameters: options.parameters };
    return this.observe(async () => {
      const existing = this.engine.stack(stack.stackName);
      if (existing?.status === 'ROLLBACK_COMPLETE') {
        const deleted = await this.engine.deleteStack({ stackName: stack.stackName });
        const created = await this.engine.createStack(input);
        return { ...created, events: [...deleted.events, ...created.events] };
      }
      return existing ? this.engine.updateStack(input) : this.engine.createStack(input);
    });
  }

  /** `cdk destroy` (`aws cloudformation delete-stack`, with `--retain-resources` if given). */
  public destroy(stackName: string, options: { retainResources?: string[] } = {}): Promise<StackOperationReport> {
    return this.observe(() => this.engine.deleteStack({ stackName, retainResources: options.retainResources }));
  }

  /** The stack as it stands (by name while it exists, by id also after). */
  public stack(nameOrId: string): LiveStack | undefined {
    return this.engine.stack(nameOrId);
  }

  public async close(): Promise<void> {
    await this.lambda.idle();
    await Promise.all([this.sim.close(), this.responses.close(), this.lambda.close(), this.api.close()]);
    for (const outdir of this.outdirs) {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }

  private async observe(operation: () => Promise<OperationResult>): Promise<StackOperationReport> {
    const calls = this.sim.calls.length;
    const runs = this.lambda.invocations.length;
    const requests = this.customResources.requests.length;
    const result = await operation();
    await this.lambda.idle();
    return {
      ...result,
      rekognitionCalls: this.sim.calls.slice(calls),
      functionRuns: await Promise.all(this.lambda.invocations.slice(runs).map((i) => i.result)),
      customResourceRequests: this.customResources.requests.slice(requests),
    };
  }

  private assetDir(objectKey: string): string {
    const dir = this.assetDirs.get(objectKey);
    if (dir === undefined) {
      throw new Error(`no synthesized asset has the object key ${objectKey}: synthesize the stack with LocalAws.synthesize`);
    }
    return dir;
  }
}
