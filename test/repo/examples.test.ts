import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';

/**
 * The example app (examples/app.ts) synthesizes as the CDK CLI runs it: the CLI passes `-c` values
 * in CDK_CONTEXT_JSON and reads the cloud assembly from CDK_OUTDIR. The app run by the real CLI,
 * as cdk.json tells it, with `-c` values as in the README: cdk-synth.test.ts.
 */

const STACK = 'RekognitionModelTeardownExample';

/** Synthesizes the example app into a temporary directory and returns its stack's template. */
function synthesize(context: Record<string, string>, run: (env: NodeJS.ProcessEnv) => void): Template {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-app-'));
  try {
    run({ CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) });
    return Template.fromJSON(JSON.parse(fs.readFileSync(path.join(outdir, `${STACK}.template.json`), 'utf8')));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Runs examples/app.ts in this process. */
function inProcess(env: NodeJS.ProcessEnv): void {
  const saved = Object.keys(env).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, env);
  try {
    jest.isolateModules(() => jest.requireActual('../../examples/app'));
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  }
}

function logicalIdOf(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0];
}

test('the model is torn down before the project: its resource depends on the project', () => {
  const template = synthesize({}, inProcess);

  const projectId = logicalIdOf(template, 'AWS::Rekognition::Project');
  const modelId = logicalIdOf(template, 'Custom::RekognitionCustomLabelsModel');
  expect(template.toJSON().Resources[modelId].DependsOn).toContain(projectId);
  template.hasResourceProperties('AWS::Rekognition::Project', { ProjectName: 'birds' });
  template.hasResourceProperties('Custom::RekognitionCustomLabelsModel', {
    ProjectVersionArn: Match.stringLikeRegexp('^arn:aws:rekognition:[a-z0-9-]+:\\d{12}:project/birds/version/'),
    MaxWaitSeconds: 1800,
  });
});
