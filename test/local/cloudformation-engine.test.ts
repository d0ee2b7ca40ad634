import { CloudFormationEngine } from '../../local/cloudformation/engine';
import { NoOpProvider } from '../../local/cloudformation/providers/no-op-provider';
import { Properties, Provisioned, ResourceContext, ResourceFailure, ResourceProvider } from '../../local/cloudformation/providers/resource-provider';
import { Template } from '../../local/cloudformation/template';

/**
 * The engine's own behaviours on hand-written templates: ordering, concurrency, update cleanup
 * and rollback, delete-failure handling (#852), retain policies, parameters and intrinsics,
 * fault injection and errors on bad input. Resources of type `Test::Timed` go to a provider
 * that takes a while and records what it was asked, so order and overlap can be seen.
 */

interface Call {
  readonly action: string;
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly properties?: Record<string, unknown>;
  readonly start: number;
  end?: number;
}

/** Takes `Delay` ms (a property) per call; a changed `Name` replaces the resource, as a name property does for many types. */
class TimedProvider implements ResourceProvider {
  public readonly calls: Call[] = [];
  /** When set, the next Update fails with this physical id, as a custom resource's FAILED response can. */
  public failUpdateWith?: string;
  private next = 0;

  public async create(context: ResourceContext, properties: Record<string, unknown>): Promise<Provisioned> {
    await this.record('create', context.logicalId, undefined, properties);
    return { physicalId: `${context.logicalId}-${++this.next}`, attributes: { Arn: `arn:test:${context.logicalId}-${this.next}` } };
  }

  public async update(context: ResourceContext, current: Provisioned, properties: Properties, old: Properties): Promise<Provisioned> {
    await this.record('update', context.logicalId, current.physicalId, properties);
    if (this.failUpdateWith !== undefined) {
      const physicalId = this.failUpdateWith;
      this.failUpdateWith = undefined;
      throw new ResourceFailure('Received response status [FAILED] from custom resource.', physicalId);
    }
    return properties.Name !== old.Name ? { physicalId: `${context.logicalId}-${++this.next}`, attributes: current.attributes } : current;
  }

  public async delete(context: ResourceContext, physicalId: string, properties: Record<string, unknown>): Promise<void> {
    await this.record('delete', context.logicalId, physicalId, properties);
  }

  public of(action: string): string[] {
    return this.calls.filter((c) => c.action === action).map((c) => c.physicalId && action === 'delete' ? c.physicalId : c.logicalId);
  }

  private async record(action: string, logicalId: string, physicalId: string | undefined, properties: Record<string, unknown>): Promise<void> {
    const call: Call = { action, logicalId, physicalId, properties, start: Date.now() };
    this.calls.push(call);
    await new Promise((resolve) => setTimeout(resolve, Number(properties.Delay ?? 20)));
    call.end = Date.now();
  }
}

/** Like a custom resource: a rollback sends an Update back, whose answer names the physical id (property `Id`). */
class CustomLikeProvider extends TimedProvider {
  public readonly updatesBackOnRollback = true;

  public async update(context: ResourceContext, current: Provisioned, properties: Properties, old: Properties): Promise<Provisioned> {
    await super.update(context, current, properties, old);
    return { physicalId: String(properties.Id ?? current.physicalId), attributes: current.attributes };
  }
}

let provider: TimedProvider;
let engine: CloudFormationEngine;
beforeEach(() => {
  provider = new TimedProvider();
  const noOp = new NoOpProvider();
  engine = new CloudFormationEngine({ region: 'us-east-1', account: '123456789012', providerFor: (type) => type === 'Test::Timed' ? provider : noOp });
});

const timed = (properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ Type: 'Test::Timed', Properties: properties, ...extra });

/** A chain A <- B (Ref) <- C (GetAtt), and D independent. */
const chain: Template = {
  Resources: {
    C: timed({ Source: { 'Fn::GetAtt': ['B', 'Arn'] } }),
    B: timed({ Source: { Ref: 'A' } }),
    A: timed({ Delay: 60 }),
    D: timed({ Delay: 60 }),
  },
};

