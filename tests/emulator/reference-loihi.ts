/**
 * Slow, obviously-correct reference of the Loihi compartment network, in BigInt, written straight from
 * golden/loihi README §5 and DESIGN.md §5 without sharing code with the emulator (except the PRNG, which is part
 * of the chip's specification for blank-out). Handles IRs whose groups are all of model `loihi`.
 */
import type { DendriteIr, LoihiGroup } from '../../ir/types.js';
import { draw, STREAM_BLANKOUT } from '../../emulator/prng.js';

const wrap = (x: bigint, bits: number): bigint => BigInt.asIntN(bits, x);
const decay = (x: bigint, d: number, o: number): bigint => {
  const mag = ((x < 0n ? -x : x) * BigInt(4096 - o - d)) / 4096n; // BigInt division truncates: floor for ≥ 0
  return x < 0n ? -mag : mag;
};

export interface RefCompartment { u: bigint; v: bigint; ref: number }

export class ReferenceLoihi {
  t = 0;
  /** state[core][compartment] */
  readonly state: RefCompartment[][];
  /** pending[step] → core → compartment → summed input */
  private readonly pending = new Map<number, Map<string, bigint>>();
  spikes: number[] = [];

  constructor(readonly ir: DendriteIr, readonly seed: number = ir.seed) {
    this.state = ir.cores.map((c) => Array.from({ length: c.compartmentCount }, () => ({ u: 0n, v: 0n, ref: 0 })));
  }

  step(): void {
    const t = ++this.t;
    const fired: number[] = [];
    for (const s of this.ir.sources) {
      if (s.kind !== 'spikes') throw new Error('reference handles spike-list sources only');
      for (let k = 0; k < s.steps.length; k++) if (s.steps[k] === t) fired.push(s.neuronBase + s.indices[k]!);
    }
    const inputs = this.pending.get(t) ?? new Map<string, bigint>();
    this.pending.delete(t);
    this.ir.cores.forEach((core, ci) => {
      for (const g0 of core.groups) {
        const g = g0 as LoihiGroup;
        for (let i = 0; i < g.size; i++) {
          const c = g.first + i;
          const st = this.state[ci]![c]!;
          const q = wrap(inputs.get(`${ci}:${c}`) ?? 0n, g.qBits);
          st.u = wrap(decay(st.u, g.decayU[i]!, 1) + q, g.uBits);
          const u2 = wrap(st.u + BigInt(g.biasMant[i]!) * 2n ** BigInt(g.biasExp[i]!), g.uBits);
          let v = decay(st.v, g.decayV[i]!, 0) + u2;
          if (g.vBits !== null) v = wrap(v, g.vBits);
          if (v < BigInt(g.vmin)) v = BigInt(g.vmin);
          if (v > BigInt(g.vmax)) v = BigInt(g.vmax);
          if (st.ref > 0) v = 0n;
          if (v > BigInt(g.vthMant[i]!) * 64n) {
            v = 0n;
            st.ref = g.refractDelay[i]!;
            fired.push(g.neuronBase + i);
          }
          st.v = v;
          st.ref = Math.max(st.ref - 1, 0);
        }
      }
    });
    fired.sort((a, b) => a - b);
    this.spikes = fired;
    const r = this.ir.routing;
    for (const n of fired) {
      for (let k = r.offsets[n]!; k < r.offsets[n + 1]!; k++) {
        const ci = r.core[k]!;
        const a = r.axon[k]!;
        const core = this.ir.cores[ci]!;
        const syn = core.synapses;
        const grp = core.synapseGroups[syn.axonGroup[a]!]!;
        for (let row = syn.axonOffsets[a]!; row < syn.axonOffsets[a + 1]!; row++) {
          if (grp.transmitThreshold < 2 ** 32 && !(draw(this.seed, t, ci, row, STREAM_BLANKOUT) < grp.transmitThreshold)) continue;
          const at = t + 1 + syn.delays[row]!;
          let m = this.pending.get(at);
          if (!m) this.pending.set(at, (m = new Map()));
          const key = `${ci}:${syn.targets[row]}`;
          m.set(key, (m.get(key) ?? 0n) + BigInt(syn.weights[row]!) * 2n ** BigInt(grp.weightShift));
        }
      }
    }
  }
}
