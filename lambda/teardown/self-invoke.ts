const REQUEST_TIMEOUT_MS = 3_000;
const SDK_MAX_ATTEMPTS = 2;
/** The longest a hand-off can take: the SDK's attempts and its backoff between them. */
export const INVOKE_SELF_MAX_MS = SDK_MAX_ATTEMPTS * REQUEST_TIMEOUT_MS + 1_000;

/**
 * Hands a wait on to a fresh run of this same function: an asynchronous invocation of its own
 * ARN (the only function its role may invoke).
 */
export async function invokeSelf(functionArn: string, payload: unknown): Promise<void> {
  // Loaded only when a wait is handed on: most runs never need it, and it adds to every cold start.
  const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
  const region = functionArn.split(':')[3];
  const client = new LambdaClient({
    region,
    maxAttempts: SDK_MAX_ATTEMPTS,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: REQUEST_TIMEOUT_MS },
  });
  try {
    await client.send(new InvokeCommand({
      FunctionName: functionArn,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify(payload)),
    }));
  } finally {
    client.destroy();
  }
}
