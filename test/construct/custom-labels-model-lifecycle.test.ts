import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rekognition from 'aws-cdk-lib/aws-rekognition';
import { CustomLabelsModelLifecycle, ModelTeardownAction } from '../../src';

const arn = (version: string) =>
  `arn:aws:rekognition:us-east-1:123456789012:project/birds/version/${version}/1700000000000`;

function stack(): Stack {
  return new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
}

/** The statements of every IAM policy in the template, flattened. */
function statements(template: Template): Array<Record<string, unknown>> {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

describe('resources', () => {
  test('three models share one function and one role, each with its own policy', () => {
    const s = stack();
    ['v1', 'v2', 'v3'].forEach((v) => new CustomLabelsModelLifecycle(s, v, { projectVersionArn: arn(v) }));
    const template = Template.fromStack(s);

    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('Custom::RekognitionCustomLabelsModel', 3);
    // One per model, and the function's own (logs, self-invoke).
    template.resourceCountIs('AWS::IAM::Policy', 4);
    for (const v of ['v1', 'v2', 'v3']) {
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [{
            Effect: 'Allow',
            Action: ['rekognition:StopProjectVersion', 'rekognition:DeleteProjectVersion'],
            Resource: arn(v),
          }],
        },
        Roles: [{ Ref: Match.stringLikeRegexp('^RekognitionCustomLabelsModelLifecycleProviderRole') }],
      });
    }
  });

  test('one model adds 6 resources to a stack, and each further model 2', () => {
    const counts = [1, 2, 10].map((n) => {
      const s = stack();
      for (let i = 0; i < n; i++) {
        new CustomLabelsModelLifecycle(s, `M${i}`, { projectVersionArn: arn(`v${i}`) });
      }
      return Object.keys(Template.fromStack(s).toJSON().Resources).length;
    });
    expect(counts).toEqual([6, 8, 24]);
  });

  test('the custom resource carries the ARN, the action, the wait and a matching ServiceTimeout', () => {
    const s = stack();
    new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn('v1') });
    Template.fromStack(s).hasResourceProperties('Custom::RekognitionCustomLabelsModel', {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('Handler'), 'Arn'] },
      ProjectVersionArn: arn('v1'),
      TeardownAction: 'DELETE',
      MaxWaitSeconds: 1800,
      ServiceTimeout: '1860',
    });
  });

  test('the function runs on the latest Node.js runtime, for 15 minutes, logging to its own group', () => {
    const s = stack();
    new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn('v1') });
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: lambda.determineLatestNodeRuntime(s).name,
      Handler: 'index.handler',
      Timeout: 900,
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('LogGroup') }, LogFormat: 'JSON' },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  test('each model resource depends on its own policy and on the function\'s policy', () => {
    const s = stack();
    const model = new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn('v1') });
    const template = Template.fromStack(s).toJSON();
    const resource = Object.values<any>(template.Resources).find((r) => r.Type === 'Custom::RekognitionCustomLabelsModel');
    const policyId = s.getLogicalId(model.teardownPolicy);
    expect(resource.DependsOn).toEqual(expect.arrayContaining([policyId, expect.stringMatching(/HandlerPolicy/)]));
  });

  test('exposes the shared function, role and log group', () => {
    const s = stack();
    const a = new CustomLabelsModelLifecycle(s, 'A', { projectVersionArn: arn('v1') });
    const b = new CustomLabelsModelLifecycle(s, 'B', { projectVersionArn: arn('v2') });
    expect(a.handlerFunction).toBe(b.handlerFunction);
    expect(a.handlerRole).toBe(b.handlerRole);
    expect(a.handlerLogGroup).toBe(b.handlerLogGroup);
    expect(a.projectVersionArn).toBe(arn('v1'));
  });
});

