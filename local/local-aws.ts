import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CloudFormationEngine, OnFailure, OperationResult } from './cloudformation/engine';
import { CustomResourceProvider, CustomResourceRequest, SentRequest } from './cloudformation/providers/custom-resource-provider';
import { ManagedPolicyProvider, PolicyProvider, RoleProvider } from './cloudformation/providers/iam-providers';
import { LambdaFunctionProvider } from './cloudformation/providers/lambda-function-provider';
import { LogGroupProvider } from './cloudformation/providers/log-group-provider';
import { NoOpProvider } from './cloudformation/providers/no-op-provider';
import { RekognitionProjectProvider } from './cloudformation/providers/rekognition-project-provider';
import { ResourceProvider } from './cloudformation/providers/resource-provider';
import { SchedulerScheduleProvider } from './cloudformation/providers/scheduler-schedule-provider';
import { CloudFormationQueryApi } from './cloudformation/query-api';
import { CfnResponseEndpoint } from './cloudformation/response-endpoint';
import { SingleEvent } from './cloudformation/single-event';
import { LiveStack } from './cloudformation/stack-state';
import { synthesize, SynthesizedStack, SynthesizeOptions } from './cloudformation/synthesized-stack';
import { ADMIN_ACCESS_KEY_ID, LocalIam } from './iam';
import { InvocationResult } from './lambda/lambda-process';
import { LocalLambdaService, LocalLambdaServiceOptions } from './lambda/local-lambda-service';
import { CallRecord, RekognitionSimulator, SimulatorOptions } from './rekognition';
import { LocalScheduler } from './scheduler/local-scheduler';

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

/** A model version ARN of the local account, in `region` (default: the local one). */
export function modelArn(version: string, region = LOCAL_REGION, project = 'birds'): string {
  return `arn:aws:rekognition:${region}:${LOCAL_ACCOUNT}:project/${project}/version/${version}/1700000000000`;
}

/** Credentials of the administrator (tests, the CLI): allowed everything. */
export const ADMIN_CREDENTIALS = { accessKeyId: ADMIN_ACCESS_KEY_ID, secretAccessKey: 'local-admin-secret' };

interface LocalAwsOptions {
  readonly simulator?: SimulatorOptions;
  /**
   * How the Lambda service runs functions: `budgetMs` shortens every run (to make waits longer than
   * a run), `deliverTwice` and `asyncRetryDelaysMs` are its strictness switches.
   * @default - runs as long as the function's timeout; erring asynchronous runs retried twice; every
   * asynchronous invoke made through the Invoke API (a function's hand-off to itself) delivered twice
   */
  readonly lambda?: Omit<LocalLambdaServiceOptions, 'environment'>;
  /**
   * How long IAM takes to apply a change of a role's permissions (local/iam/local-iam.ts): the
   * stack tests keep a delay, so a function's first calls after its policies were created may be
   * denied, as on AWS; 0 is the kinder form.
   * @default 1000
   */
  readonly iamPropagationDelayMs?: number;
}

/**
 * Lambda may deliver an asynchronous event twice (local/lambda/local-lambda-service.ts); the stack
 * tests deliver every hand-off twice, and CloudFormation's own requests once, which a test of
 * duplicated requests switches on.
 */
const HANDOFFS_TWICE = (delivery: { throughApi: boolean }) => delivery.throughApi;

/**
 * A stack operation's outcome with what it caused, in every level of nested stacks. With several
 * operations under way at once in one LocalAws, each report holds only what its own stacks caused.
 */
export interface StackOperationReport extends OperationResult {
  /**
   * The Rekognition calls made during the operation by the roles of the stack and its nested
   * stacks (and calls no role signed, which cannot be told apart).
   */
  readonly rekognitionCalls: CallRecord[];
  /** The runs of the stack's (and its nested stacks') functions started during the operation, ended (their `logs` are the JSON lines logged). */
  readonly functionRuns: InvocationResult[];
  /** The custom-resource requests sent during the operation for resources of the stack or its nested stacks, with their responses. */
  readonly customResourceRequests: CustomResourceRequest[];
}

/** What one request sent on its own came to (see {@link LocalAws.sendEvent}). */
export interface SentEvent extends SentRequest {
  /** Every run of the function for this request (hand-offs and second deliveries included), ended. */
  readonly runs: InvocationResult[];
}

/** How {@link LocalAws.deploy} deploys. */
interface DeployOptions {
  /** Values of the template's parameters. @default - on update, the values in force; else their defaults */
  readonly parameters?: Record<string, string>;
  /**
   * `cdk deploy --previous-parameters`: on update, keep the value in force of every parameter not
   * given; false uses the template's Default instead (the form before issue 21).
   * @default true
   */
  readonly previousParameters?: boolean;
  /** create-stack's OnFailure, for a create only. @default 'ROLLBACK' */
  readonly onFailure?: OnFailure;
}

