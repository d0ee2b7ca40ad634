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
