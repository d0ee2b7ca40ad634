import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { CloudFormationEngine } from '../../local/cloudformation/engine';
import { NoOpProvider } from '../../local/cloudformation/providers/no-op-provider';
import { faultPath } from '../../local/cloudformation/resource-faults';
import { formatEvents, LiveStack, StackEvent } from '../../local/cloudformation/stack-state';
import { logicalIdOf } from '../../local/cloudformation/synthesized-stack';
import { ADMIN_CREDENTIALS, LOCAL_ENV, LOCAL_REGION, LocalAws, StackOperationReport } from '../../local/local-aws';
import { CustomLabelsModelLifecycle } from '../../src';
import { addRunningModel, modelArn, modelResourceId } from '../stack/stack-test-kit';

/**
 * Nested stacks (CDK's NestedStack, AWS::CloudFormation::Stack) played as whole operations
 * through LocalAws: create, update in place with the cleanup the root drives, update rollback,
 * delete with #852, failures at any level, the read API's ParentId and RootId, and custom
 * resources whose events carry the nested stack's id.
 */

jest.setTimeout(120_000);

let aws: LocalAws;
let cloudFormation: CloudFormationClient;
beforeAll(async () => {
  aws = await LocalAws.start();
  cloudFormation = new CloudFormationClient({ region: LOCAL_REGION, endpoint: aws.api.endpoint, credentials: ADMIN_CREDENTIALS, maxAttempts: 1 });
});
afterEach(() => aws.engine.faults.clear());
afterAll(async () => {
  cloudFormation.destroy();
  await aws.close();
});

/** What a version of the tree below may change. */
interface Version {
  /** The Name of Child's Topic. @default 'one' */
  readonly topicName?: string;
  /** The Name of Grand's GTopic. @default 'one' */
  readonly grandTopicName?: string;
  /** Logical ids of extra resources in Child, and in Grand. */
  readonly childExtras?: string[];
  readonly grandExtras?: string[];
  /** The construct id of the nested stack. @default 'Child' */
  readonly childName?: string;
  /** More for the root stack, given the child nested stack's resource. */
  readonly root?: (stack: Stack, childResource: CfnResource) => void;
}

/** A version changing a resource and adding one in each nested stack. */
const changedEverywhere: Version = { topicName: 'two', grandTopicName: 'two', childExtras: ['New'], grandExtras: ['GNew'] };

/** The logical ids of the tree's nested stack resources. */
interface Tree {
  readonly stack: Stack;
  /** In the root: the child's AWS::CloudFormation::Stack resource. */
  readonly childId: string;
  /** In the child: the grandchild's. */
  readonly grandId: string;
}

/**
 * Root `name`: PTopic; nested Child: Topic (named after PTopic, a parameter) and nested Grand:
 * GTopic (after Topic, a parameter); root User reads Child's Topic (an output, Fn::GetAtt Outputs.*).
 */
function tree(name: string, version: Version = {}): Tree {
  const stack = new Stack(aws.newApp(), name, { env: LOCAL_ENV });
  const parentTopic = new CfnResource(stack, 'PTopic', { type: 'AWS::SNS::Topic' });
  const child = new NestedStack(stack, version.childName ?? 'Child');
  const topic = new CfnResource(child, 'Topic', { type: 'AWS::SNS::Topic', properties: { Name: version.topicName ?? 'one', After: parentTopic.ref } });
  for (const id of version.childExtras ?? []) new CfnResource(child, id, { type: 'AWS::SNS::Topic' });
  const grand = new NestedStack(child, 'Grand');
  new CfnResource(grand, 'GTopic', { type: 'AWS::SNS::Topic', properties: { Name: version.grandTopicName ?? 'one', After: topic.ref } });
  for (const id of version.grandExtras ?? []) new CfnResource(grand, id, { type: 'AWS::SNS::Topic' });
  new CfnResource(stack, 'User', { type: 'AWS::SNS::Topic', properties: { Reads: topic.ref } });
  version.root?.(stack, child.nestedStackResource!);
  return { stack, childId: logicalIdOf(child.nestedStackResource!), grandId: logicalIdOf(grand.nestedStackResource!) };
}

