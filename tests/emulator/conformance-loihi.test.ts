import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCaseResult, runGoldenCase, type GoldenCase } from '../../emulator/conformance/loihi.js';

const dir = join(import.meta.dirname, '..', 'golden', 'loihi');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('Loihi golden conformance (nengo-loihi emulator, bit for bit)', () => {
  it('has all 12 public cases', () => {
    expect(files.length).toBe(12);
  });
  for (const f of files) {
    it(f, () => {
      const gc = JSON.parse(readFileSync(join(dir, f), 'utf8')) as GoldenCase;
      const r = runGoldenCase(gc);
      expect(formatCaseResult(r, f)).toMatch(/^PASS/);
      expect(r.weightMismatches).toEqual([]);
      expect(r.weightsChecked).toBeGreaterThan(0);
      // The spike count the emulator reproduced equals the golden file's own total.
      const total = gc.blocks.reduce((s, b) => s + gc.expected[b.name]!.spikes.length, 0);
      expect(r.spikes).toBe(total);
    });
  }
});