describe('create-stack', () => {
  test('creates in dependency order, independent resources at once, and resolves Ref and Fn::GetAtt', async () => {
    const result = await engine.createStack({ stackName: 'Chain', template: chain });

    expect(result.status).toBe('CREATE_COMPLETE');
    expect(provider.of('create').indexOf('A')).toBeLessThan(provider.of('create').indexOf('B'));
    expect(provider.of('create').indexOf('B')).toBeLessThan(provider.of('create').indexOf('C'));
    const [a, d] = ['A', 'D'].map((id) => provider.calls.find((c) => c.logicalId === id)!);
    expect(d.start).toBeLessThan(a.end!);
    expect(provider.calls.find((c) => c.logicalId === 'B')!.properties).toEqual({ Source: 'A-1' });
    expect(provider.calls.find((c) => c.logicalId === 'C')!.properties!.Source).toMatch(/^arn:test:B-/);
    expect(result.events[0]).toMatchObject({ logicalResourceId: 'Chain', resourceType: 'AWS::CloudFormation::Stack', resourceStatus: 'CREATE_IN_PROGRESS', resourceStatusReason: 'User Initiated' });
    expect(result.events.at(-1)).toMatchObject({ logicalResourceId: 'Chain', resourceStatus: 'CREATE_COMPLETE' });
  });

  test('a failed resource rolls the stack back: what was created is deleted in reverse order, ROLLBACK_COMPLETE', async () => {
    engine.faults.fail('C', 'create', { reason: 'C cannot be created' });

    const result = await engine.createStack({ stackName: 'FailedCreate', template: chain });

    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(result.events.find((e) => e.resourceStatus === 'ROLLBACK_IN_PROGRESS')?.resourceStatusReason).toBe('The following resource(s) failed to create: [C]. Rollback requested by user.');
    expect(result.events.find((e) => e.logicalResourceId === 'C' && e.resourceStatus === 'CREATE_FAILED')?.resourceStatusReason).toBe('C cannot be created');
    const deletes = provider.of('delete');
    expect(deletes.indexOf('B-2')).toBeLessThan(deletes.indexOf('A-1'));
    expect(engine.stack('FailedCreate')!.resources.size).toBe(0);
  });

  test('parameters, pseudo parameters, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::If and conditions resolve', async () => {
    const template: Template = {
      Parameters: { Env: { Type: 'String', Default: 'dev' }, BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' } },
      Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
      Rules: { CheckBootstrapVersion: { Assertions: [] } },
      Resources: {
        Base: timed(),
        ProdOnly: timed({}, { Condition: 'IsProd' }),
        User: timed({
          Joined: { 'Fn::Join': ['/', [{ Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Partition' }]] },
          Subbed: { 'Fn::Sub': '${AWS::StackName}-${Base}-${Base.Arn}-${!Literal}-${AWS::URLSuffix}' },
          Picked: { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] },
          Chosen: { 'Fn::If': ['IsProd', 'big', 'small'] },
          Gone: { 'Fn::If': ['IsProd', 'x', { Ref: 'AWS::NoValue' }] },
          Stack: { Ref: 'AWS::StackId' },
          Bootstrap: { Ref: 'BootstrapVersion' },
        }),
      },
    };

    const result = await engine.createStack({ stackName: 'Intrinsics', template });

    expect(result.status).toBe('CREATE_COMPLETE');
    expect(provider.of('create')).not.toContain('ProdOnly');
    expect(provider.calls.find((c) => c.logicalId === 'User')!.properties).toEqual({
      Joined: 'us-east-1/123456789012/aws',
      Subbed: `Intrinsics-${engine.stack('Intrinsics')!.resources.get('Base')!.physicalId}-arn:test:Base-1-\${Literal}-amazonaws.com`,
      Picked: 'b',
      Chosen: 'small',
      Stack: result.stackId,
      Bootstrap: '30',
    });
    expect(result.stackId).toMatch(/^arn:aws:cloudformation:us-east-1:123456789012:stack\/Intrinsics\/[0-9a-f-]{36}$/);
  });

  test('bad input is refused with a clear error before anything is created', async () => {
    await expect(engine.createStack({ stackName: 'Bad', template: { Resources: {} } })).rejects.toThrow('At least one Resources member must be defined');
    await expect(engine.createStack({ stackName: 'Bad', template: { Resources: { A: timed({}, { DependsOn: 'Missing' }) } } })).rejects.toThrow('Unresolved resource dependencies [Missing]');
    await expect(engine.createStack({ stackName: 'Bad', template: { Resources: { A: timed({ X: { Ref: 'B' } }), B: timed({ X: { Ref: 'A' } }) } } })).rejects.toThrow('Circular dependency');
    await expect(engine.createStack({ stackName: 'Bad', template: { Parameters: { P: { Type: 'String' } }, Resources: { A: timed() } } })).rejects.toThrow('Parameters: [P] must have values');
    await expect(engine.createStack({ stackName: 'Bad', template: { Resources: { A: timed() } }, parameters: { Q: 'x' } })).rejects.toThrow('Parameters: [Q] do not exist in the template');
    await expect(engine.createStack({ stackName: 'bad_name', template: { Resources: { A: timed() } } })).rejects.toThrow('stackName');
    await engine.createStack({ stackName: 'Twice', template: { Resources: { A: timed() } } });
    await expect(engine.createStack({ stackName: 'Twice', template: { Resources: { A: timed() } } })).rejects.toThrow('Stack [Twice] already exists');
    await expect(engine.updateStack({ stackName: 'Twice', template: { Resources: { A: timed() } } })).rejects.toThrow('No updates are to be performed.');
    await expect(engine.deleteStack({ stackName: 'Nowhere' })).rejects.toThrow('Stack with id Nowhere does not exist');
    expect(provider.of('create')).toEqual(['A']);
  });
});

describe('update-stack', () => {
  const v1: Template = { Resources: { Base: timed({ Name: 'one' }), User: timed({ Source: { Ref: 'Base' } }), Old: timed({ Source: { Ref: 'Base' } }) } };
  const v2: Template = { Resources: { Base: timed({ Name: 'two' }), User: timed({ Source: { Ref: 'Base' } }), New: timed({ Source: { Ref: 'Base' } }) } };

  test('creates added, updates changed (a new physical id replaces), then deletes replaced and removed resources in the cleanup', async () => {
    await engine.createStack({ stackName: 'Update', template: v1 });
    const result = await engine.updateStack({ stackName: 'Update', template: v2 });

    expect(result.status).toBe('UPDATE_COMPLETE');
    const statuses = result.events.map((e) => `${e.logicalResourceId} ${e.resourceStatus}`);
    const cleanup = statuses.indexOf('Update UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    expect(statuses.indexOf('Base UPDATE_COMPLETE')).toBeLessThan(statuses.indexOf('User UPDATE_IN_PROGRESS'));
    expect(statuses.indexOf('New CREATE_COMPLETE')).toBeLessThan(cleanup);
    expect(statuses.indexOf('Old DELETE_COMPLETE')).toBeGreaterThan(cleanup);
    // Old depended on the old Base: the old Base goes after it.
    expect(result.events.findIndex((e) => e.logicalResourceId === 'Base' && e.resourceStatus === 'DELETE_COMPLETE' && e.physicalResourceId === 'Base-1'))
      .toBeGreaterThan(statuses.indexOf('Old DELETE_COMPLETE'));
    const stack = engine.stack('Update')!;
    expect([...stack.resources.keys()].sort()).toEqual(['Base', 'New', 'User']);
    expect(stack.resources.get('User')!.properties).toEqual({ Source: stack.resources.get('Base')!.physicalId });
    expect(stack.template).toBe(v2);
  });

  test('a failed cleanup Delete is tried three times, then the resource is dropped: UPDATE_COMPLETE, "One or more resources could not be deleted"', async () => {
    await engine.createStack({ stackName: 'CleanupFails', template: v1 });
    engine.faults.fail('Old', 'delete', { reason: 'Old cannot be deleted' });

    const result = await engine.updateStack({ stackName: 'CleanupFails', template: v2 });

    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(result.events.filter((e) => e.logicalResourceId === 'Old').map((e) => e.resourceStatus))
      .toEqual(['DELETE_IN_PROGRESS', 'DELETE_FAILED', 'DELETE_IN_PROGRESS', 'DELETE_FAILED', 'DELETE_IN_PROGRESS', 'DELETE_FAILED']);
    expect(result.events.find((e) => e.logicalResourceId === 'Old' && e.resourceStatus === 'DELETE_FAILED')?.resourceStatusReason).toBe('Old cannot be deleted');
    expect(engine.stack('CleanupFails')!.statusReason).toBe('Update successful. One or more resources could not be deleted.');
    expect(engine.stack('CleanupFails')!.resources.has('Old')).toBe(false);
  });

  test('a cleanup Delete that fails once succeeds on its second attempt; the kinder form tries once', async () => {
    await engine.createStack({ stackName: 'CleanupRetried', template: v1 });
    engine.faults.fail('Old', 'delete', { times: 1 });

    const retried = await engine.updateStack({ stackName: 'CleanupRetried', template: v2 });

    expect(retried.events.filter((e) => e.logicalResourceId === 'Old').map((e) => e.resourceStatus))
      .toEqual(['DELETE_IN_PROGRESS', 'DELETE_FAILED', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
    expect(engine.stack('CleanupRetried')!.statusReason).toBeUndefined();

    engine.strictness.cleanupDeleteAttempts = 1;
    await engine.createStack({ stackName: 'CleanupOnce', template: v1 });
    engine.faults.fail('Old', 'delete');
    const once = await engine.updateStack({ stackName: 'CleanupOnce', template: v2 });
    expect(once.events.filter((e) => e.logicalResourceId === 'Old').map((e) => e.resourceStatus)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_FAILED']);
  });

  test('a FAILED Update adopts the physical id it returned: the rollback updates that id back and deletes it in the rollback cleanup', async () => {
    const custom = new CustomLikeProvider();
    engine = new CloudFormationEngine({ region: 'us-east-1', account: '123456789012', providerFor: () => custom });
    provider = custom;
    provider.failUpdateWith = 'Base-adopted';
    await engine.createStack({ stackName: 'AdoptFailed', template: { Resources: { Base: timed({ Id: 'Base-1', Size: 1 }) } } });

    const result = await engine.updateStack({ stackName: 'AdoptFailed', template: { Resources: { Base: timed({ Id: 'Base-1', Size: 2 }) } } });

    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(result.events.find((e) => e.logicalResourceId === 'Base' && e.resourceStatus === 'UPDATE_FAILED')?.physicalResourceId).toBe('Base-adopted');
    // The rollback's Update goes to the adopted id, answers the old one, and the adopted id is deleted.
    expect(provider.calls.filter((c) => c.action === 'update').map((c) => c.physicalId)).toEqual(['Base-1', 'Base-adopted']);
    expect(provider.calls.filter((c) => c.action === 'delete').map((c) => c.physicalId)).toEqual(['Base-adopted']);
    expect(engine.stack('AdoptFailed')!.resources.get('Base')!.physicalId).toBe('Base-1');
  });

  test('the kinder form ignores the physical id returned with a FAILED Update', async () => {
    engine.strictness.adoptFailedUpdatePhysicalId = false;
    provider.failUpdateWith = 'Base-adopted';
    await engine.createStack({ stackName: 'IgnoreFailed', template: { Resources: { Base: timed({ Size: 1 }) } } });

    const result = await engine.updateStack({ stackName: 'IgnoreFailed', template: { Resources: { Base: timed({ Size: 2 }) } } });

    expect(result.events.find((e) => e.logicalResourceId === 'Base' && e.resourceStatus === 'UPDATE_FAILED')?.physicalResourceId).toBe('Base-1');
    expect(provider.calls.filter((c) => c.action === 'delete')).toEqual([]);
  });

  test('a failure rolls back: changed resources are updated back, created ones deleted, UPDATE_ROLLBACK_COMPLETE', async () => {
    const before: Template = { Resources: { Base: timed({ Size: 1 }), User: timed({ Source: { Ref: 'Base' } }) } };
    const after: Template = { Resources: { Base: timed({ Size: 2 }), User: timed({ Source: { Ref: 'Base' } }), Extra: timed({ Source: { Ref: 'Base' } }), Failing: timed({ Source: { Ref: 'Extra' } }) } };
    await engine.createStack({ stackName: 'Rollback', template: before });
    engine.faults.fail('Failing', 'create');

    const result = await engine.updateStack({ stackName: 'Rollback', template: after });

    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const statuses = result.events.map((e) => `${e.logicalResourceId} ${e.resourceStatus}`);
    expect(statuses).toEqual(expect.arrayContaining(['Rollback UPDATE_ROLLBACK_IN_PROGRESS', 'Rollback UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'Extra DELETE_COMPLETE', 'Failing DELETE_COMPLETE']));
    expect(statuses.indexOf('Extra DELETE_COMPLETE')).toBeGreaterThan(statuses.indexOf('Rollback UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'));
    const baseUpdates = provider.calls.filter((c) => c.logicalId === 'Base' && c.action === 'update').map((c) => c.properties);
    expect(baseUpdates).toEqual([{ Size: 2 }, { Size: 1 }]);
    const stack = engine.stack('Rollback')!;
    expect([...stack.resources.keys()].sort()).toEqual(['Base', 'User']);
    expect(stack.resources.get('Base')!.properties).toEqual({ Size: 1 });
    expect(stack.template).toBe(before);
  });

  test('a replaced resource rolls back to its old physical resource, and the new one is deleted in the rollback cleanup', async () => {
    await engine.createStack({ stackName: 'ReplaceBack', template: { Resources: { Base: timed({ Name: 'one' }), Guard: timed() } } });
    engine.faults.fail('Guard', 'update');

    const result = await engine.updateStack({ stackName: 'ReplaceBack', template: { Resources: { Base: timed({ Name: 'two' }), Guard: timed({ Source: { Ref: 'Base' } }) } } });

    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const base = engine.stack('ReplaceBack')!.resources.get('Base')!;
    expect(base.physicalId).toBe('Base-1');
    expect(provider.calls.filter((c) => c.action === 'delete').map((c) => c.physicalId)).toEqual(['Base-3']);
  });

  test('DeletionPolicy Retain and UpdateReplacePolicy Retain skip the Delete', async () => {
    await engine.createStack({ stackName: 'Retain', template: { Resources: { Kept: timed({ Name: 'one' }, { UpdateReplacePolicy: 'Retain' }), Removed: timed({}, { DeletionPolicy: 'Retain' }) } } });

    const result = await engine.updateStack({ stackName: 'Retain', template: { Resources: { Kept: timed({ Name: 'two' }, { UpdateReplacePolicy: 'Retain' }) } } });

    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(result.events.filter((e) => e.resourceStatus === 'DELETE_SKIPPED').map((e) => e.logicalResourceId).sort()).toEqual(['Kept', 'Removed']);
    expect(provider.of('delete')).toEqual([]);
  });
});

test('a rolled-back create keeps DeletionPolicy Retain, and deletes RetainExceptOnCreate; delete-stack keeps both', async () => {
  const template: Template = {
    Resources: {
      Kept: timed({}, { DeletionPolicy: 'Retain' }),
      KeptAfterCreate: timed({}, { DeletionPolicy: 'RetainExceptOnCreate' }),
      Failing: timed({ After: { Ref: 'Kept' }, AlsoAfter: { Ref: 'KeptAfterCreate' } }),
    },
  };
  engine.faults.fail('Failing', 'create', { times: 1 });
  const rolledBack = await engine.createStack({ stackName: 'RetainOnRollback', template });
  expect(rolledBack.events.filter((e) => e.resourceStatus.startsWith('DELETE_')).map((e) => `${e.logicalResourceId} ${e.resourceStatus}`).sort())
    .toEqual(['Failing DELETE_COMPLETE', 'Failing DELETE_IN_PROGRESS', 'Kept DELETE_SKIPPED', 'KeptAfterCreate DELETE_COMPLETE', 'KeptAfterCreate DELETE_IN_PROGRESS']);

  await engine.createStack({ stackName: 'RetainOnDelete', template });
  const deleted = await engine.deleteStack({ stackName: 'RetainOnDelete' });
  expect(deleted.events.filter((e) => e.resourceStatus === 'DELETE_SKIPPED').map((e) => e.logicalResourceId).sort()).toEqual(['Kept', 'KeptAfterCreate']);
});

describe('delete-stack', () => {
  test('deletes in reverse dependency order, independent resources at once', async () => {
    await engine.createStack({ stackName: 'Delete', template: chain });

    const result = await engine.deleteStack({ stackName: 'Delete' });

    expect(result.status).toBe('DELETE_COMPLETE');
    const order = provider.calls.filter((c) => c.action === 'delete').map((c) => c.logicalId);
    expect(order.indexOf('C')).toBeLessThan(order.indexOf('B'));
    expect(order.indexOf('B')).toBeLessThan(order.indexOf('A'));
    const [c, d] = ['C', 'D'].map((id) => provider.calls.find((call) => call.logicalId === id && call.action === 'delete')!);
    expect(d.start).toBeLessThan(c.end!);
    expect(engine.stack('Delete')).toBeUndefined();
    expect(engine.stack(result.stackId)!.status).toBe('DELETE_COMPLETE');
  });

  test('a failed delete ends DELETE_FAILED, what it depends on is deleted anyway (#852), a retry fails again, RetainResources completes', async () => {
    await engine.createStack({ stackName: 'DeleteFails', template: chain });
    engine.faults.fail('C', 'delete', { reason: 'C is busy' });

    const first = await engine.deleteStack({ stackName: 'DeleteFails' });

    expect(first.status).toBe('DELETE_FAILED');
    expect(first.events.at(-1)?.resourceStatusReason).toBe('The following resource(s) failed to delete: [C]. ');
    expect(provider.of('delete').map((id) => id.split('-')[0]).sort()).toEqual(['A', 'B', 'D']);
    expect([...engine.stack('DeleteFails')!.resources.keys()]).toEqual(['C']);
    await expect(engine.deleteStack({ stackName: 'DeleteFails', retainResources: ['A'] })).rejects.toThrow('must be in the stack');

    const second = await engine.deleteStack({ stackName: 'DeleteFails' });
    expect(second.status).toBe('DELETE_FAILED');
    expect(second.events.filter((e) => e.resourceType === 'Test::Timed').map((e) => `${e.logicalResourceId} ${e.resourceStatus}`)).toEqual(['C DELETE_IN_PROGRESS', 'C DELETE_FAILED']);

    const third = await engine.deleteStack({ stackName: 'DeleteFails', retainResources: ['C'] });
    expect(third.status).toBe('DELETE_COMPLETE');
    expect(third.events.filter((e) => e.logicalResourceId === 'C').map((e) => e.resourceStatus)).toEqual(['DELETE_SKIPPED']);
  });

  test('RetainResources is refused unless the stack is DELETE_FAILED', async () => {
    await engine.createStack({ stackName: 'NotFailed', template: chain });
    await expect(engine.deleteStack({ stackName: 'NotFailed', retainResources: ['C'] })).rejects.toThrow('DELETE_FAILED');
  });

  test('an injected fault fails only as often as asked', async () => {
    await engine.createStack({ stackName: 'Once', template: chain });
    engine.faults.fail('B', 'delete', { times: 1 });
    expect((await engine.deleteStack({ stackName: 'Once' })).status).toBe('DELETE_FAILED');
    expect((await engine.deleteStack({ stackName: 'Once' })).status).toBe('DELETE_COMPLETE');
  });
});

describe('outputs and nested stacks on hand-written templates', () => {
  /** Nested templates by URL, read by the engine as LocalAws reads the cloud assembly's. */
  const templates: Record<string, Template> = {};
  let nestedEngine: CloudFormationEngine;
  beforeEach(() => {
    nestedEngine = new CloudFormationEngine({
      region: 'us-east-1',
      account: '123456789012',
      providerFor: (type) => type === 'Test::Timed' ? provider : new NoOpProvider(),
      templateAt: (url) => {
        if (!(url in templates)) throw new Error(`no template at ${url}`);
        return templates[url];
      },
    });
  });
  const nestedAt = (url: string, extra: Record<string, unknown> = {}) => ({ Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: url, ...extra } });

  test('an output that cannot be resolved fails the create, which rolls back', async () => {
    const result = await nestedEngine.createStack({ stackName: 'BadOutput', template: { Resources: { A: timed() }, Outputs: { X: { Value: { Ref: 'Missing' } } } } });

    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(result.events.find((e) => e.resourceStatus === 'ROLLBACK_IN_PROGRESS')?.resourceStatusReason)
      .toBe('Template error: instance of Fn::Ref references undefined resource Missing. Rollback requested by user.');
  });

  test('an output that cannot be resolved after an update rolls the update back', async () => {
    await nestedEngine.createStack({ stackName: 'BadOutputUpdate', template: { Resources: { A: timed() } } });
    const result = await nestedEngine.updateStack({ stackName: 'BadOutputUpdate', template: { Resources: { A: timed() }, Outputs: { X: { Value: { 'Fn::GetAtt': ['A', 'Nope'] } } } } });

    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(result.events.find((e) => e.resourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS')?.resourceStatusReason).toMatch(/does not support attribute type Nope/);
  });

  test('a nested template with a circular dependency fails its resource; a plain logical id fault reaches into nested stacks', async () => {
    templates['https://t/cycle.json'] = { Resources: { A: timed({ X: { Ref: 'B' } }), B: timed({ X: { Ref: 'A' } }) } };
    const cycle = await nestedEngine.createStack({ stackName: 'Cycle', template: { Resources: { Nested: nestedAt('https://t/cycle.json') } } });
    expect(cycle.events.find((e) => e.resourceStatus === 'CREATE_FAILED')?.resourceStatusReason).toMatch(/^Template format error: Circular dependency/);

    templates['https://t/inner.json'] = { Resources: { Inner: timed() } };
    nestedEngine.faults.fail('Inner', 'create', { times: 1 });
    const faulted = await nestedEngine.createStack({ stackName: 'PlainFault', template: { Resources: { Nested: nestedAt('https://t/inner.json') } } });
    expect(faulted.events.find((e) => e.logicalResourceId === 'Inner' && e.resourceStatus === 'CREATE_FAILED')?.resourceStatusReason).toBe('Injected create failure of Inner');
  });

  test('a nested update that changes a resource\'s type fails and rolls back; a new TemplateURL to the same template updates nothing in it', async () => {
    templates['https://t/v1.json'] = { Parameters: { Size: { Type: 'String' } }, Resources: { Inner: timed({ Size: { Ref: 'Size' } }) }, Outputs: { Size: { Value: { Ref: 'Size' } } } };
    templates['https://t/v1-copy.json'] = templates['https://t/v1.json'];
    templates['https://t/retyped.json'] = { Parameters: { Size: { Type: 'String' } }, Resources: { Inner: { Type: 'AWS::SNS::Topic' } }, Outputs: { Size: { Value: { Ref: 'Size' } } } };
    const root = (url: string) => ({ Resources: { Nested: nestedAt(url, { Parameters: { Size: 1 } }), User: timed({ Size: { 'Fn::GetAtt': ['Nested', 'Outputs.Size'] } }) } });
    await nestedEngine.createStack({ stackName: 'Retype', template: root('https://t/v1.json') });
    expect(provider.calls.find((c) => c.logicalId === 'User')!.properties).toEqual({ Size: '1' });

    const retyped = await nestedEngine.updateStack({ stackName: 'Retype', template: root('https://t/retyped.json') });
    expect(retyped.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(retyped.events.find((e) => e.resourceStatus === 'UPDATE_FAILED')?.resourceStatusReason).toBe('Update of resource type is not permitted. The new template modifies resource type of the following resources: [Inner]');

    const copy = await nestedEngine.updateStack({ stackName: 'Retype', template: root('https://t/v1-copy.json') });
    expect(copy.status).toBe('UPDATE_COMPLETE');
    expect(copy.events.every((e) => e.stackId === copy.stackId)).toBe(true);
  });
});
