import { MODEL_RESOURCE_TYPE } from '../../lambda/teardown/properties';
import { DEFAULT_PACING } from '../../lambda/teardown/schedule';
import { StackResource } from '../../lambda/teardown/stack-api';
import { onTurnMs, pacingWithTurns, turnsAmong, untilTurnMs } from '../../lambda/teardown/turns';

function resource(logicalResourceId: string, resourceStatus: string, resourceType = MODEL_RESOURCE_TYPE): StackResource {
  return { logicalResourceId, physicalResourceId: `arn-of-${logicalResourceId}`, resourceType, resourceStatus };
}

describe('the turns a stack\'s models take', () => {
  test('rank among the model resources being deleted, in the order of their logical ids', () => {
    const resources = [
      resource('ModelC', 'DELETE_IN_PROGRESS'),
      resource('ModelA', 'DELETE_IN_PROGRESS'),
      resource('ModelB', 'DELETE_IN_PROGRESS'),
      // Neither a model being deleted, nor a model resource, takes a turn.
      resource('ModelAA', 'UPDATE_COMPLETE'),
      resource('Function', 'DELETE_IN_PROGRESS', 'AWS::Lambda::Function'),
    ];
    expect(turnsAmong(resources, 'ModelA')).toEqual({ rank: 0, count: 3 });
    expect(turnsAmong(resources, 'ModelC')).toEqual({ rank: 2, count: 3 });
  });

  test('none for a model deleted alone, or not listed (the old resource of a replacement)', () => {
    expect(turnsAmong([resource('ModelA', 'DELETE_IN_PROGRESS'), resource('ModelB', 'CREATE_COMPLETE')], 'ModelA')).toBeUndefined();
    expect(turnsAmong([resource('ModelA', 'DELETE_IN_PROGRESS'), resource('ModelB', 'DELETE_IN_PROGRESS')], 'ModelZ')).toBeUndefined();
  });

  test('each model\'s turn comes once a cycle of count × turnMs, at its rank, on the wall clock', () => {
    // 4 models, 200 ms turns: an 800 ms cycle; rank 1's turn starts 200 ms into each cycle.
    const turns = { rank: 1, count: 4 };
    expect(untilTurnMs(turns, 200, 8_000)).toBe(200);
    expect(untilTurnMs(turns, 200, 8_200)).toBe(0);
    expect(untilTurnMs(turns, 200, 8_201)).toBe(799);
    expect(untilTurnMs(turns, 200, 8_799)).toBe(201);
    expect(untilTurnMs({ rank: 3, count: 4 }, 200, 8_000)).toBe(600);
  });

  test('a pause moves on to the start of the next turn; without turns it stays as it is', () => {
    const turns = { rank: 1, count: 4 };
    expect(onTurnMs(turns, 200, 8_000, 1_000)).toBe(1_000);
    expect(onTurnMs(turns, 200, 8_000, 1_001)).toBe(1_800);
    expect(onTurnMs(undefined, 200, 8_000, 1_001)).toBe(1_001);
  });

  test('a model that takes turns learns no gap longer than half a cycle of them; alone, its pacing is unchanged', () => {
    // 30 models of 220 ms: a cycle of 6.6 s.
    expect(pacingWithTurns(DEFAULT_PACING, { rank: 0, count: 30 })).toEqual({ ...DEFAULT_PACING, maxCallGapMs: 3_300 });
    // A cycle longer than twice the longest gap changes nothing.
    expect(pacingWithTurns(DEFAULT_PACING, { rank: 0, count: 500 })).toEqual(DEFAULT_PACING);
    expect(pacingWithTurns(DEFAULT_PACING, undefined)).toBe(DEFAULT_PACING);
  });
});
