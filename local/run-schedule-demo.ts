import { Stack, TimeZone } from 'aws-cdk-lib';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { CustomLabelsModelLifecycle } from '../src';
import { LOCAL_ENV, LocalAws } from './local-aws';

/**
 * The demo's second part: a model with a run schedule, deployed, the local scheduler's virtual
 * clock moved from the afternoon past 19:00 in Paris (the evening stop fires, with the stop role's
 * credentials), then destroyed (the schedules first, then the model). True when the model stopped
 * on schedule and is gone after the destroy.
 */

const PROJECT_VERSION_ARN = 'arn:aws:rekognition:us-east-1:123456789012:project/birds/version/birds.evening-stop/1763899200000';
const HOUR_MS = 3_600_000;
const STOP_MS = 1_000;

export async function playEveningStop(aws: LocalAws): Promise<boolean> {
  const stack = new Stack(aws.newApp(), 'RekognitionModelRunScheduleExample', { env: LOCAL_ENV });
  new CustomLabelsModelLifecycle(stack, 'Model', {
    projectVersionArn: PROJECT_VERSION_ARN,
    runSchedule: {
      stop: ScheduleExpression.cron({ hour: '19', minute: '0', timeZone: TimeZone.EUROPE_PARIS }),
      start: ScheduleExpression.cron({ hour: '7', minute: '0', weekDay: 'MON-FRI', timeZone: TimeZone.EUROPE_PARIS }),
    },
  });
  aws.sim.addModel(PROJECT_VERSION_ARN, { status: 'RUNNING', stopDurationMs: STOP_MS, deleteDurationMs: 500 });
  aws.scheduler.time = Date.UTC(2026, 11, 7, 15, 0);
  const paris = (ms: number) => new Date(ms).toLocaleString('en-GB', { timeZone: 'Europe/Paris', weekday: 'short', hour: '2-digit', minute: '2-digit' });

  console.log('\n\nA model with a run schedule: stop at 19:00 Paris time, start at 07:00 on weekdays\n');
  console.log('cdk deploy');
  const deploy = await aws.deploy(aws.synthesize(stack));
  // The local IAM applies grants after a delay on the real clock; the evening comes hours after
  // the deploy on the scheduler's virtual one.
  await new Promise((resolve) => setTimeout(resolve, aws.iam.propagationDelayMs));
  console.log(`\nscheduler    ${aws.scheduler.names().length} schedules; virtual clock at ${paris(aws.scheduler.time)} (Paris), model ${aws.sim.status(PROJECT_VERSION_ARN)}`);
  for (const hours of [2, 3]) {
    const fired = await aws.scheduler.advance(hours * HOUR_MS);
    console.log(`scheduler    clock moved ${hours} h to ${paris(aws.scheduler.time)}: ${fired.length === 0 ? 'nothing due' : `${fired.length} due`}`);
    for (const invocation of fired) {
      const outcome = 'output' in invocation.outcome ? JSON.stringify(invocation.outcome.output) : invocation.outcome.error;
      console.log(`scheduler      ${paris(invocation.at)} ${invocation.action} -> ${outcome}`);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, STOP_MS + 200));
  const stopped = aws.sim.status(PROJECT_VERSION_ARN) === 'STOPPED';
  console.log(`rekognition  model is ${aws.sim.status(PROJECT_VERSION_ARN)} after the evening stop\n`);

  console.log('cdk destroy (the schedules are deleted before the model is torn down)');
  const destroy = await aws.destroy(stack.stackName);
  const gone = aws.sim.status(PROJECT_VERSION_ARN) === undefined;
  console.log(`\n  cdk deploy:            ${deploy.status}`);
  console.log(`  evening stop:          ${stopped ? 'the model stopped at 19:00 Paris time' : 'the model did NOT stop'}`);
  console.log(`  cdk destroy:           ${destroy.status}, ${aws.scheduler.names().length} schedules left, model ${gone ? 'deleted' : 'left'}`);
  return deploy.status === 'CREATE_COMPLETE' && stopped && destroy.status === 'DELETE_COMPLETE' && gone;
}
