import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { deployedTeardown } from '../../local/cloudformation/cloud-assembly';
import { LocalCloudFormation } from '../../local/cloudformation/event-player';
import { CfnResponseEndpoint } from '../../local/cloudformation/response-endpoint';
import { ACCOUNT, modelArn, STACK_REGION } from '../../local/e2e-environment';
import { LocalLambdaService } from '../../local/lambda/local-lambda-service';
import { RekognitionSimulator } from '../../local/rekognition';
import { CustomLabelsModelLifecycle } from '../../src';

/**
 * Proof that a what-if bundle still works before its load time counts: a CloudFormation Delete of
 * a RUNNING model, with runs so short that the wait is handed on (the Lambda client's only use)
 * several times, must end SUCCESS with the model gone.
 */

/** Long enough for one call per run (the handler keeps 6 s for its answer, and a call may take 11 s). */
const RUN_BUDGET_MS = 20_000;
const STOP_MS = 8_000;

/** Resolves with the number of runs it took; rejects if the bundle did not tear the model down. */
export async function smokeTest(handlerDir: string): Promise<number> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
  const arn = modelArn('smoke');
  const stack = new Stack(new App({ outdir }), 'BundleSmoke', { env: { account: ACCOUNT, region: STACK_REGION } });
  new CustomLabelsModelLifecycle(stack, 'Model', { projectVersionArn: arn });
  const deployed = deployedTeardown(stack);
  const fn = { ...deployed.function, codeDir: handlerDir };
  const sim = await RekognitionSimulator.start();
  const responses = await CfnResponseEndpoint.start();
  const lambda = await LocalLambdaService.start([fn], { budgetMs: RUN_BUDGET_MS, environment: { AWS_ENDPOINT_URL_REKOGNITION: sim.endpoint } });
  try {
    sim.addModel(arn, { status: 'RUNNING', stopDurationMs: STOP_MS, deleteDurationMs: 1_000 });
    const played = await new LocalCloudFormation({ ...deployed, function: fn }, lambda, responses).delete(deployed.models[0], arn);
    if (played.response.body.Status !== 'SUCCESS' || sim.status(arn) !== undefined || played.runs.length < 2) {
      throw new Error(`the bundle in ${handlerDir} failed its smoke test: ${played.response.body.Status} after ${played.runs.length} runs (${played.response.body.Reason})`);
    }
    return played.runs.length;
  } finally {
    await lambda.idle();
    await Promise.all([sim.close(), responses.close(), lambda.close()]);
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