/** The nested stack held by `logicalId` in `parent` (a stack name or id). */
function nestedOf(parent: string, logicalId: string): LiveStack {
  const id = aws.stack(parent)!.resources.get(logicalId)?.physicalId
    ?? [...aws.stack(parent)!.events].reverse().find((e) => e.logicalResourceId === logicalId && e.physicalResourceId)!.physicalResourceId!;
  return aws.stack(id)!;
}

/** "<logicalId> <status>" of each event of the report that `stack` shows. */
function lines(report: StackOperationReport, stack: LiveStack): string[] {
  return report.events.filter((e) => e.stackId === stack.stackId).map((e) => `${e.logicalResourceId} ${e.resourceStatus}`);
}

/** The index in the report of the first event matching. */
function at(report: StackOperationReport, stack: LiveStack, logicalId: string, status: string): number {
  const index = report.events.findIndex((e) => e.stackId === stack.stackId && e.logicalResourceId === logicalId && e.resourceStatus === status);
  if (index < 0) throw new Error(`no ${logicalId} ${status} in ${stack.stackName}:\n${formatEvents(report.events)}`);
  return index;
}

/** The statuses the stack itself went through in the report. */
function stackStatuses(report: StackOperationReport, stack: LiveStack): string[] {
  return report.events.filter((e: StackEvent) => e.stackId === stack.stackId && e.logicalResourceId === stack.stackName).map((e) => e.resourceStatus);
}

