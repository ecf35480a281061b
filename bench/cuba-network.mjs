/**
 * The CUBA benchmark network (Brian2's CUBA example, single synaptic current) as a Dendrite IR, built
 * programmatically. Shared by bench/cuba.mjs and tests/parallel/cuba-network.test.ts.
 *
 * Model (float, what Brian2 runs):
 *   dv/dt = (g − (v − El)) / taum   (unless refractory),   dg/dt = −g / taus
 *   spike when v > Vt → v = Vr, refractory 5 ms; an E spike adds we to g, an I spike adds wi.
 * Brian's example has two currents (ge: 5 ms, gi: 10 ms); the IR's `cuba` compartment has one current state,
 * so BOTH simulators run this single-current variant (taus = taue = 5 ms) — same network on both sides.
 *
 * Integer mapping (Loihi/nengo-loihi style: v relative to the reset, threshold gap on a power of two):
 *   S = 2^17 / (Vt − Vr) units per volt, so Vr ↦ 0, Vt ↦ 131072 (24-bit v, far from saturation);
 *   decay registers dV = round(4096·(1 − e^(−dt/taum))) = 20, dI = round(4096·(1 − e^(−dt/taus))) = 81
 *   (Loihi 12-bit multiplicative decay, offset 0); with δ = dV/4096 the current is kept in "v increments per
 *   step": bias = round((El − Vr)·S·δ) (steady state (El − Vr) exactly), w = round(w_volts·S·δ).
 *   Refractory: Brian holds v for round(5 ms/dt) − 1 = 49 steps after the spike step (it integrates again at
 *   t_spike + 5 ms); refractDelay = 49.
 */

export const CUBA = {
  taum: 20e-3, taus: 5e-3, Vt: -50e-3, Vr: -60e-3, El: -49e-3,
  we: (60 * 0.27 / 10) * 1e-3, wi: (-20 * 4.5 / 10) * 1e-3, refractory: 5e-3, dt: 0.1e-3,
};

/** Deterministic uint32 stream (splitmix32-style), so the network is the same for the same seed. */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

/** The integer parameters of the mapping above. */
export function cubaIntegers(p = CUBA) {
  const S = 2 ** 17 / (p.Vt - p.Vr);
  const dV = Math.round(4096 * (1 - Math.exp(-p.dt / p.taum)));
  const dI = Math.round(4096 * (1 - Math.exp(-p.dt / p.taus)));
  const delta = dV / 4096;
  return {
    S, dV, dI,
    threshold: Math.round((p.Vt - p.Vr) * S),
    bias: Math.round((p.El - p.Vr) * S * delta),
    we: Math.round(p.we * S * delta),
    wi: Math.round(p.wi * S * delta),
    refractDelay: Math.round(p.refractory / p.dt) - 1,
  };
}

/**
 * Builds the IR: N neurons (first 80 % excitatory), each pair connected with probability p (self pairs
 * included, as Brian's connect(p=…)), cores of `coreSize` compartments, one axon per (neuron, core with at
 * least one of its targets). Returns { ir, synapses, k }.
 */
