#!/usr/bin/env node
/**
 * Phase-level timing on the CUBA network (bench/cuba-network.mjs): the `cuba` compartment kernel alone and
 * synaptic delivery alone, replayed from a recorded run, in CPU time (process.cpuUsage). Isolating a phase
 * makes before/after comparisons of one kernel far less noisy than whole runs on a shared machine.
 *
 *   kernel:   records the ring slot each core consumes over --steps steps (after 300 warm-up steps), then replays
 *             those inputs through `stepCubaGroup` from the same starting state → ns per compartment update;
 *   wasm:     the same replay through the WebAssembly SIMD kernel (kernels/wasm/), when the root has it — its
 *             final state must equal the TypeScript kernel's;
 *   delivery: records each step's spike list, then replays it through `Emulator.route` → ns per synaptic event.
 *
 * Flags: --size 4000   --steps 4000   --reps 7   --roots DIR[,DIR…] (package roots whose dist/ to time, default
 * this one: e.g. a worktree of an older commit after `npm run build` there, to compare in one invocation).
 * Every root must end in the same state (printed), so a faster kernel is also checked to be the same kernel.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import { buildCubaIr, setInitialV } from './cuba-network.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const o = { size: 4000, steps: 4000, reps: 7, roots: [resolve(here, '..')] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--size') o.size = Number(next());
    else if (a === '--steps') o.steps = Number(next());
    else if (a === '--reps') o.reps = Number(next());
    else if (a === '--roots') o.roots = next().split(',').map((r) => resolve(r));
    else throw new Error(`unknown flag ${a}`);
  }
  for (const k of ['size', 'steps', 'reps']) if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`--${k} must be a positive integer`);
  if (o.reps < 2) throw new Error('--reps must be at least 2 (the first is warm-up)');
  return o;
}

const load = (root, file) => import(pathToFileURL(resolve(root, 'dist', file)).href);
const cpuMicros = (c0) => {
  const u = process.cpuUsage(c0);
  return u.user + u.system;
};
const stats = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return `min ${s[0].toFixed(2)}, median ${s[s.length >> 1].toFixed(2)}`;
};

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const { ir, k } = buildCubaIr({ N: o.size, p: 80 / o.size, coreSize: 1024, seed: 1, steps: 10000 });
  const { Emulator } = await load(o.roots[0], 'emulator/emulator.js');
  const emu = new Emulator(ir);
  setInitialV(emu, k);
  for (let s = 0; s < 300; s++) emu.step();
  const start = emu.saveState();
  const inputs = emu.cores.map(() => []);
  const spikeLists = [];
  for (let s = 0; s < o.steps; s++) {
    const t = emu.t + 1;
    emu.cores.forEach((rt, c) => {
      const n = rt.ir.compartmentCount;
      const base = (t % rt.ringSlots) * rt.ports * n;
      inputs[c].push(rt.ring.slice(base, base + rt.ports * n));
    });
    emu.step();
    spikeLists.push(emu.spikes.slice(0, emu.spikeCount));
  }
  const kernel = new Map();
  const wasm = new Map();
  const wasmDiffers = new Set();
  const delivery = new Map();
  const finals = new Map();
  for (let rep = 0; rep < o.reps; rep++) {
    for (const root of o.roots) {
      const { stepCubaGroup } = await load(root, 'emulator/kernels/cuba.js');
      const { newCounters } = await load(root, 'emulator/state.js');
      const { Emulator: E } = await load(root, 'emulator/emulator.js');
      // Kernel: fresh copies of the starting state, the recorded inputs copied in before each step (not timed).
      const cores = ir.cores.map((core, ci) => ({
        groups: core.groups.map((g, gi) => ({ group: g, arrays: Object.fromEntries(Object.entries(start.cores[ci].groups[gi]).map(([n, a]) => [n, a.slice()])) })),
        ring: new Float64Array(core.compartmentCount), counters: newCounters(), local: new Int32Array(core.compartmentCount),
      }));
      let cpu = 0;
      let spikes = 0;
      for (let s = 0; s < o.steps; s++) {
        for (let c = 0; c < cores.length; c++) cores[c].ring.set(inputs[c][s]);
        const c0 = process.cpuUsage();
        for (let c = 0; c < cores.length; c++) {
          const co = cores[c];
          let count = 0;
          for (const gs of co.groups) count = stepCubaGroup(gs, co.ring, 0, co.ring.length, co.counters, co.local, count, 1, s, c);
          spikes += count;
        }
        cpu += cpuMicros(c0);
      }
      // The WebAssembly kernel (if this root has it), same replay on an emulator whose state lives on its heap.
      let wasmNs = null;
      let wasmFinal = null;
      const wasmJs = resolve(root, 'dist', 'emulator', 'kernels', 'wasm', 'cuba-wasm.js');
      if (existsSync(wasmJs)) {
        const { stepCubaWasm } = await import(pathToFileURL(wasmJs).href);
        const w = new E(ir);
        if (w.wasm) {
          w.loadState(start);
          let wcpu = 0;
          for (let s = 0; s < o.steps; s++) {
            for (let c = 0; c < w.cores.length; c++) w.cores[c].ring.set(inputs[c][s]);
            const c0 = process.cpuUsage();
            for (let c = 0; c < w.cores.length; c++) {
              const rt = w.cores[c];
              let count = 0;
              for (let gi = 0; gi < rt.groups.length; gi++) count = stepCubaWasm(w.wasm.kernel, w.wasm.groups[c][gi], rt.ring, 0, rt.counters, count);
            }
            wcpu += cpuMicros(c0);
          }
          wasmNs = (wcpu * 1000) / (o.steps * o.size);
          wasmFinal = JSON.stringify(w.cores.map((rt) => rt.groups.map((g) => Object.values(g.arrays).map((a) => Array.from(a)))));
        }
      }
      // Delivery: the recorded spike lists through route(); rings cleared now and then (sums stay exact).
      const e = new E(ir);
      e.spikeCount = 0;
      e.route(0); // builds any lazily prepared tables outside the timing
      const c1 = process.cpuUsage();
      for (let s = 0; s < o.steps; s++) {
        e.spikes.set(spikeLists[s]);
        e.spikeCount = spikeLists[s].length;
        e.route(s + 1);
        if ((s & 7) === 0) for (const rt of e.cores) rt.ring.fill(0);
      }
      const dcpu = cpuMicros(c1);
      const events = e.cores.reduce((a, c) => a + c.counters.synapticEvents, 0);
      if (rep > 0) {
        if (wasmNs !== null) (wasm.get(root) ?? wasm.set(root, []).get(root)).push(wasmNs);
        (kernel.get(root) ?? kernel.set(root, []).get(root)).push((cpu * 1000) / (o.steps * o.size));
        (delivery.get(root) ?? delivery.set(root, []).get(root)).push((dcpu * 1000) / events);
      }
      const tsFinal = JSON.stringify(cores.map((co) => co.groups.map((g) => Object.values(g.arrays).map((a) => Array.from(a)))));
      if (wasmFinal !== null && wasmFinal !== tsFinal) wasmDiffers.add(root);
      finals.set(root, tsFinal + ` ${spikes} ${events}`);
    }
  }
  process.stdout.write(`CUBA ${o.size}, fan-in 80, ${o.steps} recorded steps, ${o.reps - 1} timed repetitions (CPU time; load average ${loadavg()[0].toFixed(1)})\n`);
  for (const root of o.roots) {
    process.stdout.write(`${root}\n  cuba kernel: ns per compartment update ${stats(kernel.get(root))}\n`);
    if (wasm.has(root)) process.stdout.write(`  wasm kernel: ns per compartment update ${stats(wasm.get(root))} (final state ${wasmDiffers.has(root) ? 'DIFFERS from' : 'equals'} the TypeScript kernel's)\n`);
    process.stdout.write(`  delivery:    ns per synaptic event ${stats(delivery.get(root))}\n`);
  }
  process.stdout.write(`final states, spike and event counts identical across roots: ${new Set(finals.values()).size === 1 ? 'yes' : 'NO'}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench/cuba-kernels: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
