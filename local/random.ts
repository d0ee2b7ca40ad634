/* eslint-disable no-bitwise -- a PRNG is bit arithmetic */
/**
 * The one seedable random generator of the local stand-ins, tests and benchmarks, so that runs
 * with injected faults, jitter or drawn durations repeat exactly. splitmix32 of the seed, then
 * mulberry32: streams for nearby seeds are independent (a Park-Miller generator's are scaled
 * copies of each other, which would give many concurrent models the same jitter, whereas in
 * Lambda each process has its own Math.random).
 */

/** Returns a function yielding numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = mix(Math.floor(seed) + 0x9e3779b9);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    return mix(state) / 4_294_967_296;
  };
}

function mix(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
