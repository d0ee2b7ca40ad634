import {
  afterAdmittedCall,
  afterThrottledCall,
  backoff,
  DEFAULT_PACING,
  INITIAL_PACING_STATE,
  nextPollMs,
  pollDelayMs,
  stopBackoff,
} from '../../lambda/teardown/schedule';

const P = DEFAULT_PACING;
const rate = (gapMs: number) => 1_000 / gapMs;

describe('the polling schedule', () => {
  test('looks again soon at a young state, then at a share of its age, never beyond the longest pause', () => {
    const middle = () => 0.5;
    expect(pollDelayMs(P, 0, middle)).toBe(P.firstPollMs);
    const age = (2 * P.firstPollMs) / P.pollGrowth;
    expect(pollDelayMs(P, age, middle)).toBe(Math.round(age * P.pollGrowth));
    expect(pollDelayMs(P, 100 * P.maxPollMs / P.pollGrowth, middle)).toBe(P.maxPollMs);
  });

  test('a floor (the deleting share of the whole wait) lengthens a pause, within the longest pause', () => {
    const middle = () => 0.5;
    expect(pollDelayMs(P, 0, middle, 4_000)).toBe(4_000);
    expect(pollDelayMs(P, 0, middle, 10 * P.maxPollMs)).toBe(P.maxPollMs);
  });

  test('jitters each pause by at most a fifth either way', () => {
    expect(pollDelayMs(P, 0, () => 0)).toBe(Math.round(0.8 * P.firstPollMs));
    expect(pollDelayMs(P, 0, () => 0.999_999)).toBeLessThanOrEqual(Math.round(1.2 * P.firstPollMs));
  });
});

describe('the call rate learned from throttling', () => {
  test('a throttled call multiplies the rate the teardown actually called at by throttleRateFactor', () => {
    const sinceLastCallMs = P.firstBackoffMs;
    const state = afterThrottledCall(P, INITIAL_PACING_STATE, sinceLastCallMs);
    expect(rate(state.callGapMs)).toBeCloseTo(rate(sinceLastCallMs) * P.throttleRateFactor);
    // Again, from the learned rate when the teardown called faster than that (both within the cap).
    expect(state.callGapMs / P.throttleRateFactor).toBeLessThanOrEqual(P.maxCallGapMs);
    const again = afterThrottledCall(P, state, 0);
    expect(rate(again.callGapMs)).toBeCloseTo(rate(state.callGapMs) * P.throttleRateFactor);
  });

  test('throttling never stretches the gap between calls beyond maxCallGapMs', () => {
    let state = INITIAL_PACING_STATE;
    for (let i = 0; i < 50; i++) state = afterThrottledCall(P, state, 0);
    expect(state.callGapMs).toBe(P.maxCallGapMs);
  });

  test('a call that gets through raises the rate by admittedRateGrowth and ends the backoff', () => {
    const state = afterAdmittedCall(P, { callGapMs: 10_000, backoffMs: 3_000 });
    expect(rate(state.callGapMs)).toBeCloseTo(rate(10_000) * (1 + P.admittedRateGrowth));
    expect(state.backoffMs).toBe(0);
    expect(afterAdmittedCall(P, INITIAL_PACING_STATE)).toEqual(INITIAL_PACING_STATE);
  });

  test('polls follow the schedule until throttling teaches a longer gap, then keep to that gap (jittered)', () => {
    const middle = () => 0.5;
    expect(nextPollMs(P, INITIAL_PACING_STATE, 0, middle)).toBe(pollDelayMs(P, 0, middle));
    const gap = 10 * P.firstPollMs;
    expect(nextPollMs(P, { callGapMs: gap, backoffMs: 0 }, 0, middle)).toBe(gap);
    expect(nextPollMs(P, { callGapMs: gap, backoffMs: 0 }, 0, () => 0)).toBe(0.8 * gap);
  });
});

describe('backoff after a throttled or failed call (decorrelated jitter)', () => {
  test('draws between the shortest backoff and three times the last pause', () => {
    const lowest = backoff(P, INITIAL_PACING_STATE, () => 0);
    const highest = backoff(P, INITIAL_PACING_STATE, () => 0.999_999);
    expect(lowest.pauseMs).toBe(P.firstBackoffMs);
    expect(highest.pauseMs).toBeLessThanOrEqual(3 * P.firstBackoffMs);
    const next = backoff(P, highest.state, () => 0.999_999);
    expect(next.pauseMs).toBeGreaterThan(highest.pauseMs);
    expect(next.pauseMs).toBeLessThanOrEqual(3 * highest.pauseMs);
  });

  test('never waits more than maxBackoffMs', () => {
    let state = INITIAL_PACING_STATE;
    for (let i = 0; i < 20; i++) state = backoff(P, state, () => 0.999_999).state;
    expect(state.backoffMs).toBe(P.maxBackoffMs);
  });
});

describe('backoff after a throttled or failed Stop (full jitter)', () => {
  test('draws up to a ceiling that doubles from the shortest backoff, to at most maxStopBackoffMs', () => {
    const first = stopBackoff(P, INITIAL_PACING_STATE, () => 0.999_999);
    expect(first.pauseMs).toBeLessThanOrEqual(P.firstBackoffMs);
    expect(stopBackoff(P, INITIAL_PACING_STATE, () => 0).pauseMs).toBe(0);
    const second = stopBackoff(P, first.state, () => 0.999_999);
    expect(second.state.backoffMs).toBe(2 * P.firstBackoffMs);
    let state = INITIAL_PACING_STATE;
    for (let i = 0; i < 20; i++) state = stopBackoff(P, state, () => 0.999_999).state;
    expect(state.backoffMs).toBe(P.maxStopBackoffMs);
    expect(P.maxStopBackoffMs).toBeLessThan(P.maxBackoffMs);
  });
});
