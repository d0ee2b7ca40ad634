import {
  DeleteProjectVersionCommand,
  ListTagsForResourceCommand,
  RekognitionClient,
  StopProjectVersionCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-rekognition';
import { errorAnswer, ModelAnswer, ModelApi, TagAnswer, TagsAnswer } from './model-api';

/** Longest a single HTTP request may take, so that one hung call cannot outlast the run. */
const REQUEST_TIMEOUT_MS = 5_000;
/**
 * One attempt per call: the teardown retries with its own pacing, which must see every throttled
 * call to slow down (an SDK retry would be a call that pacing cannot see or space out).
 */
const SDK_MAX_ATTEMPTS = 1;

/** How the handler's clients call: one attempt, each within the request timeout. */
export const CLIENT_OPTIONS = {
  maxAttempts: SDK_MAX_ATTEMPTS,
  requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: REQUEST_TIMEOUT_MS },
} as const;

const clients = new Map<string, RekognitionClient>();

/**
 * The real Rekognition API for models in `region` (the model's region, taken from its ARN, not
 * the function's). Clients are kept across invocations of a warm function.
 */
export function rekognitionModelApi(region: string): ModelApi {
  let client = clients.get(region);
  if (!client) {
    client = new RekognitionClient({ region, ...CLIENT_OPTIONS });
    clients.set(region, client);
  }
  return modelApiOf(client);
}

/** The API over `rekognition`, whose calls take at most `maxCallMs` each (retries by the client included). */
export function modelApiOf(rekognition: RekognitionClient, maxCallMs = SDK_MAX_ATTEMPTS * REQUEST_TIMEOUT_MS + 1_000): ModelApi {
  return {
    maxCallMs,
    stopProjectVersion: (arn) =>
      answer(rekognition.send(new StopProjectVersionCommand({ ProjectVersionArn: arn }))),
    deleteProjectVersion: (arn) =>
      answer(rekognition.send(new DeleteProjectVersionCommand({ ProjectVersionArn: arn }))),
    tagResource: (arn, tags) =>
      tagAnswer(rekognition.send(new TagResourceCommand({ ResourceArn: arn, Tags: { ...tags } }))),
    untagResource: (arn, keys) =>
      tagAnswer(rekognition.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: [...keys] }))),
    listTagsForResource: async (arn): Promise<TagsAnswer> => {
      try {
        const output = await rekognition.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
        return { tags: output.Tags ?? {} };
      } catch (err) {
        return errorAnswer(err);
      }
    },
  };
}

async function answer(call: Promise<{ Status?: string }>): Promise<ModelAnswer> {
  try {
    const output = await call;
    return { status: output.Status ?? 'UNKNOWN' };
  } catch (err) {
    return errorAnswer(err);
  }
}

async function tagAnswer(call: Promise<unknown>): Promise<TagAnswer> {
  try {
    await call;
    return { tagged: true };
  } catch (err) {
    return errorAnswer(err);
  }
}
