import {
  DeleteProjectVersionCommand,
  RekognitionClient,
  StopProjectVersionCommand,
} from '@aws-sdk/client-rekognition';
import { ModelAnswer, ModelApi } from './model-api';

/** Longest a single HTTP request may take, so that one hung call cannot outlast the run. */
const REQUEST_TIMEOUT_MS = 5_000;
/**
 * One attempt per call: the teardown retries with its own pacing, which must see every throttled
 * call to slow down (an SDK retry would be a call that pacing cannot see or space out).
 */
const SDK_MAX_ATTEMPTS = 1;

const clients = new Map<string, RekognitionClient>();

/**
 * The real Rekognition API for models in `region` (the model's region, taken from its ARN, not
 * the function's). Clients are kept across invocations of a warm function.
 */
export function rekognitionModelApi(region: string): ModelApi {
  let client = clients.get(region);
  if (!client) {
    client = newClient(region);
    clients.set(region, client);
  }
  return modelApiOf(client);
}

/**
 * The same API with an SDK client of its own, as each concurrent run of the function has in
 * Lambda (one process per run): for running many teardowns in one process, perhaps against an
 * `endpoint` of its own.
 */
export function isolatedRekognitionModelApi(region: string, endpoint?: string): ModelApi {
  return modelApiOf(newClient(region, endpoint));
}

function newClient(region: string, endpoint?: string): RekognitionClient {
  return new RekognitionClient({
    region,
    ...(endpoint === undefined ? {} : { endpoint }),
    maxAttempts: SDK_MAX_ATTEMPTS,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: REQUEST_TIMEOUT_MS },
  });
}

function modelApiOf(rekognition: RekognitionClient): ModelApi {
  return {
    maxCallMs: SDK_MAX_ATTEMPTS * REQUEST_TIMEOUT_MS + 1_000,
    stopProjectVersion: (arn) =>
      answer(rekognition.send(new StopProjectVersionCommand({ ProjectVersionArn: arn }))),
    deleteProjectVersion: (arn) =>
      answer(rekognition.send(new DeleteProjectVersionCommand({ ProjectVersionArn: arn }))),
  };
}

async function answer(call: Promise<{ Status?: string }>): Promise<ModelAnswer> {
  try {
    const output = await call;
    return { status: output.Status ?? 'UNKNOWN' };
  } catch (err) {
    const error = err as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
    return {
      error: error.name ?? 'Error',
      message: error.message ?? String(err),
      httpStatus: error.$metadata?.httpStatusCode,
      // The SDK wraps an error from another realm in one that keeps only its text.
      code: error.code ?? /\b(E[A-Z_]{3,})\b/.exec(error.message ?? '')?.[1],
    };
  }
}
