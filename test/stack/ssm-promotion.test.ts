import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addRunningModel, expectReplacedInCleanup, modelArn, modelResourceId } from './stack-test-kit';
import { PromotedModelStack } from '../../examples/promoted-model-stack';
import { LOCAL_ACCOUNT, LOCAL_ENV, LOCAL_REGION, LocalAws } from '../../local/local-aws';

/**
 * A model promoted through an SSM parameter (examples/promoted-model-stack.ts): the parameter is
 * read at synth with `StringParameter.valueFromLookup`, whose value the CDK CLI caches in
 * cdk.context.json under the key below, so the ARN is a literal in the template and a promoted
 * model replaces the old one as a changed literal ARN does.
 */

jest.setTimeout(120_000);

const PARAMETER = '/models/birds/current';
/** The key the CDK CLI caches the parameter's value under in cdk.context.json. */
const CONTEXT_KEY = `ssm:account=${LOCAL_ACCOUNT}:parameterName=${PARAMETER}:region=${LOCAL_REGION}`;

test('before the lookup, the stack synthesizes with a placeholder and asks the CLI for the parameter', () => {
  const app = new App();
  new PromotedModelStack(app, 'Promoted', { env: LOCAL_ENV, parameterName: PARAMETER });

  const missing = app.synth().manifest.missing ?? [];

  expect(missing.map(({ key, provider }) => ({ key, provider }))).toEqual([{ key: CONTEXT_KEY, provider: 'ssm' }]);
});

test('with the parameter\'s value in the context, the ARN is a literal in the template and in the model\'s policy', () => {
  const arn = modelArn('birds.v1');
  const app = new App({ context: { [CONTEXT_KEY]: arn } });
  const stack = new PromotedModelStack(app, 'Promoted', { env: LOCAL_ENV, parameterName: PARAMETER });

  const template = Template.fromStack(stack);

  template.hasResourceProperties('Custom::RekognitionCustomLabelsModel', { ProjectVersionArn: arn });
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['rekognition:StopProjectVersion', 'rekognition:DeleteProjectVersion', 'rekognition:TagResource', 'rekognition:UntagResource', 'rekognition:ListTagsForResource'], Resource: arn }] },
  });
  expect(app.synth().manifest.missing).toBeUndefined();
});

test('the example app (examples/ssm-promotion.ts) synthesizes the ARN cached for its parameter as a literal', () => {
  const arn = modelArn('birds.v1');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-promotion-'));
  // As the CLI runs it: the context (cdk.context.json's included) in CDK_CONTEXT_JSON, its account and region.
  const env = {
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify({ [CONTEXT_KEY]: arn }),
    CDK_DEFAULT_ACCOUNT: LOCAL_ACCOUNT,
    CDK_DEFAULT_REGION: LOCAL_REGION,
  };
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    jest.isolateModules(() => jest.requireActual('../../examples/ssm-promotion'));
    const template = Template.fromJSON(JSON.parse(fs.readFileSync(path.join(outdir, 'RekognitionPromotedModelExample.template.json'), 'utf8')));
    template.hasResourceProperties('Custom::RekognitionCustomLabelsModel', { ProjectVersionArn: arn });
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

describe('promoting a model: the parameter names v2 instead of v1', () => {
  let aws: LocalAws;
  beforeAll(async () => {
    aws = await LocalAws.start();
  });
  afterAll(() => aws.close());

  test('UPDATE_COMPLETE, the old model deleted in the cleanup, the new one untouched', async () => {
    const [v1, v2] = [modelArn('birds.v1', 'promoted'), modelArn('birds.v2', 'promoted')];
    addRunningModel(aws, v1);
    addRunningModel(aws, v2);
    let modelId = '';
    /** `cdk deploy` with the parameter's value cached in cdk.context.json. */
    const deployWith = (current: string) => {
      const app = aws.newApp();
      app.node.setContext(CONTEXT_KEY, current);
      const stack = new PromotedModelStack(app, 'Promoted', { env: LOCAL_ENV, parameterName: PARAMETER });
      modelId = modelResourceId(stack.model);
      return aws.deploy(aws.synthesize(stack));
    };
    expect((await deployWith(v1)).status).toBe('CREATE_COMPLETE');

    const update = await deployWith(v2);

    expectReplacedInCleanup(aws, update, 'Promoted', modelId, v1, v2);
  });
});
