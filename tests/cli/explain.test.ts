import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { captureIo } from '../helpers/io.js';

async function run(args: string[]) {
  const io = captureIo();
  const code = await main(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('dendrite explain', () => {
  it("shows eRBP's microcode as one addition and two comparisons per synapse", async () => {
    const r = await run(['explain', 'dsl-examples/erbp-mnist.snn', '--rule', 'erbp']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/rule erbp on img->h1/);
    expect(r.out).toMatch(/when post\.i in \[-\d+, \d+\]/);
    expect(r.out).toMatch(/1 addition, 2 comparisons per synapse/);
  });

  it('STDP lowers to Loihi sum-of-products over 7-bit traces on loihi1', async () => {
    const r = await run(['explain', 'dsl-examples/stdp.snn', '--target', 'loihi1', '--json']);
    expect(r.code).toBe(0);
    const programs = JSON.parse(r.out);
    expect(programs).toHaveLength(1);
    expect(programs[0].traces.map((t: { bits: number }) => t.bits)).toEqual([7, 7]);
  });

  it('an unknown rule is a usage error naming the rules that exist', async () => {
    const r = await run(['explain', 'dsl-examples/erbp-mnist.snn', '--rule', 'nope']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no rule `nope`.*erbp/);
  });
});
