import * as http from 'http';
import * as https from 'https';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/**
 * The CloudFormation custom-resource response: built within CloudFormation's 4096-byte limit and
 * PUT to the presigned ResponseURL (a secret: never logged).
 */

/** CloudFormation rejects larger responses. */
export const MAX_RESPONSE_BYTES = 4096;
const PUT_ATTEMPTS = 3;
/** The longest one PUT may take, from the request to the end of the answer. */
const PUT_TIMEOUT_MS = 3_000;
const backoffMs = (attempt: number) => 250 * 2 ** attempt;
/** The longest `putResponse` can take: every attempt and the pauses between them. */
export const PUT_RESPONSE_MAX_MS = PUT_ATTEMPTS * PUT_TIMEOUT_MS
  + Array.from({ length: PUT_ATTEMPTS - 1 }, (_, i) => backoffMs(i + 1)).reduce((a, b) => a + b, 0);

export type ResponseStatus = 'SUCCESS' | 'FAILED';

/** The response body, its Reason shortened if the whole would pass the limit. */
export function responseBody(
  event: CloudFormationCustomResourceEvent,
  status: ResponseStatus,
  physicalResourceId: string,
  reason: string,
): string {
  const body = (text: string) => JSON.stringify({
    Status: status,
    Reason: text,
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: false,
  });
  if (Buffer.byteLength(body(reason)) <= MAX_RESPONSE_BYTES) {
    return body(reason);
  }
  // The longest prefix of the reason that fits (JSON escaping makes the size non-linear).
  let fits = 0;
  let tooLong = reason.length;
  while (tooLong - fits > 1) {
    const middle = Math.floor((fits + tooLong) / 2);
    if (Buffer.byteLength(body(reason.slice(0, middle) + '…')) <= MAX_RESPONSE_BYTES) {
      fits = middle;
    } else {
      tooLong = middle;
    }
  }
  return body(reason.slice(0, fits) + '…');
}

/** PUTs the body, retrying a few times: an unanswered request strands the stack for an hour. */
export async function putResponse(responseUrl: string, body: string, sleep: (ms: number) => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await put(responseUrl, body);
      return;
    } catch (err) {
      if (attempt >= PUT_ATTEMPTS) {
        throw err;
      }
      await sleep(backoffMs(attempt));
    }
  }
}

function put(responseUrl: string, body: string): Promise<void> {
  const url = new URL(responseUrl);
  const request = url.protocol === 'http:' ? http.request : https.request;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'PUT',
      // The presigned URL is signed for an empty content type.
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      // 'close' comes after 'end' when the answer is whole; without 'end', it was cut short.
      res.on('close', () => !res.complete
        ? reject(new Error('the response URL closed the connection before its answer ended'))
        : (res.statusCode ?? 0) < 300
          ? resolve()
          : reject(new Error(`the response URL answered HTTP ${res.statusCode}`)));
    });
    // A whole-request limit, not an idle one: an answer that trickles in must not outlast the run.
    const timer = setTimeout(() => req.destroy(new Error('the response URL did not answer in time')), PUT_TIMEOUT_MS);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (err) => reject(new Error(`could not send the response (${(err as NodeJS.ErrnoException).code ?? err.message})`)));
    req.end(body);
  });
}
