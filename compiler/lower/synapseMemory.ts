/**
 * How a target charges synapses to a core's synapse memory (`core.synapse_memory`). Pure arithmetic shared by
 * the mapper (limits) and the utilisation report.
 *
 * - `groups` (Loihi, chips.md §2.2): each axon's synapses on a core are stored in groups of up to
 *   `group_size`; a group costs n·bits_per_synapse + `group_header_bits`, rounded up to whole `word_bits` words.
 * - `per_synapse`: n·bits_per_synapse, no headers.
 * - `crossbar`: a fixed input_axons × compartments array; never the binding limit (axons and compartments are).
 */
import type { SynapseMemorySpec } from '../target/profile.js';

export interface SynapseBitsOptions {
  /** Stored weight bits of the projection. */
  readonly weightBits: number;
  /** The projection uses delays (pays `delay_bits`). */
  readonly delayed: boolean;
  /** The projection is plastic (pays `tag_bits`). */
  readonly plastic: boolean;
}

/** Bits of the compartment index of a sparse synapse on a core with `compartments` slots. */
export function indexBits(mem: SynapseMemorySpec, compartments: number): number {
  if (mem.encoding === 'dense') return 0;
  const need = Math.ceil(Math.log2(Math.max(2, compartments)));
  return Math.min(mem.index_bits_max, Math.max(mem.index_bits_min, need));
}

/** Bits of one synapse entry. */
export function bitsPerSynapse(mem: SynapseMemorySpec, compartments: number, o: SynapseBitsOptions): number {
  return o.weightBits + (o.delayed ? mem.delay_bits : 0) + (o.plastic ? mem.tag_bits : 0) + indexBits(mem, compartments);
}

/** Memory for one axon's row of `n` synapses on one core (`groups` or `per_synapse`; 0 for crossbar). */
export function rowBits(mem: SynapseMemorySpec, n: number, bps: number): number {
  if (n <= 0) return 0;
  switch (mem.counting) {
    case 'per_synapse':
      return n * bps;
    case 'crossbar':
      return 0;
    case 'groups': {
      const g = mem.group_size;
      const full = Math.floor(n / g);
      const rest = n - full * g;
      const words = (k: number) => Math.ceil((k * bps + mem.group_header_bits) / mem.word_bits) * mem.word_bits;
      return full * words(g) + (rest > 0 ? words(rest) : 0);
    }
  }
}
