/**
 * Initial values of neuron state variables (`state v = uniform(-65 mV, -50 mV)` etc.), drawn with the same
 * compile-time counter-based generator as connectivity (compiler/network/random.ts), so that any consumer that
 * calls this function (the float reference; the lowering, if it initialises registers from it) sees the same
 * values. The key is (hash of network seed, population and state name, STREAM.initialState, neuron index).
 */
import type { Initializer, Network, Population, StateVar } from '../compiler/model.js';
import { STREAM, hash3, hashString, normal01, uniform01 } from '../compiler/network/random.js';

/** The seed of one (population, state) pair's initial draws. */
export function initialStateSeed(networkSeed: number, population: string, state: string): number {
  return hash3(networkSeed >>> 0, STREAM.initialState, hashString(`${population}.${state}`));
}

/** Initial values of `state` for every neuron of `pop`, in the model's units (SI floats). */
export function initialStateValues(network: Network, pop: Population, state: StateVar): Float64Array {
  const out = new Float64Array(pop.size);
  const init: number | Initializer = state.initial;
  if (typeof init === 'number') return out.fill(init);
  const seed = initialStateSeed(network.seed, pop.name, state.name);
  const s = STREAM.initialState;
  switch (init.kind) {
    case 'constant':
      return out.fill(init.value);
    case 'uniform':
      for (let k = 0; k < pop.size; k++) out[k] = init.lo + (init.hi - init.lo) * uniform01(seed, s, k);
      return out;
    case 'normal':
      for (let k = 0; k < pop.size; k++) out[k] = init.mean + init.std * normal01(seed, s, k);
      return out;
    // Centring is defined for weight matrices; for a state vector it degrades to a plain symmetric draw.
    case 'centred_uniform':
      for (let k = 0; k < pop.size; k++) out[k] = init.scale * (2 * uniform01(seed, s, k) - 1);
      return out;
    case 'centred_normal':
      for (let k = 0; k < pop.size; k++) out[k] = init.std * normal01(seed, s, k);
      return out;
  }
}
