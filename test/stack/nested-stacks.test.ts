import { CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { addRunningModel, modelArn, stackOf, teardownCalls } from './stack-test-kit';
import { logicalIdOf } from '../../local/cloudformation/synthesized-stack';
import { LocalAws, StackOperationReport } from '../../local/local-aws';
import { CustomLabelsModelLifecycle } from '../../src';
import { CLAIM_TAG_KEY_PREFIX } from '../../src/teardown-contract';

/**
 * A model whose construct lives in a NestedStack (at any depth): the root's rollback anywhere
 * leaves it, deleting the root tears it down, and renaming or moving a nested stack, or moving
 * the construct between parent and child, keeps it. Each test is a whole operation of the root
 * stack, played by the local CloudFormation with its nested stacks.
 */

jest.setTimeout(120_000);

let aws: LocalAws;
beforeAll(async () => {
  aws = await LocalAws.start();
});
afterEach(() => aws.engine.faults.clear());
afterAll(() => aws.close());

/** Where the model's construct is: in the root, or down a path of nested stacks (construct ids). */
type Place = readonly string[];

/** A root stack named `name` with the model's construct at `place`, and `extra` for more resources. */
function rootWith(name: string, arn: string, place: Place, extra?: (root: Stack) => void): Stack {
  return stackOf(aws, name, (root) => {
    const scope = place.reduce<Stack>((parent, id) => new NestedStack(parent, id), root);
    new CustomLabelsModelLifecycle(scope, 'Model', { projectVersionArn: arn });
    extra?.(root);
  });
}

/** A root resource created after `child` whose create fails, so that the root's operation rolls back. */
function failAfter(root: Stack, child: NestedStack): void {
  const late = new CfnResource(root, 'Late', { type: 'AWS::SNS::Topic' });
  late.node.addDependency(child);
  aws.engine.faults.fail(logicalIdOf(late), 'create');
}

const deploy = (stack: Stack) => aws.deploy(aws.synthesize(stack));
const claims = (arn: string) => Object.keys(aws.sim.tags(arn) ?? {}).filter((key) => key.startsWith(CLAIM_TAG_KEY_PREFIX));
/** The stack names of the report's events with `status` for a nested stack's own stack event. */
const nestedStatuses = (report: StackOperationReport, status: string) =>
  report.events.filter((e) => e.resourceType === 'AWS::CloudFormation::Stack' && e.resourceStatus === status);

test.each([
  ['one level down', ['Child']],
  ['two levels down', ['Child', 'Grandchild']],
])('a model %s: deploy claims it from the nested stack, and destroying the root tears it down', async (_, place) => {
  const arn = modelArn(`nested-destroy-${place.length}`);
  addRunningModel(aws, arn);
  const root = rootWith(`NestedDestroy${place.length}`, arn, place);
  expect((await deploy(root)).status).toBe('CREATE_COMPLETE');
  expect(claims(arn)).toHaveLength(1);
  expect(Object.values(aws.sim.tags(arn)!)[0]).toMatch(new RegExp(`:stack/NestedDestroy${place.length}-`));

  const destroy = await aws.destroy(root.stackName);

  expect(destroy.status).toBe('DELETE_COMPLETE');
  expect(aws.sim.status(arn)).toBeUndefined();
  expect(teardownCalls(destroy, arn).map((c) => c.operation)).toContain('DeleteProjectVersion');
});

test('the root rolls back an update that added a nested stack with the model: the nested stack is deleted, the model left as it was', async () => {
  const arn = modelArn('nested-rollback');
  addRunningModel(aws, arn);
  const name = 'NestedRollback';
  expect((await deploy(stackOf(aws, name, (root) => new CfnResource(root, 'Marker', { type: 'AWS::SNS::Topic' })))).status).toBe('CREATE_COMPLETE');
  const update = rootWith(name, arn, ['Child'], (root) => {
    new CfnResource(root, 'Marker', { type: 'AWS::SNS::Topic' });
    failAfter(root, root.node.findChild('Child') as NestedStack);
  });

  const rolledBack = await deploy(update);

  expect(rolledBack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(nestedStatuses(rolledBack, 'DELETE_COMPLETE').length).toBeGreaterThan(0);
  expect(aws.sim.status(arn)).toBe('RUNNING');
  expect(teardownCalls(rolledBack, arn)).toEqual([]);
  // The adoption recorded its claim (once IAM applied its new policy); the rollback read the claims
  // beside the stack and released its own, changing nothing else.
  const calls = rolledBack.rekognitionCalls.filter((c) => c.arn === arn);
  expect(calls.filter((c) => !c.error).map((c) => c.operation)).toEqual(['TagResource', 'ListTagsForResource', 'UntagResource']);
  expect(calls.filter((c) => c.error).every((c) => c.operation === 'TagResource' && c.error === 'AccessDeniedException')).toBe(true);
  expect(claims(arn)).toEqual([]);
});

test('a failed update elsewhere in the root rolls back a nested stack that already held the model: the model left as it was', async () => {
  const arn = modelArn('nested-update-rollback');
  addRunningModel(aws, arn);
  const name = 'NestedUpdateRollback';
  expect((await deploy(rootWith(name, arn, ['Child']))).status).toBe('CREATE_COMPLETE');
  // The same tree with a renamed construct in the child (a new resource, the old one removed)
  // and a root resource that fails after it.
  const update = stackOf(aws, name, (root) => {
    const child = new NestedStack(root, 'Child');
    new CustomLabelsModelLifecycle(child, 'Renamed', { projectVersionArn: arn });
    failAfter(root, child);
  });

  const rolledBack = await deploy(update);

  expect(rolledBack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(aws.sim.status(arn)).toBe('RUNNING');
  expect(teardownCalls(rolledBack, arn)).toEqual([]);
  // The original resource's claim stays; the rolled-back one's is released.
  expect(claims(arn)).toHaveLength(1);

  expect((await aws.destroy(name)).status).toBe('DELETE_COMPLETE');
  expect(aws.sim.status(arn)).toBeUndefined();
});

test.each([
  ['a nested stack renamed', ['Child'], ['Renamed']],
  ['the construct moved from the child to the root', ['Child'], []],
  ['the construct moved from the root into a child', [], ['Child']],
  ['the construct moved down from the child to a grandchild', ['Child'], ['Child', 'Grandchild']],
])('%s: UPDATE_COMPLETE, the old resource deleted in the cleanup, the model kept, and the root\'s destroy then tears it down', async (_, from, to) => {
  const arn = modelArn(`nested-move-${from.join('-')}-${to.join('-')}`.toLowerCase());
  addRunningModel(aws, arn);
  const name = `NestedMove${from.length}${to.join('')}`;
  expect((await deploy(rootWith(name, arn, from))).status).toBe('CREATE_COMPLETE');

  const moved = await deploy(rootWith(name, arn, to));

  expect(moved.status).toBe('UPDATE_COMPLETE');
  expect(moved.events.some((e) => e.resourceType === 'Custom::RekognitionCustomLabelsModel' && e.resourceStatus === 'DELETE_COMPLETE')).toBe(true);
  expect(aws.sim.status(arn)).toBe('RUNNING');
  expect(teardownCalls(moved, arn)).toEqual([]);
  expect(claims(arn)).toHaveLength(1);

  expect((await aws.destroy(name)).status).toBe('DELETE_COMPLETE');
  expect(aws.sim.status(arn)).toBeUndefined();
});