export class LocalAws {
  static async start(options: LocalAwsOptions = {}): Promise<LocalAws> {
    const sim = await RekognitionSimulator.start(options.simulator);
    const iam = new LocalIam(LOCAL_ACCOUNT, { propagationDelayMs: options.iamPropagationDelayMs ?? 1_000 });
    const responses = await CfnResponseEndpoint.start();
    const functionEnvironment: Record<string, string> = { AWS_ENDPOINT_URL_REKOGNITION: sim.endpoint };
    const lambda = await LocalLambdaService.start([], { deliverTwice: HANDOFFS_TWICE, ...options.lambda, environment: functionEnvironment });
    const aws = new LocalAws(sim, iam, responses, lambda);
    aws.api = await CloudFormationQueryApi.start(aws.engine, (key, action, resource) => iam.authorize(key, action, resource),
      () => aws.engine.strictness.resourceStatusLagMs);
    functionEnvironment.AWS_ENDPOINT_URL_CLOUDFORMATION = aws.api.endpoint;
    return aws;
  }

  public readonly engine: CloudFormationEngine;
  /** CloudFormation's read APIs (DescribeStacks, ...) on loopback. */
  public api!: CloudFormationQueryApi;
  /** EventBridge Scheduler: the stacks' schedules, fired when a test advances its virtual clock. */
  public readonly scheduler: LocalScheduler;
  private readonly customResources: CustomResourceProvider;
  /** The folder (code) or file (nested template) of each file asset, by S3 object key. */
  private readonly assetPaths = new Map<string, string>();
  private readonly outdirs: string[] = [];
  /** The role that signed each Rekognition call, when one did. */
  private readonly rekognitionCallers = new WeakMap<CallRecord, string>();

  private constructor(
    public readonly sim: RekognitionSimulator,
    public readonly iam: LocalIam,
    public readonly responses: CfnResponseEndpoint,
    public readonly lambda: LocalLambdaService,
  ) {
    const authorize = (key: string, action: string, resource: string) => iam.authorize(key, action, resource);
    // The simulator authorizes a call and records it with no await between: the caller of the
    // next recorded call is the one just authorized (kept to tell concurrent stacks' calls apart).
    let caller: string | undefined;
    sim.authorizer = (key, action, resource) => {
      const verdict = authorize(key, action, resource);
      caller = /:assumed-role\/([^/]+)\//.exec(verdict.principal)?.[1];
      return verdict;
    };
    sim.on('call', (record: CallRecord) => {
      if (caller !== undefined) this.rekognitionCallers.set(record, caller);
      caller = undefined;
    });
    lambda.authorizer = authorize;
    this.customResources = new CustomResourceProvider(lambda, responses);
    this.scheduler = new LocalScheduler(iam, sim.endpoint);
    const providers: Record<string, ResourceProvider> = {
      'AWS::IAM::Role': new RoleProvider(iam),
      'AWS::IAM::Policy': new PolicyProvider(iam),
      'AWS::IAM::ManagedPolicy': new ManagedPolicyProvider(iam),
      'AWS::Logs::LogGroup': new LogGroupProvider(),
      'AWS::Lambda::Function': new LambdaFunctionProvider(lambda, iam, (key) => this.assetDir(key)),
      'AWS::Rekognition::Project': new RekognitionProjectProvider(sim),
      'AWS::CloudFormation::CustomResource': this.customResources,
      'AWS::Scheduler::Schedule': new SchedulerScheduleProvider(this.scheduler),
    };
    const noOp = new NoOpProvider();
    this.engine = new CloudFormationEngine({
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      providerFor: (type) => providers[type] ?? (type.startsWith('Custom::') ? this.customResources : noOp),
      templateAt: (url) => this.templateAt(url),
    });
  }

  /** A CDK app whose cloud assembly goes to a fresh folder, removed by {@link close}. */
  public newApp(): App {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-aws-'));
    this.outdirs.push(outdir);
    return new App({ outdir });
  }

  /**
   * Synthesizes `stack` (made in an app from {@link newApp}) and keeps its file assets: the code
   * of its functions for the Lambda service, and the templates of its nested stacks (CDK's
   * `NestedStack` writes `<id>.nested.template.json` as a file asset of the top-level stack,
   * which its TemplateURL names by S3 object key), with their own functions' code.
   */
  public synthesize(stack: Stack, options: SynthesizeOptions = {}): SynthesizedStack {
    const synthesized = synthesize(stack, options);
    synthesized.assetDirs.forEach((dir, key) => this.addAsset(key, dir));
    return synthesized;
  }

