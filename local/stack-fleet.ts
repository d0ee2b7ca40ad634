import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CustomLabelsModelLifecycle } from '../src';
import { deployedTeardown, DeployedTeardown } from './cloudformation/cloud-assembly';
import { PlayedRequest } from './cloudformation/event-player';
import { CfnResponseEndpoint } from './cloudformation/response-endpoint';
import { ACCOUNT, modelArn, STACK_REGION } from './e2e-environment';
import { closePlayedStack, PlayedStack, startPlayedStack } from './played-stack';
import { RekognitionSimulator, SimulatorOptions } from './rekognition';

/**
 * Several stacks destroyed at the same time, as a pipeline that tears down many environments
 * does: each stack has its own teardown function (its own Lambda service here, a fresh process
 * per run) and its own models, and all share one Rekognition and its limits.
 */

export interface StackFleetOptions {
  readonly stacks: number;
  readonly modelsPerStack: number;
  readonly simulator?: SimulatorOptions;
}

/** One deployed stack of the fleet. */
export interface FleetStack extends PlayedStack {
  readonly deployed: DeployedTeardown;
  /** Its models' ARNs, in the order of its resources. */
  readonly arns: string[];
}

export class StackFleet {
  static async start(options: StackFleetOptions): Promise<StackFleet> {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'teardown-fleet-'));
    const sim = await RekognitionSimulator.start(options.simulator);
    const responses = await CfnResponseEndpoint.start();
    const stacks: FleetStack[] = [];
    for (let s = 0; s < options.stacks; s++) {
      const app = new App({ outdir: path.join(outdir, `stack-${s}`) });
      const stack = new Stack(app, `Teardown${s}`, { env: { account: ACCOUNT, region: STACK_REGION } });
      const arns = Array.from({ length: options.modelsPerStack }, (_, m) => modelArn(`s${s}-m${m}`));
      arns.forEach((projectVersionArn, m) => new CustomLabelsModelLifecycle(stack, `Model${m}`, { projectVersionArn }));
      const deployed = deployedTeardown(stack);
      stacks.push({ deployed, ...await startPlayedStack(deployed, sim, responses), arns });
    }
    return new StackFleet(outdir, sim, responses, stacks);
  }

  private constructor(
    private readonly outdir: string,
    public readonly sim: RekognitionSimulator,
    private readonly responses: CfnResponseEndpoint,
    public readonly stacks: readonly FleetStack[],
  ) {}

  /** Every model's ARN, stack after stack. */
  public get arns(): string[] {
    return this.stacks.flatMap((s) => s.arns);
  }

  /** Sends every stack's Delete events at once and waits for every response and run. */
  public destroyAll(): Promise<PlayedRequest[]> {
    return Promise.all(this.stacks.flatMap((s) => s.deployed.models.map((resource) =>
      s.cloudFormation.delete(resource, String(resource.properties.ProjectVersionArn)))));
  }

  public async close(): Promise<void> {
    await Promise.all(this.stacks.map(closePlayedStack));
    await Promise.all([this.sim.close(), this.responses.close()]);
    fs.rmSync(this.outdir, { recursive: true, force: true });
  }
}
