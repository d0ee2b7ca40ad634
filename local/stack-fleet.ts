import { Stack } from 'aws-cdk-lib';
import { logicalIdOf } from './cloudformation/synthesized-stack';
import { LOCAL_ENV, LocalAws, modelArn, SentEvent } from './local-aws';
import { ModelOptions, RekognitionSimulator, SimulatorOptions } from './rekognition';
import { CustomLabelsModelLifecycle } from '../src';

/**
 * Several stacks destroyed at the same time, as a pipeline that tears down many environments
 * does: each stack has its own teardown function (a fresh process per run) and its own models,
 * all deployed to one {@link LocalAws} and so sharing one Rekognition and its limits.
 */

interface StackFleetOptions {
  readonly stacks: number;
  readonly modelsPerStack: number;
  /** Every model as the simulator holds it when the stacks are deployed. */
  readonly model: ModelOptions;
  /** Switched on once the stacks are deployed, so that only the teardowns meet them. @default - none */
  readonly simulator?: SimulatorOptions;
}

/** One deployed stack of the fleet. */
interface FleetStack {
  readonly stackName: string;
  /** Its models' ARNs and the logical ids of their custom resources, in the order of its constructs. */
  readonly models: ReadonlyArray<{ readonly arn: string; readonly logicalId: string }>;
}

export class StackFleet {
  static async start(options: StackFleetOptions): Promise<StackFleet> {
    const aws = await LocalAws.start();
    const stacks: FleetStack[] = [];
    for (let s = 0; s < options.stacks; s++) {
      const stack = new Stack(aws.newApp(), `Teardown${s}`, { env: LOCAL_ENV });
      const models = Array.from({ length: options.modelsPerStack }, (_, m) => {
        const arn = modelArn(`s${s}-m${m}`);
        aws.sim.addModel(arn, options.model);
        return { arn, logicalId: logicalIdOf(new CustomLabelsModelLifecycle(stack, `Model${m}`, { projectVersionArn: arn }).node.findChild('Resource')) };
      });
      const deployed = await aws.deploy(aws.synthesize(stack));
      if (deployed.status !== 'CREATE_COMPLETE') {
        throw new Error(`${stack.stackName} ended ${deployed.status}: ${deployed.events.map((e) => e.resourceStatusReason).filter(Boolean).join('; ')}`);
      }
      stacks.push({ stackName: stack.stackName, models });
    }
    aws.sim.configure(options.simulator ?? {});
    return new StackFleet(aws, stacks);
  }

  private constructor(
    public readonly aws: LocalAws,
    public readonly stacks: readonly FleetStack[],
  ) {}

  public get sim(): RekognitionSimulator {
    return this.aws.sim;
  }

  /** Every model's ARN, stack after stack. */
  public get arns(): string[] {
    return this.stacks.flatMap((s) => s.models.map((m) => m.arn));
  }

  /** Sends every stack's Delete requests at once, as their stack deletes do, and waits for every response and run. */
  public destroyAll(): Promise<SentEvent[]> {
    return Promise.all(this.stacks.flatMap((s) => s.models.map((m) =>
      this.aws.sendEvent({ stackName: s.stackName, logicalId: m.logicalId, requestType: 'Delete' }))));
  }

  public close(): Promise<void> {
    return this.aws.close();
  }
}
