/**
 * A plastic projection's `bounds` set its weight format: the compiler sizes the post-synaptic unit from the
 * largest weight (the bound) against a 2^b − 1 register, so the bound lands a hair below a power of two of
 * accumulator units. The exponent must then be the one at which the bound rounds to mantMax + 1 (stored as
 * mantMax), not the next one up — that would halve the resolution of every weight of the projection (issue 6:
 * eRBP's img→h1 used only [−64, 64] of its 8-bit range).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkSource } from '../../compiler/frontend.js';
import { compileFile, compileNetwork } from '../../compiler/compile.js';
import { join } from 'node:path';
import { packageRoot } from '../../compiler/paths.js';
import { resolveTarget } from '../../compiler/target/index.js';
import { weightFormat } from '../../compiler/lower/quantize.js';
import { isSopProgram } from '../../emulator/learning/program.js';

const net = (bound: number, fanIn: number) => `network t {
  dt = 1 ms
  population a = Poisson(${fanIn}) { rate_max = 100 Hz }
  neuron N extends CubaLIF { state u : dendrite = 0; input err -> u; leak u tau 5 ms; v_threshold = 0.1 }
  population b = N(3)
  project a -> b : dense { w ~ uniform(-${bound / 5}, ${bound / 5}); bounds [-${bound}, ${bound}]; learn r }
  rule r { on pre { w += 1e-2 * post.u } stochastic_rounding }
}
`;

function lowered(bound: number, fanIn: number, target = 'default', sets: readonly string[] = []) {
  const fe = checkSource(net(bound, fanIn), 't.snn', () => undefined);
  expect(fe.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const r = compileNetwork(fe.network!, { target, sets, frontendDiagnostics: fe.diagnostics });
  expect(r.ir).toBeDefined();
  const sg = r.ir!.cores.flatMap((c) => c.synapseGroups).find((g) => g.name === 'a->b')!;
  const prog = r.ir!.learning.find(isSopProgram)!;
  return { sg, prog };
}

describe('weight format of a bounded plastic projection', () => {
  // The rule at 8 bits (the eRBP case that exposed it) and at the default target's own width (12 bits).
  for (const [label, sets] of [['8-bit weights', ['synapse.weight.mant_bits=8']], ['the default target (12-bit)', []]] as const) {
    it(`no wasted bit with ${label}: the bound uses more than half of the mantissa range`, () => {
      const mantMax = weightFormat(resolveTarget('default', sets).profile!.synapse.weight, 'mixed').mantMax;
      fc.assert(
        fc.property(fc.double({ min: 0.05, max: 2, noNaN: true }), fc.integer({ min: 4, max: 800 }), (bound, fanIn) => {
          const { sg, prog } = lowered(bound, fanIn, 'default', sets);
          // The bound maps above half the mantissa range (before the fix: exactly (mantMax + 1) / 2 whenever the
          // bound set the post-synaptic unit), and the rule's integer bounds stay inside the format.
          expect(sg.weightMax).toBeGreaterThan((mantMax + 1) / 2);
          expect(sg.weightMax).toBeLessThanOrEqual(mantMax);
          expect(prog.bounds).not.toBeNull();
          expect(prog.bounds![1]).toBeGreaterThan((mantMax + 1) / 2);
          expect(prog.bounds![1]).toBeLessThanOrEqual(mantMax + 1);
          expect(-prog.bounds![0]).toBeGreaterThan((mantMax + 1) / 2);
        }),
        { numRuns: 25 },
      );
    });
  }

  it('the eRBP example: img→h1 with bounds ±0.4 uses the whole range, 8-bit (2^10 steps, ±127) and 12-bit (2^6 steps, ±2047)', () => {
    const b8 = lowered(0.4, 784, 'default', ['synapse.weight.mant_bits=8']);
    expect(b8.sg.weightShift).toBe(10);
    expect(b8.sg.weightMax).toBe(127);
    expect(b8.prog.bounds).toEqual([-127, 127]);
    const b12 = lowered(0.4, 784);
    expect(b12.sg.weightShift).toBe(6);
    expect(b12.sg.weightMax).toBe(2047);
    expect(b12.prog.bounds).toEqual([-2047, 2047]);
  });

  it('the shipped examples: every bounded plastic projection uses more than half of its mantissa range', () => {
    for (const [file, target] of [['erbp-mnist.snn', 'default'], ['erbp-2h.snn', 'default'], ['erbp-plus.snn', 'default'], ['s2m-ecd.snn', 'default'], ['erbp-nsat-100.snn', 'nsat']] as const) {
      const r = compileFile(join(packageRoot(), 'dsl-examples', file), { target });
      expect(r.ir, file).toBeDefined();
      const groups = r.ir!.cores.flatMap((c) => c.synapseGroups);
      const w = resolveTarget(target).profile!.synapse.weight;
      const mantMax = weightFormat(w, 'mixed').mantMax;
      let checked = 0;
      for (const prog of r.ir!.learning.filter(isSopProgram)) {
        if (prog.bounds === null) continue;
        const sg = groups.find((g) => g.name === prog.projection)!;
        // More than half of the format's positive mantissa range (e.g. > 64 of 127): no bit lost to the exponent
        // choice (before the fix: exactly half, 64 of 127 on `default`, 128 of 255 on `nsat`).
        expect(prog.bounds[1], `${file} ${prog.projection}`).toBeGreaterThan((mantMax + 1) / 2);
        expect(sg.weightMax, `${file} ${prog.projection}`).toBeLessThanOrEqual(mantMax);
        checked++;
      }
      expect(checked, file).toBeGreaterThan(0);
    }
  });
});
