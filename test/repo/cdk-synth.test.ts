import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';

/**
 * The real CDK command line (the `aws-cdk` dev dependency, which `npx aws-cdk@2` resolves to here)
 * synthesizes the example app as README tells users to run it, after `cd examples`, with `-c`
 * context, offline: npm may not fetch anything and the CLI may not fetch its notices.
 */

jest.setTimeout(120_000);

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const ARN = 'arn:aws:rekognition:us-east-1:123456789012:project/birds/version/birds.2026-11-23T12.00.00/1763899200000';

/** Runs `npx aws-cdk@2 synth --json <args>` in examples/; its exit code, the template it printed and what it said. */
function cdkSynth(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-synth-'));
  try {
    const result = spawnSync('npx', ['aws-cdk@2', 'synth', '--json', '--no-notices', '--output', outdir, ...args], {
      cwd: EXAMPLES,
      encoding: 'utf8',
      env: {
        ...process.env,
        npm_config_offline: 'true',
        // No AWS configuration: the app's default account and region apply, as in README.
        AWS_CONFIG_FILE: path.join(outdir, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(outdir, 'no-credentials'),
        AWS_REGION: '',
        AWS_DEFAULT_REGION: '',
        AWS_PROFILE: '',
      },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

test('`cdk synth -c projectName=birds -c projectVersionArn=...` prints the stack with the model, its policy and the project', () => {
  const { status, stdout, stderr } = cdkSynth(['-c', 'projectName=birds', '-c', `projectVersionArn=${ARN}`]);

  expect({ status, stderr: status === 0 ? '' : stderr }).toEqual({ status: 0, stderr: '' });
  const template = Template.fromJSON(JSON.parse(stdout));
  template.resourceCountIs('Custom::RekognitionCustomLabelsModel', 1);
  template.hasResourceProperties('Custom::RekognitionCustomLabelsModel', {
    ProjectVersionArn: ARN,
    TeardownAction: 'DELETE',
    MaxWaitSeconds: 1800,
    ServiceTimeout: '1860',
  });
  template.hasResource('Custom::RekognitionCustomLabelsModel', { DependsOn: Match.arrayWith(['Project']) });
  template.hasResourceProperties('AWS::Rekognition::Project', { ProjectName: 'birds' });
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['rekognition:StopProjectVersion', 'rekognition:DeleteProjectVersion', 'rekognition:TagResource', 'rekognition:UntagResource', 'rekognition:ListTagsForResource'], Resource: ARN }] },
  });
  template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }) });
});

test('`cdk synth` with a model version ARN of the wrong form fails, naming the prop', () => {
  const { status, stderr } = cdkSynth(['-c', 'projectName=birds', '-c', 'projectVersionArn=arn:aws:rekognition:us-east-1:123456789012:project/birds']);

  expect(status).not.toBe(0);
  expect(stderr).toContain('projectVersionArn must be a Rekognition Custom Labels model version ARN of the form');
});
