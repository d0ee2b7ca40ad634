import type { Response } from './event-decision';
import { stackNameOfStackId, TEARDOWN_METRICS } from './properties';
import { requestSentAt, TeardownEvent } from './request';

/**
 * The teardown's CloudWatch metrics, written as one log line in CloudWatch's embedded metric
 * format (EMF) per answer to a Delete: CloudWatch Logs turns it into metrics, with no extra
 * resource, permission or API call.
 *
 * The line goes straight to stdout, not through `console.log`: with the function's JSON log
 * format, Lambda's Node.js runtime wraps every console line in its own JSON object (timestamp,
 * level, requestId, message), and CloudWatch would find no `_aws` key at the top of it. This is
 * what aws-embedded-metrics-node does for the same reason (awslabs/aws-embedded-metrics-node#158).
 */

/** The dimension value when the function does not know its stack (never with the construct's environment). */
export const UNKNOWN_STACK = 'UNKNOWN';

/**
 * The EMF document for the answer to `event`, or undefined when the answer counts nothing: Create
 * and Update touch no model, and a Delete that left the model as it was (a rollback, a forged
 * event, another claim) tore nothing down. `ownStackId` is the stack the function belongs to,
 * never the event's, so that no event can set off another stack's alarm. Called only for answers,
 * never for a hand-off to a fresh run, so a teardown over several runs counts once.
 */
export function teardownMetrics(
  event: TeardownEvent,
  response: Response,
  runStartedAt: number,
  now: number,
  ownStackId: string | undefined,
): Record<string, unknown> | undefined {
  if (event.RequestType !== 'Delete' || response.counts === undefined) {
    return undefined;
  }
  const failed = response.counts === 'FAILED_TEARDOWN';
  const waitStartedAt = event.TeardownHandoff?.waitStartedAt ?? requestSentAt(event.ResponseURL, runStartedAt);
  const metrics: Array<{ Name: string; Unit: string }> = [
    { Name: TEARDOWN_METRICS.failures, Unit: 'Count' },
    { Name: TEARDOWN_METRICS.teardowns, Unit: 'Count' },
  ];
  const values: Record<string, number> = {
    [TEARDOWN_METRICS.failures]: failed ? 1 : 0,
    [TEARDOWN_METRICS.teardowns]: failed ? 0 : 1,
  };
  if (!failed) {
    metrics.push({ Name: TEARDOWN_METRICS.duration, Unit: 'Milliseconds' });
    values[TEARDOWN_METRICS.duration] = Math.max(0, now - waitStartedAt);
  }
  return {
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [{
        Namespace: TEARDOWN_METRICS.namespace,
        Dimensions: [[TEARDOWN_METRICS.stackNameDimension]],
        Metrics: metrics,
      }],
    },
    [TEARDOWN_METRICS.stackNameDimension]: stackNameOfStackId(ownStackId) ?? UNKNOWN_STACK,
    ...values,
    message: 'teardown metrics',
    model: event.PhysicalResourceId,
    status: response.status,
  };
}

/**
 * Writes the metrics of the answer to `event`, if it has any, as one line on stdout. Never throws:
 * the answer to CloudFormation matters more than its metric.
 */
export function emitTeardownMetrics(
  event: TeardownEvent,
  response: Response,
  runStartedAt: number,
  ownStackId: string | undefined,
  write: (line: string) => void = (line) => process.stdout.write(line),
): void {
  try {
    const document = teardownMetrics(event, response, runStartedAt, Date.now(), ownStackId);
    if (document) {
      write(`${JSON.stringify(document)}\n`);
    }
  } catch (err) {
    console.log(JSON.stringify({ message: 'metrics not written', error: String((err as Error)?.message ?? err).slice(0, 200) }));
  }
}
