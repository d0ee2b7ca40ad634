import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

/**
 * Hands a wait on to a fresh run of this same function: an asynchronous invocation of its own
 * ARN (the only function its role may invoke).
 */
export async function invokeSelf(functionArn: string, payload: unknown): Promise<void> {
  const region = functionArn.split(':')[3];
  const client = new LambdaClient({
    region,
    requestHandler: { requestTimeout: 5_000, connectionTimeout: 5_000 },
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
