import { Annotations as CdkAnnotations, App, CfnParameter, Duration, Fn, NestedStack, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rekognition from 'aws-cdk-lib/aws-rekognition';
import { CustomLabelsModelLifecycle, ModelTeardownAction } from '../../src';
import { ROLE_INLINE_POLICIES_MAX_CHARS, TOKEN_ARN_ASSUMED_CHARS } from '../../src/teardown-provider';

const arn = (version: string) =>
  `arn:aws:rekognition:us-east-1:123456789012:project/birds/version/${version}/1700000000000`;

function stack(): Stack {
  return new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
}

/** The statements of every IAM policy in the template, inline and managed, flattened. */
function statements(template: Template): Array<Record<string, unknown>> {
  return [...Object.values(template.findResources('AWS::IAM::Policy')), ...Object.values(template.findResources('AWS::IAM::ManagedPolicy'))]
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** The model actions of a DELETE teardown: Stop and Delete, and the three that record, release and read its claim. */
const MODEL_ACTIONS = ['rekognition:StopProjectVersion', 'rekognition:DeleteProjectVersion', 'rekognition:TagResource', 'rekognition:UntagResource', 'rekognition:ListTagsForResource'];

describe('resources', () => {
  test('three models share one function and one role, each with its own policy', () => {
    const s = stack();
    ['v1', 'v2', 'v3'].forEach((v) => new CustomLabelsModelLifecycle(s, v, { projectVersionArn: arn(v) }));
    const template = Template.fromStack(s);

    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('Custom::RekognitionCustomLabelsModel', 3);
    // One per model, and the function's own (logs, self-invoke, its stack) as a managed policy.
    template.resourceCountIs('AWS::IAM::Policy', 3);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    for (const v of ['v1', 'v2', 'v3']) {
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [{
            Effect: 'Allow',
            Action: MODEL_ACTIONS,
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
      RecordsClaim: 'true',
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
      // The stack whose events it serves and whose name its metrics carry.
      Environment: { Variables: { TEARDOWN_STACK_ID: { Ref: 'AWS::StackId' } } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  test('each model resource depends on its own policy and on the function\'s policy', () => {
    const s = stack();
    const model = new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn('v1') });
    const template = Template.fromStack(s).toJSON();
    const resource = Object.values<any>(template.Resources).find((r) => r.Type === 'Custom::RekognitionCustomLabelsModel');
    const policyId = s.getLogicalId(model.teardownPolicy);
    expect(resource.DependsOn).toEqual(expect.arrayContaining([policyId, expect.stringMatching(/HandlerManagedPolicy/)]));
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
  test('no AWS managed policies, no wildcard resources, and only the actions the teardown needs', () => {
    const s = stack();
    new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn('v1') });
    const template = Template.fromStack(s);

    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    const all = statements(template);
    expect(all.flatMap((st) => [st.Action].flat()).sort()).toEqual([
      'cloudformation:DescribeStackEvents',
      'cloudformation:DescribeStacks',
      'cloudformation:ListStackResources',
      'lambda:InvokeFunction',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'rekognition:DeleteProjectVersion',
      'rekognition:ListTagsForResource',
      'rekognition:StopProjectVersion',
      'rekognition:TagResource',
      'rekognition:UntagResource',
    ]);
    for (const st of all) {
      expect(JSON.stringify(st.Resource)).not.toMatch(/"\*"|:\*"/);
    }
    // Logs go to the function's own group, and the function may invoke only itself.
    expect(all).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/LogGroup/), 'Arn'] } }),
      expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [expect.stringMatching(/Handler/), 'Arn'] } }),
      // Its own stack only: the stack's own ARN.
      expect.objectContaining({ Action: ['cloudformation:DescribeStacks', 'cloudformation:ListStackResources'], Resource: { Ref: 'AWS::StackId' } }),
      expect.objectContaining({ Action: 'cloudformation:DescribeStackEvents', Resource: { Ref: 'AWS::StackId' } }),
    ]));
  });

  test('STOP grants rekognition:StopProjectVersion and the claim actions, and no Delete', () => {
    const s = stack();
    new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn('v1'), teardownAction: ModelTeardownAction.STOP });
    const template = Template.fromStack(s);
    expect(statements(template).filter((st) => String(st.Action).startsWith('rekognition')))
      .toEqual([expect.objectContaining({ Action: MODEL_ACTIONS.filter((a) => a !== 'rekognition:DeleteProjectVersion'), Resource: arn('v1') })]);
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
  test('lets the placeholder of a pending context lookup pass (valueFromLookup before the CLI looked it up)', () => {
    const s = stack();
    expect(() => new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: 'dummy-value-for-/models/birds/current' })).not.toThrow();
  });

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

