import { StackFleet } from '../../../local/stack-fleet';

/**
 * A pipeline destroys four stacks of 25 models at the same time: each stack's own function tears
 * its models down (every run a fresh process of the real bundle), and all share one Rekognition
 * that admits 5 calls per second per operation and fails 10% of calls with HTTP 500. Correctness
 * only: the benchmarks measure the time.
 */

jest.setTimeout(300_000);

const STACKS = 4;
const MODELS_PER_STACK = 25;
const TPS = 5;

describe(`${STACKS} stacks of ${MODELS_PER_STACK} models destroyed at once`, () => {
  let fleet: StackFleet;
  beforeAll(async () => {
    fleet = await StackFleet.start({
      stacks: STACKS,
      modelsPerStack: MODELS_PER_STACK,
      simulator: { tpsLimit: TPS, serverErrorRate: 0.1, seed: 3 },
    });
  });
  afterAll(() => fleet.close());

  test(`every model is deleted and every response is SUCCESS at ${TPS} TPS per operation with 10% HTTP 500s`, async () => {
    fleet.arns.forEach((arn) => fleet.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: 5_000, deleteDurationMs: 1_000 }));

    const played = await fleet.destroyAll();

    expect(played).toHaveLength(STACKS * MODELS_PER_STACK);
    expect(played.filter((p) => p.response.body.Status !== 'SUCCESS').map((p) => p.response.body.Reason)).toEqual([]);
    expect(fleet.arns.filter((arn) => fleet.sim.status(arn) !== undefined)).toEqual([]);
    // The limit and the faults were really there.
    expect(fleet.sim.calls.some((c) => c.error === 'ThrottlingException')).toBe(true);
    expect(fleet.sim.calls.some((c) => c.error === 'InternalServerError')).toBe(true);
  });

  test('each stack\'s function tore down only its own models', () => {
    for (const stack of fleet.stacks) {
      const modelsSeen = new Set(stack.lambda.invocations.map((i) => (i.payload as { PhysicalResourceId?: string }).PhysicalResourceId));
      expect([...modelsSeen].sort()).toEqual([...stack.arns].sort());
    }
  });
});
