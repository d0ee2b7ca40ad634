import { decideEvent, deps, STACK_ID } from './decision-deps';
import { ARN, teardownEvent } from './teardown-events';
import { readHandoff, readProgress } from '../../lambda/teardown/handoff';
import { TeardownProgress } from '../../lambda/teardown/teardown';

const PROGRESS: TeardownProgress = {
  state: 'STOPPING',
  stateSince: 1_700_000_000_000,
  next: 'DeleteProjectVersion',
  stopMayBeNeeded: false,
  deleteAccepted: false,
  pacing: { StopProjectVersion: { callGapMs: 0, backoffMs: 0 }, DeleteProjectVersion: { callGapMs: 8_000, backoffMs: 0 } },
};

describe('reading a hand-off back', () => {
  test('keeps a well-formed one whole', () => {
    const handoff = { waitStartedAt: 42, run: 3, progress: PROGRESS };
    expect(readHandoff(JSON.parse(JSON.stringify(handoff)))).toEqual(handoff);
  });

  test.each([
    ['no hand-off', undefined],
    ['not an object', 'run 2'],
    ['no start of the wait', { run: 2 }],
    ['a start that is no time', { waitStartedAt: 'yesterday', run: 2 }],
    ['a first run handed on', { waitStartedAt: 42, run: 1 }],
    ['a fractional run', { waitStartedAt: 42, run: 2.5 }],
  ])('ignores %s', (_, value) => {
    expect(readHandoff(value)).toBeUndefined();
  });

  test.each<[string, Record<string, unknown>]>([
    ['an unknown next call', { next: 'DescribeProjectVersions' }],
    ['a state that is no status', { state: 'stopping; rm -rf' }],
    ['a flag that is no boolean', { deleteAccepted: 'yes' }],
    ['a negative gap', { pacing: { ...PROGRESS.pacing, DeleteProjectVersion: { callGapMs: -1, backoffMs: 0 } } }],
    ['a gap of days', { pacing: { ...PROGRESS.pacing, StopProjectVersion: { callGapMs: 86_400_000, backoffMs: 0 } } }],
    ['one pacing for both operations (an earlier version\'s)', { pacing: { callGapMs: 8_000, backoffMs: 0 } }],
    ['no pacing', { pacing: undefined }],
  ])('drops progress with %s, keeping when the wait began', (_, change) => {
    const handoff = readHandoff({ waitStartedAt: 42, run: 2, progress: { ...PROGRESS, ...change } });
    expect(handoff).toEqual({ waitStartedAt: 42, run: 2 });
    expect(readProgress({ ...PROGRESS, ...change })).toBeUndefined();
  });
});

describe('a hand-off between runs', () => {
  const event = (handoff?: unknown) =>
    teardownEvent('Delete', STACK_ID, { PhysicalResourceId: ARN, ...(handoff === undefined ? {} : { TeardownHandoff: handoff }) });

  test('carries what the run learned to the next run, which goes on from it', async () => {
    const d = deps({ result: 'CONTINUE', lastState: 'STOPPING', calls: 3, progress: PROGRESS });

    const first = await decideEvent(event(), d);
    expect(first).toMatchObject({ kind: 'handoff', handoff: { run: 2, progress: PROGRESS } });

    // The payload travels as JSON in the asynchronous Invoke.
    await decideEvent(event(JSON.parse(JSON.stringify((first as { handoff: unknown }).handoff))), d);
    expect(d.requests[0].progress).toBeUndefined();
    expect(d.requests[1].progress).toEqual(PROGRESS);
    expect(d.requests[1].waitStartedAt).toBe(d.requests[0].waitStartedAt);
  });

  test('a malformed hand-off is not trusted: the run starts over from the event', async () => {
    const d = deps();
    await decideEvent(event({ waitStartedAt: -5, run: 'two', progress: PROGRESS }), d);
    expect(d.requests[0].progress).toBeUndefined();
    expect(d.requests[0].waitStartedAt).toBe(Date.UTC(2026, 10, 23, 12, 0, 0));
  });
});