  /**
   * Makes `assetPath` the file asset published at `objectKey` (what {@link synthesize} does for a
   * stack's assets): a folder is the code of functions whose Code.S3Key is `objectKey`, a file
   * the template of nested stacks whose TemplateURL ends in it.
   */
  public addAsset(objectKey: string, assetPath: string): void {
    this.assetPaths.set(objectKey, assetPath);
  }

  /** The template a nested stack's TemplateURL names: the synthesized file asset whose object key ends the URL. */
  public templateAt(templateUrl: string): unknown {
    const objectKey = templateUrl.split('/').pop() ?? '';
    const file = this.assetPaths.get(objectKey);
    if (file === undefined || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      throw new Error(`TemplateURL must be a supported URL: no synthesized template has the object key ${objectKey} (${templateUrl}); synthesize the stack with LocalAws.synthesize`);
    }
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  }

  /**
   * `cdk deploy`: creates the stack, or updates it if it exists. A stack left ROLLBACK_COMPLETE by
   * a failed create can only be deleted, so it is deleted first, as the CDK CLI does (the report's
   * events then hold the delete's too). `onFailure` is create-stack's OnFailure (`sam deploy
   * --on-failure`), for a create only.
   */
  public deploy(stack: SynthesizedStack, options: DeployOptions = {}): Promise<StackOperationReport> {
    const input = { stackName: stack.stackName, template: stack.template, parameters: options.parameters, onFailure: options.onFailure };
    return this.observe(async () => {
      const existing = this.engine.stack(stack.stackName);
      if (existing?.status === 'ROLLBACK_COMPLETE') {
        const deleted = await this.engine.deleteStack({ stackName: stack.stackName });
        const created = await this.engine.createStack(input);
        return { ...created, events: [...deleted.events, ...created.events] };
      }
      if (!existing) {
        return this.engine.createStack(input);
      }
      // The CDK CLI keeps the deployed stack's value of every parameter it is not given
      // (`cdk deploy --previous-parameters`, default true: "Use previous values for existing
      // parameters", https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-deploy.html): it sends
      // UsePreviousValue for each parameter of the new template that the deployed stack has.
      const given = options.parameters ?? {};
      const declared = Object.keys(stack.template.Parameters ?? {});
      const usePreviousValue = options.previousParameters === false ? []
        : declared.filter((name) => !(name in given) && name in (existing.parameterInputs ?? {}));
      return this.engine.updateStack({ ...input, usePreviousValue });
    });
  }

  /** `cdk destroy` (`aws cloudformation delete-stack`, with `--retain-resources` if given). */
  public destroy(stackName: string, options: { retainResources?: string[] } = {}): Promise<StackOperationReport> {
    return this.observe(() => this.engine.deleteStack({ stackName, retainResources: options.retainResources }));
  }

  /**
   * Sends one custom-resource request to a resource of a deployed stack, outside any stack
   * operation (see `local/cloudformation/single-event.ts`), and waits for its response and every
   * run it caused.
   */
  public async sendEvent(input: SingleEvent): Promise<SentEvent> {
    const sent = await this.engine.sendEvent(input);
    await this.lambda.idle();
    const own = this.lambda.invocations.filter((i) => (i.payload as { RequestId?: unknown }).RequestId === sent.event.RequestId);
    return { ...sent, runs: await Promise.all(own.map((i) => i.result)) };
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
    // What belongs to this operation's stacks, when other operations run at the same time.
    const stackIds = new Set(result.events.map((e) => e.stackId));
    const root = this.engine.stack(result.stackId)!;
    const resources = [root, ...this.engine.nestedStacksOf(root)].flatMap((s) => [...s.resources.values()])
      .map((r) => ({ type: r.type, physicalId: r.physicalId }));
    const known = [...resources, ...result.events.map((e) => ({ type: e.resourceType, physicalId: e.physicalResourceId }))];
    const named = (type: string) => new Set(known.filter((r) => r.type === type && r.physicalId !== undefined).map((r) => r.physicalId!));
    const functions = named('AWS::Lambda::Function');
    const roles = named('AWS::IAM::Role');
    const invocations = this.lambda.invocations.slice(runs).filter((i) => functions.has(i.functionArn.split(':function:')[1]));
    return {
      ...result,
      rekognitionCalls: this.sim.calls.slice(calls).filter((c) => {
        const caller = this.rekognitionCallers.get(c);
        return caller === undefined || roles.has(caller);
      }),
      functionRuns: await Promise.all(invocations.map((i) => i.result)),
      customResourceRequests: this.customResources.requests.slice(requests).filter((r) => stackIds.has(String(r.event.StackId))),
    };
  }

  private assetDir(objectKey: string): string {
    const dir = this.assetPaths.get(objectKey);
    if (dir === undefined) {
      throw new Error(`no synthesized asset has the object key ${objectKey}: synthesize the stack with LocalAws.synthesize`);
    }
    return dir;
  }
}
