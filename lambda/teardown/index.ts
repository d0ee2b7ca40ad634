import type { Context } from 'aws-lambda';
import { PUT_RESPONSE_MAX_MS, putResponse, responseBody } from './cfn-response';
import { Decision, decide, Response } from './event-decision';
import { Handoff, handedOnEvent } from './handoff';
import { PropagationAllowance } from './iam-propagation';
import { emitTeardownMetrics } from './metrics';
import { OWN_STACK_ID_VARIABLE } from './properties';
import { rekognitionModelApi } from './rekognition-model-api';
import { failedIdOf, readRequest, TeardownEvent } from './request';
import { DEFAULT_PACING } from './schedule';
import { INVOKE_SELF_MAX_MS, invokeSelf } from './self-invoke';
import { cloudFormationStackApi } from './stack-api';
import { tearDown } from './teardown';
import { runReasons, stackAdvice } from './teardown-reasons';

/**
 * The Lambda entry point: the CloudFormation custom-resource protocol around the teardown.
 * It never throws: every path ends in a response to CloudFormation or a hand-off to a fresh run.
 */

/** Kept back from the run's time for the response PUT or the hand-off invocation, whichever can take longer. */
const RESPONSE_RESERVE_MS = Math.max(PUT_RESPONSE_MAX_MS, INVOKE_SELF_MAX_MS) + 1_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (entry: Record<string, unknown>) => console.log(JSON.stringify(entry));
/** The stack this function belongs to, as the construct sets it (CloudFormation resolves it). */
const ownStackId = (): string | undefined => process.env[OWN_STACK_ID_VARIABLE] || undefined;

/** Answers one CloudFormation event (or hand-off), never throwing. */
export async function handler(event: TeardownEvent, context: Context): Promise<void> {
  const runStartedAt = Date.now();
  log({
    message: 'event',
    requestType: event.RequestType,
    logicalResourceId: event.LogicalResourceId,
    physicalResourceId: 'PhysicalResourceId' in event ? event.PhysicalResourceId : undefined,
    resourceProperties: event.ResourceProperties,
    run: event.TeardownHandoff?.run ?? 1,
    // Never the ResponseURL: it is a presigned secret.
  });

  const decision = await decideSafely(event, context);
  if (decision.kind === 'alreadyAnswered') {
    log({ message: 'answered by another delivery', seen: decision.seen });
    return;
  }
  const response = decision.kind === 'handoff' ? await handOff(event, context, decision.handoff) : decision;
  if (!response) {
    return;
  }
  emitTeardownMetrics(event, response, runStartedAt, ownStackId());
  const body = responseBody(event, response.status, response.physicalResourceId, response.reason);
  try {
    await putResponse(event.ResponseURL, body, sleep);
    log({ message: 'response sent', status: response.status, reason: response.reason, physicalResourceId: response.physicalResourceId });
  } catch (err) {
    log({ message: 'response not sent', status: response.status, error: describe(err) });
  }
}

async function decideSafely(event: TeardownEvent, context: Context): Promise<Decision> {
  try {
    const request = readRequest(event, ownStackId(), Date.now());
    if (request.kind === 'respond') {
      return request;
    }
    const run = { now: Date.now, sleep, random: Math.random, pacing: DEFAULT_PACING, log };
    const runDeadline = Date.now() + context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS;
    const iam = new PropagationAllowance({ ...run, deadline: runDeadline });
    const models = (region: string) => iam.applyTo(rekognitionModelApi(region));
    return await decide(request, {
      ...run,
      runDeadline,
      functionArn: context.invokedFunctionArn,
      stacks: async (region) => iam.applyTo(await cloudFormationStackApi(region)),
      models,
      tearDown: (teardown) => tearDown(teardown, { ...run, api: models(teardown.model.region) }),
    });
  } catch (err) {
    return internalFailure(event, runReasons.unexpected(describe(err)));
  }
}

/** Hands the wait on; answers FAILED if that is not possible, undefined once handed on. */
async function handOff(event: TeardownEvent, context: Context, handoff: Handoff): Promise<Response | undefined> {
  try {
    await invokeSelf(context.invokedFunctionArn, handedOnEvent(event, handoff));
    log({ message: 'handed on', run: handoff.run, waitStartedAt: handoff.waitStartedAt });
    return undefined;
  } catch (err) {
    return internalFailure(event, runReasons.notHandedOn(describe(err)));
  }
}

function internalFailure(event: TeardownEvent, reason: string): Response {
  const physicalResourceId = failedIdOf(event);
  const advice = event.RequestType === 'Delete' ? ` ${stackAdvice(undefined, event.StackId, event.LogicalResourceId)}` : '';
  return { kind: 'respond', status: 'FAILED', physicalResourceId, reason: reason + advice, ...(event.RequestType === 'Delete' ? { counts: 'FAILED_TEARDOWN' as const } : {}) };
}

function describe(err: unknown): string {
  const error = err as { name?: string; message?: string };
  return `${error.name ?? 'Error'}: ${String(error.message ?? err).slice(0, 200)}`;
}