describe('ownership across updates', () => {
  /** The model policy's logical id and name, and the id the resource carries for the handler. */
  function grant(props: { projectVersionArn: string }, id = 'Model') {
    const s = stack();
    const model = new CustomLabelsModelLifecycle(s, id, props);
    const template = Template.fromStack(s).toJSON();
    const resource = Object.values<any>(template.Resources).find((r) => r.Type === 'Custom::RekognitionCustomLabelsModel');
    const logicalId = s.resolve(model.teardownPolicy.logicalId);
    return { logicalId, policyName: template.Resources[logicalId].Properties.PolicyName, carried: resource.Properties.TeardownPolicyLogicalId };
  }

  test('a new literal ARN gets a new policy (logical id and name), so the old grant outlives the old model\'s Delete', () => {
    const v1 = grant({ projectVersionArn: arn('v1') });
    const v2 = grant({ projectVersionArn: arn('v2') });
    expect(v1.logicalId).toMatch(/^ModelTeardownPolicy[0-9A-F]{8}/);
    expect(v2.logicalId).not.toBe(v1.logicalId);
    expect(v2.policyName).not.toBe(v1.policyName);
    expect(grant({ projectVersionArn: arn('v1') })).toEqual(v1);
  });

  test('the resource carries its policy\'s logical id, so the handler can tell an in-place grant update', () => {
    const v1 = grant({ projectVersionArn: arn('v1') });
    expect(v1.carried).toBe(v1.logicalId);
  });

  test('a token ARN keeps one policy whatever its value (the handler then refuses an in-place ARN change)', () => {
    const tokenGrant = () => {
      const s = stack();
      const param = new CfnParameter(s, 'ModelArn');
      const model = new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: param.valueAsString });
      return s.resolve(model.teardownPolicy.logicalId);
    };
    expect(tokenGrant()).toMatch(/^ModelTeardownPolicy[0-9A-F]{8}$/);
    expect(tokenGrant()).toBe(tokenGrant());
  });

  test('a token ARN made of literals and pseudo parameters (Stack.formatArn) gets a policy keyed on its resolved form, so a new value gets a new policy', () => {
    const formatted = (version: string) => {
      const s = stack();
      const projectVersionArn = s.formatArn({ service: 'rekognition', resource: 'project', resourceName: `birds/version/${version}/1700000000000` });
      expect(Token.isUnresolved(projectVersionArn)).toBe(true);
      return s.resolve(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn }).teardownPolicy.logicalId);
    };
    expect(formatted('v1')).toMatch(/^ModelTeardownPolicy[0-9A-F]{8}[0-9A-F]{8}$/);
    expect(formatted('v2')).not.toBe(formatted('v1'));
    expect(formatted('v1')).toBe(formatted('v1'));
  });

  test('a Fn::Sub of a parameter is only known at deploy: one policy whatever its value', () => {
    const subbed = (version: string) => {
      const s = stack();
      new CfnParameter(s, 'Version');
      const projectVersionArn = Fn.sub(`arn:aws:rekognition:us-east-1:123456789012:project/birds/version/\${Version}/${version}`);
      return s.resolve(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn }).teardownPolicy.logicalId);
    };
    expect(subbed('1')).toBe(subbed('2'));
  });

  test('renaming the construct gives a new resource and a new policy, so the old one still grants the old resource\'s Delete', () => {
    expect(grant({ projectVersionArn: arn('v1') }, 'Renamed').logicalId).not.toBe(grant({ projectVersionArn: arn('v1') }).logicalId);
  });

  test.each([
    [RemovalPolicy.RETAIN, 'Retain'],
    [RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, 'RetainExceptOnCreate'],
  ])('removalPolicy %s keeps the model: CloudFormation sends no Delete on removal or replacement', (removalPolicy, deletionPolicy) => {
    const s = stack();
    new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn('v1'), removalPolicy });
    Template.fromStack(s).hasResource('Custom::RekognitionCustomLabelsModel', { DeletionPolicy: deletionPolicy, UpdateReplacePolicy: 'Retain' });
  });

  test('applyRemovalPolicy does the same, and DESTROY is the default', () => {
    const s = stack();
    new CustomLabelsModelLifecycle(s, 'Destroyed', { projectVersionArn: arn('v1') });
    new CustomLabelsModelLifecycle(s, 'Kept', { projectVersionArn: arn('v2') }).applyRemovalPolicy(RemovalPolicy.RETAIN);
    const resources = Template.fromStack(s).findResources('Custom::RekognitionCustomLabelsModel');
    expect(Object.entries(resources).map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r.DeletionPolicy])).toEqual([
      ['Destroyed', 'Delete'],
      ['Kept', 'Retain'],
    ]);
  });

  test('rejects RemovalPolicy.SNAPSHOT, which a model version does not have', () => {
    expect(() => new CustomLabelsModelLifecycle(stack(), 'Model', { projectVersionArn: arn('v1'), removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow(/^removalPolicy must be RemovalPolicy.DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE; got SNAPSHOT/);
  });
});

describe('one stack, its own models', () => {
  test('rejects two constructs on the same literal ARN, naming the first', () => {
    const s = stack();
    new CustomLabelsModelLifecycle(s, 'First', { projectVersionArn: arn('v1') });
    expect(() => new CustomLabelsModelLifecycle(s, 'Second', { projectVersionArn: arn('v1') }))
      .toThrow(`projectVersionArn '${arn('v1')}' is already owned by Test/First in this stack; a model may have only one CustomLabelsModelLifecycle per stack. Remove one of them.`);
  });

  test('rejects two constructs on the same Stack.formatArn ARN, compared in resolved form', () => {
    const s = stack();
    const projectVersionArn = () => s.formatArn({ service: 'rekognition', resource: 'project', resourceName: 'birds/version/v1/1' });
    new CustomLabelsModelLifecycle(s, 'First', { projectVersionArn: projectVersionArn() });
    expect(() => new CustomLabelsModelLifecycle(s, 'Second', { projectVersionArn: projectVersionArn() })).toThrow(/is already owned by Test\/First in this stack/);
  });

  test('lets one construct in each of two stacks name the same model, warning with both construct paths (claims keep it until the last stack goes)', () => {
    const app = new App();
    const [beta, prod] = ['Beta', 'Prod'].map((name) => new Stack(app, name, { env: { account: '123456789012', region: 'us-east-1' } }));
    new CustomLabelsModelLifecycle(beta, 'Model', { projectVersionArn: arn('v1') });
    new CustomLabelsModelLifecycle(prod, 'Model', { projectVersionArn: arn('v1') });
    expect(() => app.synth()).not.toThrow();
    Annotations.fromStack(prod).hasWarning('/Prod/Model', Match.stringLikeRegexp('^The model of Prod/Model is also named by Beta/Model: each stack records its claim on the model, and only the last of them to be destroyed .*tears the model down'));
    expect(Annotations.fromStack(beta).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('the warning can be acknowledged by its id', () => {
    const app = new App();
    const [beta, prod] = ['Beta', 'Prod'].map((name) => new Stack(app, name, { env: { account: '123456789012', region: 'us-east-1' } }));
    new CustomLabelsModelLifecycle(beta, 'Model', { projectVersionArn: arn('v1') });
    const model = new CustomLabelsModelLifecycle(prod, 'Model', { projectVersionArn: arn('v1') });
    CdkAnnotations.of(model).acknowledgeWarning('cdk-rekognition-model-lifecycle:modelInSeveralStacks');
    expect(Annotations.fromStack(prod).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('in a nested stack (at any depth), the function may read its own stack and DescribeStacks its root, passed down from the construct tree', () => {
    const root = stack();
    const grandchild = new NestedStack(new NestedStack(root, 'Child'), 'Grandchild');
    new CustomLabelsModelLifecycle(grandchild, 'Model', { projectVersionArn: arn('v1') });
    const template = Template.fromStack(grandchild);
    expect(statements(template).filter((st) => String(st.Action).includes('cloudformation'))).toEqual([
      expect.objectContaining({ Action: ['cloudformation:DescribeStacks', 'cloudformation:ListStackResources'], Resource: { Ref: 'AWS::StackId' } }),
      expect.objectContaining({ Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'referencetoTestAWSStackId' } }),
      // The root's events tell a delete after a failed create of the whole operation.
      expect.objectContaining({ Action: 'cloudformation:DescribeStackEvents', Resource: { Ref: 'referencetoTestAWSStackId' } }),
    ]);
    expect(Object.keys(Template.fromStack(root).toJSON().Resources).some((id) => id.includes('RekognitionCustomLabelsModelLifecycleProvider'))).toBe(false);
  });

  test.each([
    ['another account', 'arn:aws:rekognition:us-east-1:210987654321:project/birds/version/v1/1', /^projectVersionArn must name a model in the stack's account 123456789012: the teardown role cannot be granted another account's model; got account 210987654321/],
    ['another partition', 'arn:aws-cn:rekognition:cn-north-1:123456789012:project/birds/version/v1/1', /^projectVersionArn must name a model in the stack's partition aws; got partition aws-cn/],
  ])('rejects a model in %s than the stack\'s', (_, other, message) => {
    const s = new Stack(new App({ context: { '@aws-cdk/core:enablePartitionLiterals': true } }), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
    expect(() => new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: other })).toThrow(message);
  });

  test('accepts a model in another region of the same account (its region is in its ARN)', () => {
    expect(() => new CustomLabelsModelLifecycle(stack(), 'Model', { projectVersionArn: arn('v1').replace('us-east-1', 'eu-west-1') })).not.toThrow();
  });

  test('an environment-agnostic stack defers the account check to the handler', () => {
    const s = new Stack(new App(), 'Agnostic');
    expect(() => new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: 'arn:aws:rekognition:us-east-1:210987654321:project/birds/version/v1/1' })).not.toThrow();
  });
});

describe('the role\'s inline-policy limit', () => {
  /** A 99-character model version ARN, the length of the README's examples. */
  const longArn = (i: number) => `arn:aws:rekognition:us-east-1:123456789012:project/birds/version/birds.2026-11-23.${String(i).padStart(3, '0')}/1763899200000`;

  /** Adds models until the construct refuses one; returns how many it took and the refusal. */
  function fill(s: Stack, arnOf: (i: number) => string): { count: number; error: Error } {
    for (let count = 0; ; count++) {
      try {
        new CustomLabelsModelLifecycle(s, `Model${count}`, { projectVersionArn: arnOf(count) });
      } catch (error) {
        return { count, error: error as Error };
      }
    }
  }

  /** Characters of the model policies IAM would count: the documents, without whitespace. */
  function modelPolicyChars(template: Template): number {
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .map((policy) => JSON.stringify(policy.Properties.PolicyDocument))
      .filter((document) => document.includes('rekognition:'))
      .reduce((sum, document) => sum + document.length, 0);
  }

  test('a stack holds 31 models with 99-character ARNs and room for one replacement, and the 32nd is refused at synth, naming the limit, the count and what to do', () => {
    const s = stack();
    const { count, error } = fill(s, longArn);
    expect(count).toBe(31);
    expect(error.message).toMatch(/^Too many models in stack Test: Test\/Model31 would be model number 32 of its teardown role, whose inline policies would then hold \d+ characters, and \d+ while one model's ARN is replaced, past IAM's limit of 10240 for one role .* Put the other models in another stack: each stack has its own teardown role\.$/);
    // While one model's ARN is replaced, the role holds its old policy and its new one: that fits too.
    const policies = Object.values(Template.fromStack(s).findResources('AWS::IAM::Policy')).map((p) => JSON.stringify(p.Properties.PolicyDocument));
    const total = policies.reduce((sum, document) => sum + document.length, 0);
    expect(total + Math.max(...policies.map((document) => document.length))).toBeLessThanOrEqual(ROLE_INLINE_POLICIES_MAX_CHARS);
  });

  test('what synthesizes fits: the model policies are the role\'s only inline policies, and the function\'s own is a managed policy within its limit at its longest', () => {
    const s = stack();
    fill(s, longArn);
    const template = Template.fromStack(s);
    expect(modelPolicyChars(template)).toBeLessThanOrEqual(ROLE_INLINE_POLICIES_MAX_CHARS);
    const inline = Object.values(template.findResources('AWS::IAM::Policy')).map((p) => JSON.stringify(p.Properties.PolicyDocument));
    expect(inline.every((document) => document.includes('rekognition:'))).toBe(true);
    const handlerPolicy = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0].Properties.PolicyDocument;
    // Its ARNs are intrinsics until deploy. At their longest (partition aws-us-gov, region
    // ap-southeast-4, a 128-character stack name): the log group's name CloudFormation generates
    // (stack name, logical id, 12 random characters), a 64-character function name, the stack's id.
    const longest = (intrinsic: string) => /LogGroup/.test(intrinsic) ? 265 : /Handler/.test(intrinsic) ? 124 : /StackId/.test(intrinsic) ? 230 : NaN;
    const worstCase = JSON.stringify(handlerPolicy, (_, value) =>
      value && typeof value === 'object' && Object.keys(value).some((key) => key === 'Ref' || key.startsWith('Fn::')) ? 'a'.repeat(longest(JSON.stringify(value))) : value);
    expect(worstCase.length).toBeLessThanOrEqual(6_144);
  });

  test('counts a token ARN at its assumed length, with no room for a replacement (its policy is updated in place)', () => {
    const s = stack();
    const { count } = fill(s, (i) => new CfnParameter(s, `Arn${i}`).valueAsString);
    const prefix = 'arn:aws:rekognition:us-east-1:123456789012:project/p/version/';
    const literalOfAssumedLength = (i: number) => `${prefix}${'v'.repeat(TOKEN_ARN_ASSUMED_CHARS - prefix.length - 3)}/${String(i).padStart(2, '0')}`;
    expect(literalOfAssumedLength(7)).toHaveLength(TOKEN_ARN_ASSUMED_CHARS);
    // Literals of that length leave room for one replacement: one model fewer.
    expect(fill(stack(), literalOfAssumedLength).count).toBe(count - 1);
  });
});