describe('least privilege', () => {
  test('no managed policies, no wildcard resources, and only the actions the teardown needs', () => {
    const s = stack();
    new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn('v1') });
    const template = Template.fromStack(s);

    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    const all = statements(template);
    expect(all.flatMap((st) => [st.Action].flat()).sort()).toEqual([
      'lambda:InvokeFunction',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'rekognition:DeleteProjectVersion',
      'rekognition:StopProjectVersion',
    ]);
    for (const st of all) {
      expect(JSON.stringify(st.Resource)).not.toMatch(/"\*"|:\*"/);
    }
    // Logs go to the function's own group, and the function may invoke only itself.
    expect(all).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/LogGroup/), 'Arn'] } }),
      expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [expect.stringMatching(/Handler/), 'Arn'] } }),
    ]));
  });

  test('STOP grants only rekognition:StopProjectVersion', () => {
    const s = stack();
    new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn('v1'), teardownAction: ModelTeardownAction.STOP });
    const template = Template.fromStack(s);
    expect(statements(template).filter((st) => String(st.Action).startsWith('rekognition')))
      .toEqual([expect.objectContaining({ Action: 'rekognition:StopProjectVersion', Resource: arn('v1') })]);
    template.hasResourceProperties('Custom::RekognitionCustomLabelsModel', { TeardownAction: 'STOP' });
  });
});

describe('props', () => {
  test('maxWait sets the wait and ServiceTimeout (plus one minute)', () => {
    const s = stack();
    new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn('v1'), maxWait: Duration.minutes(59) });
    Template.fromStack(s).hasResourceProperties('Custom::RekognitionCustomLabelsModel', {
      MaxWaitSeconds: 3540,
      ServiceTimeout: '3600',
    });
  });

  test('a project in the same stack is deleted after the model', () => {
    const s = stack();
    const project = new rekognition.CfnProject(s, 'Project', { projectName: 'birds' });
    new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn('v1'), project });
    const template = Template.fromStack(s).toJSON();
    const resource = Object.values<any>(template.Resources).find((r) => r.Type === 'Custom::RekognitionCustomLabelsModel');
    expect(resource.DependsOn).toContain(s.getLogicalId(project));
  });

  test('a token ARN passes synth and is checked by the handler', () => {
    const s = stack();
    const tokenArn = Token.asString({ 'Fn::ImportValue': 'ModelArn' });
    new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: tokenArn });
    Template.fromStack(s).hasResourceProperties('Custom::RekognitionCustomLabelsModel', {
      ProjectVersionArn: { 'Fn::ImportValue': 'ModelArn' },
    });
  });
});

describe('validation at synth', () => {
  test.each([
    ['a project ARN', 'arn:aws:rekognition:us-east-1:123456789012:project/birds/1700000000000'],
    ['a short account', 'arn:aws:rekognition:us-east-1:1234:project/birds/version/v1/1700000000000'],
    ['another service', 'arn:aws:s3:us-east-1:123456789012:project/birds/version/v1/1700000000000'],
    ['a name with a space', 'arn:aws:rekognition:us-east-1:123456789012:project/my birds/version/v1/1'],
    ['too long a value', `arn:aws:rekognition:us-east-1:123456789012:project/${'p'.repeat(255)}/version/${'v'.repeat(255)}/${'1'.repeat(1600)}`],
    ['an empty string', ''],
  ])('rejects %s, naming the prop, the value and the expected form', (_, bad) => {
    expect(() => new CustomLabelsModelLifecycle(stack(), 'Model', { projectVersionArn: bad }))
      .toThrow(new RegExp(`^projectVersionArn must be a Rekognition Custom Labels model version ARN of the form arn:<partition>:rekognition:<region>:<12-digit account>:project/<project name>/version/<version name>/<number>, 20 to 2048 characters; got '${bad.slice(0, 40)}`));
  });

  test.each([Duration.seconds(59), Duration.minutes(60), Duration.hours(2)])('rejects maxWait of %s', (maxWait) => {
    expect(() => new CustomLabelsModelLifecycle(stack(), 'Model', { projectVersionArn: arn('v1'), maxWait }))
      .toThrow(/^maxWait must be between 1 minute and 59 minutes \(CloudFormation waits at most one hour for a custom resource, and keeps one minute of margin\); got /);
  });

  test('rejects a project with STOP, which keeps the version the project would need gone', () => {
    const s = stack();
    const project = new rekognition.CfnProject(s, 'Project', { projectName: 'birds' });
    expect(() => new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn('v1'), project, teardownAction: ModelTeardownAction.STOP }))
      .toThrow(/^project cannot be given with teardownAction ModelTeardownAction.STOP: STOP keeps the model version/);
  });

  test('rejects a project whose name is not the one in the ARN', () => {
    const s = stack();
    const project = new rekognition.CfnProject(s, 'Project', { projectName: 'cats' });
    expect(() => new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn('v1'), project }))
      .toThrow("project must be the project of projectVersionArn: the ARN names project 'birds', but the given project is named 'cats'.");
  });
});
