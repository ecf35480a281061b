#!/usr/bin/env node
/**
 * `npm run bench:erbp`: cost of eRBP 784-100-10 training on the emulator, one core — ms per 1,500-tick sample
 * and µs per tick, next to NSAT's reference (≈ 14–15 µs/tick, ≈ 22 ms per 1,500-tick sample on this kind of
 * machine; issue 8). The network is built programmatically with NSAT-style groups (IR model `nsat`, the
 * parameters of NSAT's eRBP example as in tests/golden/nsat/erbp-tiny.json) and the eRBP `sop` microcode on the
 * two plastic projections, fed by Poisson-encoded images of the bundled MNIST training split.
 *
 * Flags: --samples 20   --ticks 1500   --no-learning (dynamics only)   --workers 1 (threads; 1 core → 1 thread)
 *        --reference (use the single-thread reference Emulator instead of the parallel path)   --json FILE
 * To rerun NSAT itself (nmi-lab/NSAT, not bundled): build it and time its `examples/erbp_mnist` script, e.g.
 *   python3 examples/erbp_mnist.py   (in an NSAT checkout; see docs/performance.md).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Emulator } from '../dist/emulator/emulator.js';
import { ParallelEmulator } from '../dist/emulator/parallel/parallel-emulator.js';
import { SopLearningEngine } from '../dist/emulator/learning/engine.js';
import { toIrProgram } from '../dist/emulator/learning/program.js';
import { loadBundledSplit } from '../dist/data/mnist-bundled.js';
import { imageAt } from '../dist/data/dataset.js';
import { rng } from './cuba-network.mjs';

const NSAT_US_PER_TICK = [14, 15];
const NSAT_MS_PER_SAMPLE = 22;

function parseArgs(argv) {
  const o = { samples: 20, ticks: 1500, learning: true, workers: 1, reference: false, json: null, hidden: 100 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--samples') o.samples = Number(next());
    else if (a === '--ticks') o.ticks = Number(next());
    else if (a === '--hidden') o.hidden = Number(next());
    else if (a === '--workers') o.workers = Number(next());
    else if (a === '--no-learning') o.learning = false;
    else if (a === '--reference') o.reference = true;
    else if (a === '--json') o.json = next();
    else throw new Error(`unknown flag ${a}`);
  }
  for (const k of ['samples', 'ticks', 'hidden', 'workers']) if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`--${k} must be a positive integer`);
  return o;
}

// NSAT eRBP neuron types (nmi-lab/NSAT examples, as recorded in tests/golden/nsat/erbp-tiny.json).
const HID = { A: [[-7, -16], [-16, -6]], sA: [[-1, 1], [1, -1]], b: [0, 0], Xth: 500, XresetOn: [false, false], t_ref: 39, Wgain: [3, 4] };
const ERR = { A: [[-16, -16], [-16, -16]], sA: [[-1, 1], [1, -1]], b: [0, 0], Xth: 1025, Xthlo: [0, -32767], XspikeIncrVal: [-1025, 0], XresetOn: [false, false], t_ref: 0, Wgain: [4, 0] };
const GATE = { lower: -2560, upper: 2560, burnin: 10, period: 1500 };
const W_BOUNDARY = 8;

function nsatGroup(name, first, size, neuronBase, p) {
  return {
    model: 'nsat', name, first, size, neuronBase, states: 2, leakShift: p.A, leakSign: p.sA, bias: p.b, threshold: p.Xth,
    thresholdFromState1: false, refractory: p.t_ref, resetOn: p.XresetOn, resetValue: [0, 0], spikeIncrement: p.XspikeIncrVal ?? [0, 0],
    clampLow: p.Xthlo ?? [-32767, -32767], clampHigh: [32767, 32767], wgain: p.Wgain, accLow: -32768, accHigh: 32767, initial: [0, 0],
  };
}

/** eRBP: on a pre spike, if gate_lower < x0 < gate_upper and t mod period ≥ burnin, w += zero_bit_shift(x1, −7). */
function erbpProgram(projection) {
  return toIrProgram({
    kind: 'sop', rule: 'erbp', projection, rounding: 'toward_zero', accumulatorBits: 16,
    bounds: [-(2 ** W_BOUNDARY), 2 ** W_BOUNDARY - 1], traces: [], modulators: [], drivenBy: null,
    events: [{
      trigger: { kind: 'pre' },
      gates: [
        { kind: 'range', operand: { kind: 'post_state', state: 'x0' }, lo: GATE.lower, hi: GATE.upper, loInclusive: false, hiInclusive: false },
        { kind: 'time', period: GATE.period, op: '>=', value: GATE.burnin },
      ],
      op: 'add',
      terms: [{ mant: 1, exp: -7, factors: [{ kind: 'post_state', state: 'x1' }] }],
    }],
  });
}

