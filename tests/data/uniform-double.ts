/**
 * Test double for the emulator's counter-based PRNG: uniform(step, index) → [0, 2^32), a pure function of its
 * arguments (a murmur3-style finaliser of a mixed counter). Good enough for statistical tests of the encoders;
 * not the emulator's generator.
 */
export function hashUniform(seed = 0): (step: number, index: number) => number {
  return (step, index) => {
    let h = (Math.imul(step, 0x9e3779b1) ^ Math.imul(index + 0x632be5ab, 0x85ebca77) ^ seed) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  };
}
