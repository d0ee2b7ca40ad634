import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CustomLabelsModelLifecycle, CustomLabelsModelLifecycleProps } from '../src';
import { deployedTeardown, DeployedTeardown, TemplateResource } from './cloudformation/cloud-assembly';
import { LocalCloudFormation } from './cloudformation/event-player';
import { CfnResponseEndpoint } from './cloudformation/response-endpoint';
import { LocalLambdaService } from './lambda/local-lambda-service';
import { closePlayedStack, PlayedStack, startPlayedStack } from './played-stack';
import { RekognitionSimulator, SimulatorOptions } from './rekognition';

/**
 * Everything an end-to-end run needs on loopback: a stack synthesized with the construct, the
 * Rekognition simulator, the Lambda service running the real bundle, and CloudFormation's side.
 */

export const ACCOUNT = '123456789012';
export const STACK_REGION = 'us-east-1';

/** A model version ARN in `region` (default: the stack's). */
export function modelArn(version: string, region = STACK_REGION, project = 'birds'): string {
  return `arn:aws:rekognition:${region}:${ACCOUNT}:project/${project}/version/${version}/1700000000000`;
}

export interface E2EOptions {
  /** One construct per entry, in one stack. */
  readonly models: Array<Omit<CustomLabelsModelLifecycleProps, 'project'>>;
  readonly simulator?: SimulatorOptions;
  /** Budget of each function run, in ms. @default - the function's timeout */
  readonly runBudgetMs?: number;
}

export class E2EEnvironment {
  static async start(options: E2EOptions): Promise<E2EEnvironment> {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'teardown-e2e-'));
    const stack = new Stack(new App({ outdir }), 'TeardownE2E', { env: { account: ACCOUNT, region: STACK_REGION } });
    const constructs = options.models.map((props, i) => new CustomLabelsModelLifecycle(stack, `Model${i}`, props));
    const deployed = deployedTeardown(stack);

    const sim = await RekognitionSimulator.start(options.simulator);
    const responses = await CfnResponseEndpoint.start();
    const played = await startPlayedStack(deployed, sim, responses, options.runBudgetMs);
    return new E2EEnvironment(outdir, deployed, sim, responses, played, constructs);
  }

  public readonly cloudFormation: LocalCloudFormation;
  public readonly lambda: LocalLambdaService;

  private constructor(
    private readonly outdir: string,
    public readonly deployed: DeployedTeardown,
    public readonly sim: RekognitionSimulator,
    public readonly responses: CfnResponseEndpoint,
    private readonly played: PlayedStack,
    /** The constructs of the stack, one per model, in the order given. */
    public readonly constructs: CustomLabelsModelLifecycle[],
  ) {
    this.cloudFormation = played.cloudFormation;
    this.lambda = played.lambda;
  }

  /** The custom resource of the model with this ARN. */
  public resource(arn: string): TemplateResource {
    const found = this.deployed.models.find((m) => m.properties.ProjectVersionArn === arn);
    if (!found) {
      throw new Error(`no model resource for ${arn}`);
    }
    return found;
  }

  /** Everything every run of the function wrote. */
  public output(): Promise<string> {
    return Promise.all(this.lambda.invocations.map((i) => i.result))
      .then((runs) => runs.map((r) => r.stdout + r.stderr).join('\n'));
  }

  public async close(): Promise<void> {
    await closePlayedStack(this.played);
    await Promise.all([this.sim.close(), this.responses.close()]);
    fs.rmSync(this.outdir, { recursive: true, force: true });
  }
}
