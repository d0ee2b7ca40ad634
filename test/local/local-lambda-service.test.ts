import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LocalLambdaService } from '../../local/lambda/local-lambda-service';

/** The local Lambda service's asynchronous invocations, as strict as Lambda's (retries on error, twin deliveries). */

jest.setTimeout(60_000);

const codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-lambda-'));
fs.writeFileSync(path.join(codeDir, 'index.js'), 'exports.handler = async (event) => { if (event.fail) throw new Error("boom"); };\n');
const fn = { codeDir, handler: 'index.handler', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', timeoutMs: 10_000, environment: {} };
afterAll(() => fs.rmSync(codeDir, { recursive: true, force: true }));

test('an asynchronous run that errs is retried twice, after a pause each time; one that succeeds is not', async () => {
  const lambda = await LocalLambdaService.start([fn], { asyncRetryDelaysMs: [200, 400] });
  try {
    lambda.invokeAsync(fn.functionArn, { fail: true });
    lambda.invokeAsync(fn.functionArn, { fail: false });
    await lambda.idle();
    const failing = lambda.invocations.filter((i) => (i.payload as { fail: boolean }).fail);
    expect(failing.map((i) => i.attempt)).toEqual([1, 2, 3]);
    expect(failing[1].at - failing[0].at).toBeGreaterThanOrEqual(200);
    expect(lambda.invocations.filter((i) => !(i.payload as { fail: boolean }).fail)).toHaveLength(1);
  } finally {
    await lambda.close();
  }
});

test('an event picked by deliverTwice arrives twice; [] retries nothing (the kinder form)', async () => {
  const lambda = await LocalLambdaService.start([fn], { asyncRetryDelaysMs: [], deliverTwice: () => true, duplicateDelayMs: 50 });
  try {
    lambda.invokeAsync(fn.functionArn, { fail: true });
    await lambda.idle();
    expect(lambda.invocations.map((i) => [i.attempt, i.duplicate])).toEqual([[1, false], [1, true]]);
  } finally {
    await lambda.close();
  }
});
