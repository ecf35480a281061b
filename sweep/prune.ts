/**
 * Magnitude pruning of plastic projections (S2M's claim: most weights of a trained network can go).
 *
 * For each plastic projection (synapse groups with a learning program, grouped by projection name across all
 * cores), the ⌊f·n + ½⌋ synapses with the smallest |stored weight| are set to 0; ties are broken by (core, row)
 * order so the choice is deterministic. The stored integer is what the chip holds, so "weakest" is judged after
 * quantization. A mask of the pruned rows is returned; `maskedEngine` keeps those synapses at 0 while the
 * network re-learns (the pruned synapses are removed from the chip, which is the setting of the S2M claim).
 */
import type { CoreRuntime } from '../emulator/state.js';
import type { LearningContext } from '../emulator/learning-engine.js';
import type { DendriteIr } from '../ir/types.js';
import type { HostedLearningEngine, LearningEngineFactory } from '../train/host-engine.js';

/** Pruned rows per core (ascending), i.e. synapse indices into `core.synapses`. */
export type PruneMask = readonly Int32Array[];

export interface PruneStats {
  /** Projection name → [pruned, total] plastic synapses. */
  readonly perProjection: Readonly<Record<string, readonly [number, number]>>;
  readonly pruned: number;
  readonly total: number;
}

/** Rows of every plastic synapse group, by projection (group) name: [core, row] pairs in (core, row) order. */
export function plasticRows(ir: DendriteIr): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  ir.cores.forEach((core, ci) => {
    const { axonOffsets, axonGroup } = core.synapses;
    for (let a = 0; a < core.axonCount; a++) {
      const g = core.synapseGroups[axonGroup[a]!]!;
      if (g.learning === null) continue;
      let rows = out.get(g.name);
      if (rows === undefined) out.set(g.name, (rows = []));
      for (let r = axonOffsets[a]!; r < axonOffsets[a + 1]!; r++) rows.push([ci, r]);
    }
  });
  for (const rows of out.values()) rows.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return out;
}

/** Zeroes the weakest `fraction` (0..1) of each plastic projection's weights in `cores`; returns the mask. */
export function prunePlastic(ir: DendriteIr, cores: readonly CoreRuntime[], fraction: number): { mask: PruneMask; stats: PruneStats } {
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`prune fraction ${fraction} outside [0, 1]`);
  const perCore: number[][] = ir.cores.map(() => []);
  const perProjection: Record<string, readonly [number, number]> = {};
  let pruned = 0;
  let total = 0;
  for (const [name, rows] of plasticRows(ir)) {
    const k = Math.floor(fraction * rows.length + 0.5);
    // Stable sort by magnitude: equal magnitudes keep (core, row) order.
    const order = rows
      .map((cr, i) => ({ cr, i, mag: Math.abs(cores[cr[0]]!.weights[cr[1]]!) }))
      .sort((x, y) => x.mag - y.mag || x.i - y.i);
    for (let j = 0; j < k; j++) {
      const [c, r] = order[j]!.cr;
      cores[c]!.weights[r] = 0;
      perCore[c]!.push(r);
    }
    perProjection[name] = [k, rows.length];
    pruned += k;
    total += rows.length;
  }
  return { mask: perCore.map((rs) => Int32Array.from(rs.sort((a, b) => a - b))), stats: { perProjection, pruned, total } };
}

/**
 * A learning-engine factory whose engine behaves like `base`'s but sets the masked synapses back to 0 after
 * every learning step, so a pruned synapse never transmits again (learning runs after the step's deliveries,
 * and the next step delivers with the re-zeroed weights).
 */
export function maskedEngine(base: LearningEngineFactory, mask: PruneMask): LearningEngineFactory {
  return (ir, seed) => {
    const inner = base(ir, seed) as HostedLearningEngine | null;
    if (inner === null) return null;
    const wrapped: HostedLearningEngine = {
      onStep(ctx: LearningContext): void {
        inner.onStep(ctx);
        for (let c = 0; c < mask.length; c++) {
          const rows = mask[c]!;
          const w = ctx.cores[c]!.weights;
          for (let k = 0; k < rows.length; k++) w[rows[k]!] = 0;
        }
      },
    };
    if (inner.setSampleStart) wrapped.setSampleStart = (s) => inner.setSampleStart!(s);
    if (inner.resetState) wrapped.resetState = () => inner.resetState!();
    if (inner.saveState) wrapped.saveState = () => inner.saveState!();
    if (inner.loadState) wrapped.loadState = (s, cores) => inner.loadState!(s, cores);
    return wrapped;
  };
}
