/**
 * A seedable PRNG, so runs with injected faults repeat exactly. Park-Miller (minimal standard)
 * keeps to plain arithmetic: every product stays below 2^53, so doubles compute it exactly.
 */

const MODULUS = 2_147_483_647; // 2^31 - 1
const MULTIPLIER = 48_271;

/** Returns a function yielding numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  // The state must be in 1..MODULUS-1; map any seed (0, negatives, fractions) there.
  let state = Math.abs(Math.floor(seed)) % (MODULUS - 1) + 1;
  return () => {
    state = (state * MULTIPLIER) % MODULUS;
    return (state - 1) / (MODULUS - 1);
  };
}