export function buildCubaIr({ N, p, coreSize = 1024, seed = 1, steps = 10000 }) {
  const k = cubaIntegers();
  const Ne = Math.floor(0.8 * N);
  const nCores = Math.ceil(N / coreSize);
  const coreOf = (j) => Math.floor(j / coreSize);
  const logq = Math.log1p(-p);
  // Targets of neuron i in ascending order by geometric skipping; called twice (count, then fill) with the same seed.
  const forEachTarget = (fn) => {
    const u = rng(seed);
    for (let i = 0; i < N; i++) {
      let j = -1;
      for (;;) {
        j += 1 + Math.floor(Math.log(1 - u()) / logq);
        if (j >= N) break;
        fn(i, j);
      }
    }
  };
  const rows = new Float64Array(nCores);
  const axons = new Float64Array(nCores);
  let last = -1;
  let lastCore = -1;
  forEachTarget((i, j) => {
    const c = coreOf(j);
    rows[c]++;
    if (i !== last || c !== lastCore) { axons[c]++; last = i; lastCore = c; }
  });
  const cores = [];
  for (let c = 0; c < nCores; c++) {
    const size = Math.min(coreSize, N - c * coreSize);
    const fill = (v) => new Int32Array(size).fill(v);
    cores.push({
      mesh: { x: c % 8, y: Math.floor(c / 8) }, compartmentCount: size, axonCount: axons[c],
      groups: [{
        model: 'cuba', name: 'P', first: 0, size, neuronBase: c * coreSize, inputBits: 24, inputOverflow: 'saturate',
        current: { bits: 24, overflow: 'saturate', decay: { kind: 'loihi12', offset: 0 }, decayReg: fill(k.dI), floor: null, ceiling: null },
        v: { bits: 24, overflow: 'saturate', decay: { kind: 'loihi12', offset: 0 }, decayReg: fill(k.dV), floor: null, ceiling: null },
        dendrite: null, bias: fill(k.bias), threshold: fill(k.threshold), compare: 'gt',
        reset: { mode: 'value', value: 0 }, refractDelay: fill(k.refractDelay), refractoryValue: 0,
      }],
      synapses: {
        axonOffsets: new Int32Array(axons[c] + 1), axonGroup: new Int32Array(axons[c]), targets: new Int32Array(rows[c]),
        weights: new Int32Array(rows[c]), delays: new Uint8Array(rows[c]), ports: new Uint8Array(rows[c]),
      },
      synapseGroups: [{ name: 'P->P', weightShift: 0, weightMin: -1024, weightMax: 1023, transmitThreshold: 2 ** 32, learning: null }],
    });
  }
  // Fill: per core, axons in presynaptic order; routing CSR over neurons.
  const rowPos = new Float64Array(nCores);
  const axonPos = new Float64Array(nCores);
  const rOffsets = new Int32Array(N + 1);
  const rCore = [];
  const rAxon = [];
  last = -1;
  lastCore = -1;
  let synapses = 0;
  forEachTarget((i, j) => {
    const c = coreOf(j);
    const syn = cores[c].synapses;
    if (i !== last || c !== lastCore) {
      for (let n = last + 1; n <= i; n++) rOffsets[n] = rCore.length;
      const a = axonPos[c]++;
      syn.axonOffsets[a] = rowPos[c];
      rCore.push(c);
      rAxon.push(a);
      last = i;
      lastCore = c;
    }
    const r = rowPos[c]++;
    syn.targets[r] = j - c * coreSize;
    syn.weights[r] = i < Ne ? k.we : k.wi;
    synapses++;
  });
  for (let n = last + 1; n <= N; n++) rOffsets[n] = rCore.length;
  for (let c = 0; c < nCores; c++) cores[c].synapses.axonOffsets[axons[c]] = rows[c];
  const ir = {
    format: 'dendrite-ir/1', target: { name: 'default', details: { bench: 'cuba', N, p, seed } }, producer: 'bench/cuba-network.mjs',
    seed: 1, dt: CUBA.dt, steps, neuronCount: N, sources: [], cores,
    routing: { offsets: rOffsets, core: Int32Array.from(rCore), axon: Int32Array.from(rAxon) },
    learning: [],
    populations: [{ name: 'P', neuronBase: 0, size: N, placement: cores.map((c, ci) => ({ kind: 'group', core: ci, group: 0, offset: 0, count: c.compartmentCount })) }],
    ports: { inputs: [], outputs: ['P'] }, probes: [],
    cost: { synapticOp: { cycles: 1, pj: 1 }, compartmentUpdate: { cycles: 1, pj: 1 }, learningOp: { cycles: 1, pj: 1 }, spike: { cycles: 1, pj: 1 }, hop: { cycles: 1, pj: 1 } },
    reports: {},
  };
  return { ir, synapses, k };
}

/** Brian's initial condition v = Vr + rand()·(Vt − Vr), in integer units: uniform in [0, threshold). */
export function setInitialV(emu, k, seed = 7) {
  const u = rng(seed ^ 0x5bd1e995);
  for (const rt of emu.cores) for (const gs of rt.groups) {
    const v = gs.arrays.v;
    for (let i = 0; i < v.length; i++) v[i] = Math.floor(u() * k.threshold);
  }
}
