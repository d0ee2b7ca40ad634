/**
 * The awsJson1_1 wire format: reading a request body, and writing results and errors the way
 * Rekognition does (headers, `__type`, `Code`, `Message`).
 */
import { IncomingMessage, ServerResponse } from 'http';
import { ServiceError } from './errors';

/** The content type of awsJson1_1 requests and responses. */
const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** What precedes the operation name in `X-Amz-Target`. */
export const TARGET_PREFIX = 'RekognitionService.';

const MAX_BODY_BYTES = 1024 * 1024;
/** AWS appends the service's Coral namespace URL to `x-amzn-ErrorType`; the SDK strips it at the colon. */
const REKOGNITION_NAMESPACE = 'http://internal.amazon.com/coral/com.amazonaws.rekognition/';
const FRAMEWORK_NAMESPACE = 'http://internal.amazon.com/coral/com.amazon.coral.service/';

/** Reads and parses the JSON body; an empty body is `{}` as for any awsJson request. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new ServiceError('SerializationException', 'Request body too large.');
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ServiceError('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ServiceError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return parsed as Record<string, unknown>;
}

/** The headers and body of a response, ready to send (kept apart so latency can hold them). */
export interface WireResponse {
  readonly httpStatus: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A 200 carrying the operation's output. */
export function resultResponse(requestId: string, output: object): WireResponse {
  return { httpStatus: 200, headers: baseHeaders(requestId), body: JSON.stringify(output) };
}

/**
 * An error as AWS sends it. Rekognition's own errors carry `Code`, `Logref` and `Message`;
 * framework errors name the Coral namespace in `__type`. The SDK takes the name from `__type`
 * first (awsJson), so both forms surface as an error whose `.name` is the bare name.
 */
export function errorResponse(requestId: string, error: ServiceError): WireResponse {
  const body = error.framework
    ? { __type: `com.amazon.coral.service#${error.code}`, Code: error.code, Message: error.message, message: error.message }
    : { __type: error.code, Code: error.code, Logref: requestId, Message: error.message };
  return {
    httpStatus: error.httpStatus,
    headers: {
      ...baseHeaders(requestId),
      'x-amzn-ErrorType': `${error.code}:${error.framework ? FRAMEWORK_NAMESPACE : REKOGNITION_NAMESPACE}`,
    },
    body: JSON.stringify(body),
  };
}

/** Writes the response unless the client has gone (or the simulator closed its socket). */
export function send(res: ServerResponse, response: WireResponse): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(response.httpStatus, {
    ...response.headers,
    'Content-Length': String(Buffer.byteLength(response.body)),
  });
  res.end(response.body);
}

function baseHeaders(requestId: string): Record<string, string> {
  return { 'Content-Type': CONTENT_TYPE, 'x-amzn-RequestId': requestId };
}