describe('create', () => {
  test('nested stacks at two levels are created as stacks of their own: parameters in, outputs out, ParentId and RootId, their events in the report', async () => {
    const { stack, childId, grandId } = tree('NestedCreate');

    const deploy = await aws.deploy(aws.synthesize(stack));

    expect(deploy.status).toBe('CREATE_COMPLETE');
    const root = aws.stack('NestedCreate')!;
    const child = nestedOf('NestedCreate', childId);
    const grand = nestedOf(child.stackId, grandId);
    // CloudFormation's generated name; Ref of the resource is the stack id.
    expect(child.stackName).toMatch(new RegExp(`^NestedCreate-${childId}-[0-9A-F]{12}$`));
    expect(root.resources.get(childId)!.physicalId).toBe(child.stackId);
    expect(child.stackId).toMatch(new RegExp(`^arn:aws:cloudformation:${LOCAL_REGION}:\\d{12}:stack/${child.stackName}/`));
    expect([child.status, grand.status]).toEqual(['CREATE_COMPLETE', 'CREATE_COMPLETE']);
    // Parameters from the parent, outputs back to it.
    const topic = child.resources.get('Topic')!;
    expect(topic.properties.After).toBe(root.resources.get('PTopic')!.physicalId);
    expect(grand.resources.get('GTopic')!.properties.After).toBe(topic.physicalId);
    expect(root.resources.get('User')!.properties).toEqual({ Reads: topic.physicalId });
    // The report holds every level's events, each with its stack's name and id; a nested stack completes before its resource does.
    expect(new Set(deploy.events.map((e) => e.stackName))).toEqual(new Set([root.stackName, child.stackName, grand.stackName]));
    expect(stackStatuses(deploy, grand)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
    expect(at(deploy, grand, grand.stackName, 'CREATE_COMPLETE')).toBeLessThan(at(deploy, child, grandId, 'CREATE_COMPLETE'));
    expect(at(deploy, child, child.stackName, 'CREATE_COMPLETE')).toBeLessThan(at(deploy, root, childId, 'CREATE_COMPLETE'));
    expect(at(deploy, root, childId, 'CREATE_COMPLETE')).toBeLessThan(at(deploy, root, 'User', 'CREATE_IN_PROGRESS'));

    // The read API: ParentId and RootId for nested stacks only, Outputs, and ListStackResources of a nested stack.
    const describe = async (name: string) => (await cloudFormation.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0];
    const [rootView, childView, grandView] = await Promise.all([describe('NestedCreate'), describe(child.stackName), describe(grand.stackId)]);
    expect(rootView.ParentId).toBeUndefined();
    expect(rootView.RootId).toBeUndefined();
    expect(childView).toMatchObject({ StackStatus: 'CREATE_COMPLETE', ParentId: root.stackId, RootId: root.stackId });
    expect(grandView).toMatchObject({ ParentId: child.stackId, RootId: root.stackId });
    expect(childView.Outputs).toEqual(expect.arrayContaining([expect.objectContaining({ OutputValue: topic.physicalId })]));
    const { StackResourceSummaries } = await cloudFormation.send(new ListStackResourcesCommand({ StackName: child.stackName }));
    expect(StackResourceSummaries!.map((r) => r.LogicalResourceId).sort()).toEqual([grandId, 'Topic'].sort());
    expect(StackResourceSummaries!.find((r) => r.LogicalResourceId === grandId)).toMatchObject({ ResourceType: 'AWS::CloudFormation::Stack', PhysicalResourceId: grand.stackId });

    await aws.destroy('NestedCreate');
  });

  test('a failure two levels down rolls each level back: the nested stack fails its resource, and the root\'s rollback deletes it', async () => {
    const { stack, childId, grandId } = tree('NestedCreateFails');
    aws.engine.faults.fail(faultPath('NestedCreateFails', childId, grandId, 'GTopic'), 'create', { reason: 'GTopic cannot be created' });

    const deploy = await aws.deploy(aws.synthesize(stack));

    expect(deploy.status).toBe('ROLLBACK_COMPLETE');
    const root = aws.stack(deploy.stackId)!;
    const child = nestedOf(root.stackId, childId);
    const grand = nestedOf(child.stackId, grandId);
    expect(stackStatuses(deploy, grand)).toEqual(['CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
    expect(stackStatuses(deploy, child)).toEqual(['CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
    const failed = (s: LiveStack, id: string) => deploy.events.find((e) => e.stackId === s.stackId && e.logicalResourceId === id && e.resourceStatus === 'CREATE_FAILED')?.resourceStatusReason;
    expect(failed(grand, 'GTopic')).toBe('GTopic cannot be created');
    expect(failed(child, grandId)).toBe(`Embedded stack ${grand.stackId} was not successfully created: The following resource(s) failed to create: [GTopic]. `);
    expect(failed(root, childId)).toBe(`Embedded stack ${child.stackId} was not successfully created: The following resource(s) failed to create: [${grandId}]. `);
    // The root's rollback deletes the (rolled back) nested stack.
    expect(at(deploy, root, root.stackName, 'ROLLBACK_IN_PROGRESS')).toBeLessThan(at(deploy, child, child.stackName, 'DELETE_IN_PROGRESS'));
    expect(at(deploy, child, child.stackName, 'DELETE_COMPLETE')).toBeLessThan(at(deploy, root, root.stackName, 'ROLLBACK_COMPLETE'));
    expect(deploy.events.at(-1)).toMatchObject({ stackId: root.stackId, resourceStatus: 'ROLLBACK_COMPLETE' });

    // `cdk deploy` again (the fault spent): the failed root is deleted, then created anew.
    aws.engine.faults.clear();
    const again = await aws.deploy(aws.synthesize(tree('NestedCreateFails').stack));
    expect(again.status).toBe('CREATE_COMPLETE');
    await aws.destroy('NestedCreateFails');
  });

  test('a nested stack whose template cannot be read, has no TemplateURL, or lacks a parameter fails to create with the reason', async () => {
    const template = (properties: Record<string, unknown>) => ({ Resources: { Nested: { Type: 'AWS::CloudFormation::Stack', Properties: properties } } });
    const reasonOf = async (name: string, properties: Record<string, unknown>) => {
      const result = await aws.engine.createStack({ stackName: name, template: template(properties) });
      expect(result.status).toBe('ROLLBACK_COMPLETE');
      return result.events.find((e) => e.resourceStatus === 'CREATE_FAILED')!.resourceStatusReason;
    };

    expect(await reasonOf('NoTemplate', { TemplateURL: 'https://s3.us-east-1.amazonaws.com/bucket/missing.json' }))
      .toMatch(/^TemplateURL must be a supported URL: no synthesized template has the object key missing\.json/);
    expect(await reasonOf('NoUrl', {})).toBe('Properties validation failed for resource: required key [TemplateURL] not found');

    // A real nested template, without the parameter it needs.
    const { stack, childId } = tree('MissingParameter');
    const synthesized = aws.synthesize(stack);
    const url = (synthesized.template.Resources[childId].Properties as { TemplateURL: unknown }).TemplateURL;
    expect(await reasonOf('MissingParameter', { TemplateURL: url })).toMatch(/^Parameters: \[referencetoMissingParameterPTopic\w+Ref\] must have values$/);

    const bare = new CloudFormationEngine({ region: LOCAL_REGION, account: '123456789012', providerFor: () => new NoOpProvider() });
    const result = await bare.createStack({ stackName: 'NoReader', template: template({ TemplateURL: 'https://example.com/t.json' }) });
    expect(result.events.find((e) => e.resourceStatus === 'CREATE_FAILED')!.resourceStatusReason).toBe('The local engine was given no way to read templates: cannot read TemplateURL https://example.com/t.json');
  });
});

describe('update', () => {
  test('a changed nested stack is updated in place during the root\'s update; its cleanup waits for the root\'s cleanup phase', async () => {
    const v1 = tree('NestedUpdate', { childExtras: ['Old'], grandExtras: ['GOld'] });
    await aws.deploy(aws.synthesize(v1.stack));
    const root = aws.stack('NestedUpdate')!;
    const child = nestedOf('NestedUpdate', v1.childId);
    const grand = nestedOf(child.stackId, v1.grandId);

    // Late is created after the child's update: the child waits in its cleanup state meanwhile.
    const v2 = tree('NestedUpdate', {
      ...changedEverywhere,
      root: (s, childResource) => new CfnResource(s, 'Late', { type: 'AWS::SNS::Topic' }).addDependency(childResource),
    });
    const update = await aws.deploy(aws.synthesize(v2.stack));

    expect(update.status).toBe('UPDATE_COMPLETE');
    expect(nestedOf('NestedUpdate', v1.childId).stackId).toBe(child.stackId);
    for (const nested of [child, grand]) {
      expect(stackStatuses(update, nested)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_COMPLETE']);
    }
    expect(lines(update, child)).toEqual(expect.arrayContaining(['Topic UPDATE_COMPLETE', 'New CREATE_COMPLETE', 'Old DELETE_COMPLETE']));
    expect(lines(update, grand)).toEqual(expect.arrayContaining(['GTopic UPDATE_COMPLETE', 'GNew CREATE_COMPLETE', 'GOld DELETE_COMPLETE']));
    const rootCleanup = at(update, root, root.stackName, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    expect(at(update, child, child.stackName, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')).toBeLessThan(at(update, root, 'Late', 'CREATE_COMPLETE'));
    expect(at(update, child, 'Old', 'DELETE_IN_PROGRESS')).toBeGreaterThan(rootCleanup);
    expect(at(update, grand, 'GOld', 'DELETE_IN_PROGRESS')).toBeGreaterThan(rootCleanup);
    expect(at(update, child, child.stackName, 'UPDATE_COMPLETE')).toBeLessThan(at(update, root, root.stackName, 'UPDATE_COMPLETE'));
    expect([...child.resources.keys()].sort()).toEqual([v1.grandId, 'New', 'Topic'].sort());
    expect(child.resources.get('Topic')!.properties.Name).toBe('two');

    // Unchanged nested stacks are not updated.
    const same = await aws.deploy(aws.synthesize(tree('NestedUpdate', { ...changedEverywhere, root: (s) => new CfnResource(s, 'Other', { type: 'AWS::SNS::Topic' }) }).stack));
    expect(same.status).toBe('UPDATE_COMPLETE');
    expect(stackStatuses(same, child)).toEqual([]);
    await aws.destroy('NestedUpdate');
  });

  test('a nested stack under a new logical id is a new nested stack; the old one is deleted in the root\'s cleanup', async () => {
    const v1 = tree('NestedRename');
    await aws.deploy(aws.synthesize(v1.stack));
    const old = nestedOf('NestedRename', v1.childId);

    const v2 = tree('NestedRename', { childName: 'Renamed' });
    const update = await aws.deploy(aws.synthesize(v2.stack));

    expect(update.status).toBe('UPDATE_COMPLETE');
    const root = aws.stack('NestedRename')!;
    const created = nestedOf('NestedRename', v2.childId);
    expect(created.stackId).not.toBe(old.stackId);
    expect(stackStatuses(update, created)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
    expect(stackStatuses(update, old)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
    expect(at(update, old, old.stackName, 'DELETE_IN_PROGRESS')).toBeGreaterThan(at(update, root, root.stackName, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'));
    expect(aws.stack(old.stackId)!.status).toBe('DELETE_COMPLETE');
    await aws.destroy('NestedRename');
  });

  test('when the root\'s update fails, updated nested stacks roll back and delete what they created; a nested stack the update created is deleted in the rollback cleanup', async () => {
    const v1 = tree('NestedRollback');
    await aws.deploy(aws.synthesize(v1.stack));
    const root = aws.stack('NestedRollback')!;
    const child = nestedOf('NestedRollback', v1.childId);
    const grand = nestedOf(child.stackId, v1.grandId);
    const templateBefore = child.template;

    let freshId = '';
    const v2 = tree('NestedRollback', {
      ...changedEverywhere,
      root: (s, childResource) => {
        const fresh = new NestedStack(s, 'Fresh');
        new CfnResource(fresh, 'FTopic', { type: 'AWS::SNS::Topic' });
        freshId = logicalIdOf(fresh.nestedStackResource!);
        const breaker = new CfnResource(s, 'Breaker', { type: 'AWS::SNS::Topic' });
        breaker.addDependency(childResource);
        breaker.addDependency(fresh.nestedStackResource!);
      },
    });
    aws.engine.faults.fail('NestedRollback/Breaker', 'create', { reason: 'Breaker breaks' });
    const update = await aws.deploy(aws.synthesize(v2.stack));

    expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    for (const nested of [child, grand]) {
      expect(stackStatuses(update, nested)).toEqual([
        'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
        'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE',
      ]);
    }
    const rootRollbackCleanup = at(update, root, root.stackName, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    // Updated back during the rollback, created ones deleted in the (root's) rollback cleanup.
    expect(at(update, child, 'Topic', 'UPDATE_COMPLETE')).toBeLessThan(rootRollbackCleanup);
    expect(at(update, child, 'New', 'DELETE_COMPLETE')).toBeGreaterThan(rootRollbackCleanup);
    expect(at(update, grand, 'GNew', 'DELETE_COMPLETE')).toBeGreaterThan(rootRollbackCleanup);
    expect(child.resources.get('Topic')!.properties.Name).toBe('one');
    expect(grand.resources.get('GTopic')!.properties.Name).toBe('one');
    expect(child.template).toBe(templateBefore);
    expect([...grand.resources.keys()]).toEqual(['GTopic']);
    // The nested stack the failed update created.
    const fresh = nestedOf('NestedRollback', freshId);
    expect(stackStatuses(update, fresh)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
    expect(at(update, fresh, fresh.stackName, 'DELETE_IN_PROGRESS')).toBeGreaterThan(rootRollbackCleanup);
    expect(root.resources.has(freshId)).toBe(false);
    await aws.destroy('NestedRollback');
  });

  test('a resource failing inside a nested stack fails the nested stack\'s resource, and every level rolls back', async () => {
    const v1 = tree('NestedInnerFails');
    await aws.deploy(aws.synthesize(v1.stack));
    const root = aws.stack('NestedInnerFails')!;
    const child = nestedOf('NestedInnerFails', v1.childId);
    // Addressed by the nested stack's name, known once it exists.
    aws.engine.faults.fail(`${child.stackName}/Topic`, 'update', { reason: 'Topic cannot be updated' });

    const update = await aws.deploy(aws.synthesize(tree('NestedInnerFails', { topicName: 'two', childExtras: ['New'] }).stack));

    expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(stackStatuses(update, child)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE']);
    const failedUpdate = update.events.find((e) => e.stackId === root.stackId && e.logicalResourceId === v1.childId && e.resourceStatus === 'UPDATE_FAILED');
    expect(failedUpdate?.resourceStatusReason).toBe(`Embedded stack ${child.stackId} was not successfully updated. Currently in UPDATE_ROLLBACK_IN_PROGRESS with reason: The following resource(s) failed to update: [Topic].`);
    expect(stackStatuses(update, root)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE']);
    expect(lines(update, child)).toContain('New DELETE_COMPLETE');
    expect(child.resources.has('New')).toBe(false);
    await aws.destroy('NestedInnerFails');
  });
});

describe('delete', () => {
  test('deleting the root deletes nested stacks in dependency order, each one\'s resources first', async () => {
    const { stack, childId, grandId } = tree('NestedDelete');
    await aws.deploy(aws.synthesize(stack));
    const root = aws.stack('NestedDelete')!;
    const child = nestedOf('NestedDelete', childId);
    const grand = nestedOf(child.stackId, grandId);

    const destroy = await aws.destroy('NestedDelete');

    expect(destroy.status).toBe('DELETE_COMPLETE');
    expect(at(destroy, grand, 'GTopic', 'DELETE_COMPLETE')).toBeLessThan(at(destroy, grand, grand.stackName, 'DELETE_COMPLETE'));
    expect(at(destroy, grand, grand.stackName, 'DELETE_COMPLETE')).toBeLessThan(at(destroy, child, grandId, 'DELETE_COMPLETE'));
    // Grand depends on Topic (a parameter): Topic goes after it.
    expect(at(destroy, child, grandId, 'DELETE_COMPLETE')).toBeLessThan(at(destroy, child, 'Topic', 'DELETE_IN_PROGRESS'));
    expect(at(destroy, child, child.stackName, 'DELETE_COMPLETE')).toBeLessThan(at(destroy, root, childId, 'DELETE_COMPLETE'));
    expect(at(destroy, root, childId, 'DELETE_COMPLETE')).toBeLessThan(at(destroy, root, 'PTopic', 'DELETE_IN_PROGRESS'));
    expect([child.status, grand.status]).toEqual(['DELETE_COMPLETE', 'DELETE_COMPLETE']);
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: child.stackId }));
    expect(Stacks![0]).toMatchObject({ StackStatus: 'DELETE_COMPLETE', ParentId: root.stackId });
  });

  test('a nested resource that fails to delete leaves its nested stacks and the root DELETE_FAILED, the rest deleted anyway (#852); a retry completes', async () => {
    const { stack, childId, grandId } = tree('NestedDeleteFails');
    await aws.deploy(aws.synthesize(stack));
    const root = aws.stack('NestedDeleteFails')!;
    const child = nestedOf('NestedDeleteFails', childId);
    const grand = nestedOf(child.stackId, grandId);
    aws.engine.faults.fail(faultPath('NestedDeleteFails', childId, grandId, 'GTopic'), 'delete', { reason: 'GTopic is busy', times: 1 });

    const first = await aws.destroy('NestedDeleteFails');

    expect(first.status).toBe('DELETE_FAILED');
    expect([grand.status, child.status, root.status]).toEqual(['DELETE_FAILED', 'DELETE_FAILED', 'DELETE_FAILED']);
    const reason = (s: LiveStack, id: string) => first.events.find((e) => e.stackId === s.stackId && e.logicalResourceId === id && e.resourceStatus === 'DELETE_FAILED')?.resourceStatusReason;
    expect(reason(child, grandId)).toBe(`Embedded stack ${grand.stackId} was not successfully deleted: The following resource(s) failed to delete: [GTopic]. `);
    expect(reason(root, childId)).toBe(`Embedded stack ${child.stackId} was not successfully deleted: The following resource(s) failed to delete: [${grandId}]. `);
    expect(root.statusReason).toBe(`The following resource(s) failed to delete: [${childId}]. `);
    // What the failed ones depend on is deleted anyway (#852).
    expect(lines(first, child)).toContain('Topic DELETE_COMPLETE');
    expect(lines(first, root)).toContain('PTopic DELETE_COMPLETE');
    expect([...root.resources.keys()]).toEqual([childId]);

    const second = await aws.destroy('NestedDeleteFails');
    expect(second.status).toBe('DELETE_COMPLETE');
    expect(lines(second, grand)).toEqual([`${grand.stackName} DELETE_IN_PROGRESS`, 'GTopic DELETE_IN_PROGRESS', 'GTopic DELETE_COMPLETE', `${grand.stackName} DELETE_COMPLETE`]);
  });
});

test('update and delete of a nested stack itself are refused: operations start at the root (its ParentId tells)', async () => {
  const { stack, childId } = tree('NestedRefused');
  await aws.deploy(aws.synthesize(stack));
  const child = nestedOf('NestedRefused', childId);

  await expect(aws.destroy(child.stackName)).rejects.toMatchObject({ code: 'ValidationError', message: expect.stringContaining(`is a nested stack (ParentId ${aws.stack('NestedRefused')!.stackId}) and can not be deleted directly`) });
  await expect(aws.engine.updateStack({ stackName: child.stackId, template: child.template })).rejects.toMatchObject({ code: 'ValidationError', message: expect.stringContaining('can not be updated directly') });
  expect(child.status).toBe('CREATE_COMPLETE');
  await aws.destroy('NestedRefused');
});

test('the teardown construct inside a nested stack: its function runs with events whose StackId is the nested stack\'s, at deploy and destroy', async () => {
  const arn = modelArn('in-nested');
  addRunningModel(aws, arn);
  const stack = new Stack(aws.newApp(), 'NestedModel', { env: LOCAL_ENV });
  const models = new NestedStack(stack, 'Models');
  const modelId = modelResourceId(new CustomLabelsModelLifecycle(models, 'Model', { projectVersionArn: arn }));
  const modelsId = logicalIdOf(models.nestedStackResource!);

  const deploy = await aws.deploy(aws.synthesize(stack));

  expect(deploy.status).toBe('CREATE_COMPLETE');
  const nested = nestedOf('NestedModel', modelsId);
  expect(nested.resources.get(modelId)!.status).toBe('CREATE_COMPLETE');
  expect(deploy.customResourceRequests.map((r) => [r.event.RequestType, r.event.StackId, r.event.LogicalResourceId])).toEqual([['Create', nested.stackId, modelId]]);
  expect(deploy.functionRuns.length).toBeGreaterThan(0);

  const destroy = await aws.destroy('NestedModel');

  expect(destroy.status).toBe('DELETE_COMPLETE');
  expect(stackStatuses(destroy, nested)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
  expect(lines(destroy, nested)).toEqual(expect.arrayContaining([`${modelId} DELETE_IN_PROGRESS`, `${modelId} DELETE_COMPLETE`]));
  expect(destroy.customResourceRequests.map((r) => [r.event.RequestType, r.event.StackId])).toEqual([['Delete', nested.stackId]]);
  expect(destroy.functionRuns.length).toBeGreaterThan(0);
  // The function read the nested stack by its id, as the read API answers it.
  expect(aws.api.calls.filter((c) => c.action === 'DescribeStacks' && c.error === undefined).length).toBeGreaterThan(0);
});
