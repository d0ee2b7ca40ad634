/* eslint-disable no-bitwise -- a PRNG is bit arithmetic */
/**
 * Independent, repeatable random streams for jitter and durations. Not the simulator's
 * Park-Miller PRNG: its streams for nearby seeds are scaled copies of each other, which would
 * give many concurrent models the same jitter (in Lambda each process has its own Math.random).
 */
export function randomStream(seed: number): () => number {
  // splitmix32 of the seed, then mulberry32.
  let state = mix(seed + 0x9e3779b9);
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
