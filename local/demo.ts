import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { ModelTeardownExampleStack } from '../examples/model-teardown-stack';
import { deployedTeardown } from './cloudformation/cloud-assembly';
import { LocalCloudFormation } from './cloudformation/event-player';
import { CfnResponseEndpoint } from './cloudformation/response-endpoint';
import { LocalLambdaService } from './lambda/local-lambda-service';
import { CallRecord, RekognitionSimulator, TransitionEvent } from './rekognition';

/**
 * The demo: synthesizes the example app, starts the Rekognition simulator with a RUNNING model,
 * and plays CloudFormation's Create and then Delete against the real bundled handler, printing
 * each API call and status change as it happens. Exits non-zero unless the model ends deleted.
 */

const STOP_MS = 6_000;
const DELETE_MS = 2_000;

async function main(): Promise<number> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'teardown-demo-'));
  const stack = new ModelTeardownExampleStack(new App({ outdir }), 'RekognitionModelTeardownExample', {
    env: { account: '123456789012', region: 'us-east-1' },
    projectName: 'birds',
    projectVersionArn: 'arn:aws:rekognition:us-east-1:123456789012:project/birds/version/birds.2026-11-23/1763899200000',
  });
  const deployed = deployedTeardown(stack);
  const model = deployed.models[0];
  const arn = String(model.properties.ProjectVersionArn);
  const bundle = path.join(deployed.function.codeDir, 'index.js');
  console.log('Rekognition Custom Labels teardown demo: the real bundled handler against a local Rekognition\n');
  console.log(`synthesized   ${stack.stackName}: ${Object.keys(deployed.template.Resources).length} resources, handler ${deployed.function.handler} (${(fs.statSync(bundle).size / 1024).toFixed(0)} KiB bundle)`);

  const sim = await RekognitionSimulator.start();
  const responses = await CfnResponseEndpoint.start();
  const lambda = await LocalLambdaService.start([deployed.function], { environment: { AWS_ENDPOINT_URL_REKOGNITION: sim.endpoint } });
  const cloudFormation = new LocalCloudFormation(deployed, lambda, responses);
  sim.addModel(arn, { status: 'RUNNING', stopDurationMs: STOP_MS, deleteDurationMs: DELETE_MS });
  console.log(`simulator     ${sim.endpoint}: model birds/birds.2026-11-23 is RUNNING (stopping takes ${STOP_MS / 1000}s, deleting ${DELETE_MS / 1000}s)\n`);

  try {
    const create = await cloudFormation.create(model);
    console.log(`CloudFormation Create -> ${create.response.body.Status}: ${create.response.body.Reason}`);
    console.log(`  calls to Rekognition during Create: ${sim.calls.length}\n`);

    console.log('CloudFormation Delete (cdk destroy):');
    const startedAt = Date.now();
    const stamp = () => `  +${((Date.now() - startedAt) / 1000).toFixed(2).padStart(6)}s`;
    sim.on('call', (call: CallRecord) => console.log(`${stamp()}  ${call.operation.padEnd(21)} ${call.status ? `-> ${call.status}` : `-> ${call.error}`}`));
    sim.on('transition', (t: TransitionEvent) => console.log(`${stamp()}  model ${t.from} -> ${t.to ?? 'gone'}`));
    const remove = await cloudFormation.delete(model, create.response.body.PhysicalResourceId);
    const tookMs = remove.response.at - startedAt;
    console.log(`${stamp()}  response PUT: ${remove.response.body.Status} "${remove.response.body.Reason}"\n`);

    const calls = sim.callsFor(arn);
    const deleted = sim.status(arn) === undefined && remove.response.body.Status === 'SUCCESS';
    console.log('Handler log, one JSON line per state change:');
    remove.runs.flatMap((r) => r.logs).filter((l) => l.message === 'model state').forEach((l) => console.log(`  ${JSON.stringify(l)}`));
    console.log('\nSummary');
    console.log(`  model deleted:       ${deleted ? 'yes' : `NO (status ${sim.status(arn)})`}`);
    console.log(`  teardown took:       ${(tookMs / 1000).toFixed(1)}s (the model's own stop and delete: ${(STOP_MS + DELETE_MS) / 1000}s)`);
    console.log(`  calls to Rekognition: ${calls.length} (${count(calls, 'StopProjectVersion')} Stop, ${count(calls, 'DeleteProjectVersion')} Delete)`);
    console.log(`  response size:       ${remove.response.bytes} bytes (CloudFormation's limit: 4096)`);
    return deleted ? 0 : 1;
  } finally {
    await lambda.idle();
    await Promise.all([sim.close(), responses.close(), lambda.close()]);
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function count(calls: CallRecord[], operation: string): number {
  return calls.filter((c) => c.operation === operation).length;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
