import { RekognitionSimulator, TransitionEvent } from '../../local/rekognition';
import { epochNow } from '../support/aws-env';

/**
 * When each model entered each status, on this process's wall clock (taken as the simulator
 * emits the transition, which it does synchronously as the model changes).
 */
export class ModelTimeline {
  private readonly entered = new Map<string, Map<string, number>>();

  constructor(sim: RekognitionSimulator) {
    sim.on('transition', (event: TransitionEvent) => {
      const times = this.entered.get(event.arn) ?? new Map<string, number>();
      times.set(event.to ?? 'GONE', epochNow());
      this.entered.set(event.arn, times);
    });
  }

  /** When `arn` entered `status` ('GONE' once deleted). */
  at(arn: string, status: string): number {
    const time = this.entered.get(arn)?.get(status);
    if (time === undefined) {
      throw new Error(`${arn} never entered ${status}`);
    }
    return time;
  }

  /** The model's own STOPPING plus DELETING time, as the simulator ran it. */
  ownTimeMs(arn: string): number {
    return (this.at(arn, 'STOPPED') - this.at(arn, 'STOPPING')) + (this.at(arn, 'GONE') - this.at(arn, 'DELETING'));
  }
}