/** The 784-H-10 eRBP network on one core. */
export function buildErbpIr({ hidden = 100, seed = 3 } = {}) {
  const nIn = 784;
  const nOut = 10;
  const u = rng(seed);
  const uni = (lo, hi) => lo + Math.floor(u() * (hi - lo + 1));
  const base = nIn + nOut; // data 0..783, labels 784..793
  const first = { hid: 0, out: hidden, errPos: hidden + nOut, errNeg: hidden + 2 * nOut };
  const nComp = hidden + 3 * nOut;
  const groups = [
    nsatGroup('hid', first.hid, hidden, base + first.hid, HID), nsatGroup('out', first.out, nOut, base + first.out, HID),
    nsatGroup('err_pos', first.errPos, nOut, base + first.errPos, ERR), nsatGroup('err_neg', first.errNeg, nOut, base + first.errNeg, ERR),
  ];
  const synapseGroups = [
    { name: 'data->hid', weightShift: 0, weightMin: -256, weightMax: 255, transmitThreshold: 2 ** 32, learning: 0 },
    { name: 'hid->out', weightShift: 0, weightMin: -256, weightMax: 255, transmitThreshold: 2 ** 32, learning: 1 },
    { name: 'out->err', weightShift: 0, weightMin: -256, weightMax: 255, transmitThreshold: 2 ** 32, learning: null },
    { name: 'lab->err', weightShift: 0, weightMin: -256, weightMax: 255, transmitThreshold: 2 ** 32, learning: null },
    { name: 'err->x1', weightShift: 0, weightMin: -256, weightMax: 255, transmitThreshold: 2 ** 32, learning: null },
  ];
  const axonOffsets = [0];
  const axonGroup = [];
  const targets = [];
  const weights = [];
  const ports = [];
  const routes = new Map(); // neuron → axon
  const axon = (neuron, group, rows) => {
    routes.set(neuron, axonGroup.length);
    axonGroup.push(group);
    for (const [t, w, p] of rows) { targets.push(t); weights.push(w); ports.push(p); }
    axonOffsets.push(targets.length);
  };
  const range = (n, f) => Array.from({ length: n }, (_, k) => f(k));
  for (let i = 0; i < nIn; i++) axon(i, 0, range(hidden, (j) => [first.hid + j, uni(-24, 32), 0]));
  for (let j = 0; j < hidden; j++) axon(base + first.hid + j, 1, range(nOut, (k) => [first.out + k, uni(-32, 40), 0]));
  // Output k: + into err_pos k, − into err_neg k; label k the opposite (NSAT eRBP error neurons).
  for (let k = 0; k < nOut; k++) axon(base + first.out + k, 2, [[first.errPos + k, 128, 0], [first.errNeg + k, -128, 0]]);
  for (let k = 0; k < nOut; k++) axon(nIn + k, 3, [[first.errPos + k, -128, 0], [first.errNeg + k, 128, 0]]);
  // Error neurons project (random fixed feedback) into the second state (x1 = U) of hidden and output neurons.
  for (const [sign, f0] of [[1, first.errPos], [-1, first.errNeg]]) {
    for (let k = 0; k < nOut; k++) {
      axon(base + f0 + k, 4, [...range(hidden, (j) => [first.hid + j, sign * uni(-64, 64), 1]), [first.out + k, sign * 64, 1]]);
    }
  }
  const neuronCount = base + nComp;
  const offsets = new Int32Array(neuronCount + 1);
  const rAxon = [];
  for (let n = 0; n < neuronCount; n++) {
    if (routes.has(n)) rAxon.push(routes.get(n));
    offsets[n + 1] = rAxon.length;
  }
  return {
    format: 'dendrite-ir/1', target: { name: 'nsat', details: { bench: 'erbp', hidden } }, producer: 'bench/erbp.mjs', seed: 1, dt: 0.001, steps: 1500,
    neuronCount,
    sources: [
      { kind: 'poisson', name: 'data', size: nIn, neuronBase: 0, rate: new Float64Array(nIn), refractory: 0 },
      { kind: 'label', name: 'lab', size: nOut, neuronBase: nIn, threshold: Math.round(0.1 * 2 ** 32), label: -1 },
    ],
    cores: [{
      mesh: { x: 0, y: 0 }, compartmentCount: nComp, groups, axonCount: axonGroup.length,
      synapses: {
        axonOffsets: Int32Array.from(axonOffsets), axonGroup: Int32Array.from(axonGroup), targets: Int32Array.from(targets),
        weights: Int32Array.from(weights), delays: new Uint8Array(targets.length), ports: Uint8Array.from(ports),
      },
      synapseGroups,
    }],
    routing: { offsets, core: new Int32Array(rAxon.length), axon: Int32Array.from(rAxon) },
    learning: [erbpProgram('data->hid'), erbpProgram('hid->out')],
    populations: [
      { name: 'data', neuronBase: 0, size: nIn, placement: [{ kind: 'source', source: 0 }] },
      { name: 'lab', neuronBase: nIn, size: nOut, placement: [{ kind: 'source', source: 1 }] },
      ...groups.map((g, gi) => ({ name: g.name, neuronBase: g.neuronBase, size: g.size, placement: [{ kind: 'group', core: 0, group: gi, offset: 0, count: g.size }] })),
    ],
    ports: { inputs: ['data', 'lab'], outputs: ['out'] }, probes: [],
    cost: { synapticOp: { cycles: 1, pj: 0 }, compartmentUpdate: { cycles: 1, pj: 0 }, learningOp: { cycles: 1, pj: 0 }, spike: { cycles: 1, pj: 0 }, hop: { cycles: 0, pj: 0 } },
    reports: {},
  };
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const { train } = loadBundledSplit();
  const ir = buildErbpIr({ hidden: o.hidden });
  const engine = o.learning ? new SopLearningEngine(ir) : null;
  const emu = o.reference ? new Emulator(ir, { learning: engine }) : new ParallelEmulator(ir, { learning: engine, workers: o.workers });
  const rates = new Float64Array(784);
  const maxP = 0.1; // pixel 1.0 → spike probability 0.1 per 1 ms tick (100 Hz)
  let spikes = 0;
  let compSpikes = 0;
  const sampleMs = [];
  const sampleCpuMs = []; // process CPU time (user + system): less sensitive to a shared machine's load than wall time
  try {
    for (let s = 0; s < o.samples; s++) {
      const img = imageAt(train, s % train.n);
      for (let i = 0; i < 784; i++) rates[i] = Math.round(img[i] * maxP * 2 ** 32);
      emu.setSourceRates('data', rates);
      emu.setLabel('lab', train.labels[s % train.n]);
      engine?.setSampleStart(emu.t + 1);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let k = 0; k < o.ticks; k++) {
        emu.step();
        spikes += emu.spikeCount;
      }
      sampleMs.push(performance.now() - t0);
      const c1 = process.cpuUsage(c0);
      sampleCpuMs.push((c1.user + c1.system) / 1000);
    }
  } finally {
    if (emu instanceof ParallelEmulator) emu.close();
  }
  compSpikes = emu.cores[0].counters.spikes;
  // Final weights: equal digests across builds = the optimisation changed no bit (compare with the same flags).
  const weightsDigest = createHash('sha256').update(emu.cores[0].weights).digest('hex').slice(0, 16);
  const c = emu.cores[0].counters;
  // Discard the first sample (JIT warm-up) when there are several.
  const timed = sampleMs.length > 2 ? sampleMs.slice(1) : sampleMs;
  const mean = timed.reduce((a, b) => a + b, 0) / timed.length;
  const sorted = [...timed].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const perTickUs = (1000 * median) / o.ticks;
  const timedCpu = sampleCpuMs.length > 2 ? sampleCpuMs.slice(1) : sampleCpuMs;
  const cpuMedian = [...timedCpu].sort((a, b) => a - b)[Math.floor(timedCpu.length / 2)];
  const cpuPerTickUs = (1000 * cpuMedian) / o.ticks;
  const out = {
    network: `784-${o.hidden}-10 eRBP (+20 error neurons), 1 core`, samples: o.samples, ticks: o.ticks, learning: o.learning,
    path: o.reference ? 'reference Emulator' : `ParallelEmulator, ${emu.threads} thread(s)`,
    ms_per_sample_median: median, ms_per_sample_mean: mean, us_per_tick: perTickUs,
    cpu_ms_per_sample_median: cpuMedian, cpu_us_per_tick: cpuPerTickUs,
    per_sample: { spikes: spikes / o.samples, compartment_spikes: compSpikes / o.samples, synaptic_events: c.synapticEvents / o.samples, learning_updates: c.learningUpdates / o.samples },
    nsat_reference: { us_per_tick: NSAT_US_PER_TICK, ms_per_sample: NSAT_MS_PER_SAMPLE },
    ms_per_1500_tick_sample: (perTickUs * 1500) / 1000,
    // Compared per tick, so --ticks other than 1,500 still compare like with like.
    speedup_vs_nsat: ((NSAT_MS_PER_SAMPLE * 1000) / 1500) / perTickUs,
    loadavg_1min: loadavg()[0], cpus: availableParallelism(), node: process.version, weights_digest: weightsDigest,
  };
  process.stdout.write(
    `eRBP ${out.network}, ${o.samples} samples × ${o.ticks} ticks, learning ${o.learning ? 'on' : 'off'}, ${out.path}\n` +
    `  per sample: ${out.per_sample.spikes.toFixed(0)} spikes (${out.per_sample.compartment_spikes.toFixed(0)} from neurons), ` +
    `${out.per_sample.synaptic_events.toFixed(0)} synaptic events, ${out.per_sample.learning_updates.toFixed(0)} learning updates; final weights ${weightsDigest}\n` +
    `  Dendrite: ${median.toFixed(2)} ms per ${o.ticks}-tick sample (median; mean ${mean.toFixed(2)}), ${perTickUs.toFixed(2)} µs per tick, ` +
    `${out.ms_per_1500_tick_sample.toFixed(1)} ms per 1,500-tick sample equivalent\n` +
    `  Dendrite CPU time (process user + system): ${cpuMedian.toFixed(2)} ms per sample (median), ${cpuPerTickUs.toFixed(2)} µs per tick\n` +
    `  NSAT reference (issue 8): ≈ ${NSAT_MS_PER_SAMPLE} ms per sample, ≈ ${NSAT_US_PER_TICK.join('–')} µs per tick\n` +
    `  ratio (NSAT time / Dendrite time, per tick): ${out.speedup_vs_nsat.toFixed(2)} wall, ` +
    `${(((NSAT_MS_PER_SAMPLE * 1000) / 1500) / cpuPerTickUs).toFixed(2)} CPU   [load average ${out.loadavg_1min.toFixed(1)} on ${out.cpus} CPUs]\n`);
  if (o.json) writeFileSync(o.json, JSON.stringify(out, null, 2));
}

try {
  main();
} catch (e) {
  process.stderr.write(`bench:erbp: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 2;
}
