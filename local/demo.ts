import * as fs from 'fs';
import * as path from 'path';
import { ModelTeardownExampleStack } from '../examples/model-teardown-stack';
import { StackEvent } from './cloudformation/stack-state';
import { LOCAL_ENV, LocalAws, StackOperationReport } from './local-aws';
import { CallRecord, TransitionEvent } from './rekognition';
import { playEveningStop } from './run-schedule-demo';

/**
 * The demo: plays the example app's `cdk deploy` and then `cdk destroy` through the local
 * CloudFormation (the synthesized template, the real bundled handler in its own process, the
 * local Rekognition with a RUNNING model, IAM as the stack grants it), printing the stack events
 * as the CloudFormation console shows them, interleaved with the Rekognition calls and the
 * model's states. Then a model with a run schedule: its evening stop, and its destroy (see
 * run-schedule-demo.ts). Exits non-zero unless both stacks end DELETE_COMPLETE, the models are gone
 * and the scheduled stop stopped its model.
 */

const STOP_MS = 4_000;
const DELETE_MS = 1_500;
const PROJECT_VERSION_ARN = 'arn:aws:rekognition:us-east-1:123456789012:project/birds/version/birds.2026-11-23/1763899200000';

async function main(): Promise<number> {
  const aws = await LocalAws.start();
  try {
    const stack = new ModelTeardownExampleStack(aws.newApp(), 'RekognitionModelTeardownExample', {
      env: LOCAL_ENV,
      projectName: 'birds',
      projectVersionArn: PROJECT_VERSION_ARN,
    });
    const synthesized = aws.synthesize(stack);
    const bundle = [...synthesized.assetDirs.values()].map((dir) => path.join(dir, 'index.js')).find((file) => fs.existsSync(file));
    console.log('Rekognition Custom Labels model lifecycle demo: cdk deploy and cdk destroy of the example app, played locally\n');
    console.log(`synthesized  ${stack.stackName}: ${Object.keys(synthesized.template.Resources).length} resources${bundle ? `, handler bundle ${(fs.statSync(bundle).size / 1024).toFixed(0)} KiB` : ''}`);
    aws.sim.addModel(PROJECT_VERSION_ARN, { status: 'RUNNING', stopDurationMs: STOP_MS, deleteDurationMs: DELETE_MS });
    console.log(`rekognition  model birds/birds.2026-11-23 is RUNNING (stopping takes ${STOP_MS / 1000}s, deleting ${DELETE_MS / 1000}s)\n`);

    const width = Math.max(stack.stackName.length, ...Object.keys(synthesized.template.Resources).map((id) => id.length));
    let startedAt = Date.now();
    const stamp = () => `+${((Date.now() - startedAt) / 1000).toFixed(2).padStart(6)}s`;
    aws.engine.on('event', (e: StackEvent) => console.log(`${stamp()}  ${e.logicalResourceId.padEnd(width)} ${e.resourceStatus.padEnd(20)} ${e.resourceType.padEnd(38)} ${e.resourceStatusReason ?? ''}`));
    aws.sim.on('call', (c: CallRecord) => console.log(`${stamp()}    rekognition ${c.operation} -> ${c.status ?? c.error}`));
    aws.sim.on('transition', (t: TransitionEvent) => console.log(`${stamp()}    model ${t.from} -> ${t.to ?? 'gone'}`));

    console.log('cdk deploy');
    console.log(`${'time'.padStart(8)}  ${'Logical ID'.padEnd(width)} ${'Status'.padEnd(20)} ${'Type'.padEnd(38)} Status reason`);
    const deploy = await aws.deploy(synthesized);

    console.log('\ncdk destroy');
    startedAt = Date.now();
    const destroy = await aws.destroy(stack.stackName);

    const modelGone = aws.sim.status(PROJECT_VERSION_ARN) === undefined;
    const ok = deploy.status === 'CREATE_COMPLETE' && destroy.status === 'DELETE_COMPLETE' && modelGone;
    console.log('\nHandler log during cdk destroy, one JSON line per state change:');
    destroy.functionRuns.flatMap((r) => r.logs).filter((l) => l.message === 'model state').forEach((l) => console.log(`  ${JSON.stringify(l)}`));
    console.log('\nSummary');
    console.log(`  cdk deploy:            ${deploy.status}, ${count(deploy, 'CREATE_COMPLETE')} resources created, ${deploy.rekognitionCalls.length} Rekognition calls`);
    console.log(`  cdk destroy:           ${destroy.status} in ${seconds(destroy)} (the model's own stop and delete: ${(STOP_MS + DELETE_MS) / 1000}s)`);
    console.log(`  model:                 ${modelGone ? 'deleted' : `NOT deleted (${aws.sim.status(PROJECT_VERSION_ARN)})`}`);
    console.log(`  Rekognition calls:     ${destroy.rekognitionCalls.length} during destroy (${calls(destroy, 'StopProjectVersion')} Stop, ${calls(destroy, 'DeleteProjectVersion')} Delete)`);
    console.log(`  function runs:         ${deploy.functionRuns.length + destroy.functionRuns.length} (one process each)`);
    console.log(`\n${ok ? 'OK' : 'FAILED'}: the stack ${destroy.status === 'DELETE_COMPLETE' ? 'is deleted' : `ended ${destroy.status}`} and the model ${modelGone ? 'is gone' : 'is left'}.`);
    const scheduled = await playEveningStop(aws);
    console.log(`\n${scheduled ? 'OK' : 'FAILED'}: the run schedule ${scheduled ? 'stopped the model in the evening, and destroy removed it' : 'did not do what it should'}.`);
    return ok && scheduled ? 0 : 1;
  } finally {
    await aws.close();
  }
}

function count(report: StackOperationReport, status: string): number {
  return report.events.filter((e) => e.resourceStatus === status && e.resourceType !== 'AWS::CloudFormation::Stack').length;
}

function calls(report: StackOperationReport, operation: string): number {
  return report.rekognitionCalls.filter((c) => c.operation === operation).length;
}

function seconds(report: StackOperationReport): string {
  const times = report.events.map((e) => e.timestamp.getTime());
  return `${((Math.max(...times) - Math.min(...times)) / 1000).toFixed(1)}s`;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
