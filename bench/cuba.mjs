#!/usr/bin/env node
/**
 * `npm run bench:cuba`: the CUBA network (bench/cuba-network.mjs) on Dendrite and on Brian2 cpp_standalone,
 * same network parameters, size and duration, in one invocation. Prints per size and simulator: run time
 * excluding compilation / network construction, spikes, synaptic events, events/s, mean rate; then
 * `ratio (Brian2 cpp_standalone time / Dendrite time): X` and the rate sanity check.
 *
 * Flags: --sizes 4k,16k,64k   --fanin 80|1000 (p = fanin/N)   --duration 1 (s of biological time)
 *        --workers 1,2 (Dendrite thread counts to time)   --no-brian   --core-size 1024   --json FILE
 *        --reference (also time the unoptimised single-thread Emulator)
 *        --brian-cpu (run Brian2 a second time for 10 steps, to estimate its loop's CPU time and print a CPU ratio)
 *        --live-weights (also time the single-thread Emulator with live weights, as learning runs use it)
 *        --repeat R (time every Dendrite configuration R times, interleaved, and Brian2's compiled binary R times;
 *                    the table shows the median run and the note the fastest and slowest: on a shared 2-CPU
 *                    virtual machine one run can be 1.5× another)
 *        --warmup STEPS (default 2000; 0: none) before the timed runs of each size, every configuration runs twice for
 *                    this many steps, untimed in the table: V8 compiles the step loop during a process's first runs,
 *                    as Brian2 compiles its C++ before its timed loop. The first warm-up run's time is printed below the table.
 * Needs `npm run build` first (the npm script does it). Installs nothing: without Brian2 it says how to get it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, endianness, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Emulator } from '../dist/emulator/emulator.js';
import { ParallelEmulator } from '../dist/emulator/parallel/parallel-emulator.js';
import { buildCubaIr, CUBA, setInitialV } from './cuba-network.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** Mean rates of the two simulators must agree within this relative tolerance (see docs/performance.md). */
const RATE_TOLERANCE = 0.1;

function parseArgs(argv) {
  const o = { sizes: [4000, 16000, 64000], fanin: 80, duration: 1, workers: null, brian: true, coreSize: 1024, json: null, reference: false, seed: 1, brianCpu: false, live: false, repeat: 1, warmup: 2000 };
  const size = (s) => {
    const m = /^(\d+(?:\.\d+)?)([kK]?)$/.exec(s.trim());
    if (!m) throw new Error(`bad size "${s}" (e.g. 4k or 4000)`);
    return Math.round(Number(m[1]) * (m[2] ? 1000 : 1));
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--sizes') o.sizes = next().split(',').map(size);
    else if (a === '--fanin') o.fanin = Number(next());
    else if (a === '--duration') o.duration = Number(next());
    else if (a === '--workers') o.workers = next().split(',').map(Number);
    else if (a === '--core-size') o.coreSize = Number(next());
    else if (a === '--seed') o.seed = Number(next());
    else if (a === '--json') o.json = next();
    else if (a === '--no-brian') o.brian = false;
    else if (a === '--reference') o.reference = true;
    else if (a === '--brian-cpu') o.brianCpu = true;
    else if (a === '--live-weights') o.live = true;
    else if (a === '--repeat') o.repeat = Number(next());
    else if (a === '--warmup') o.warmup = Number(next());
    else throw new Error(`unknown flag ${a}`);
  }
  if (!(o.fanin > 0) || !(o.duration > 0) || !(o.coreSize >= 1)) throw new Error('--fanin, --duration and --core-size must be positive');
  if (!Number.isInteger(o.repeat) || o.repeat < 1) throw new Error('--repeat takes an integer ≥ 1');
  if (!Number.isInteger(o.warmup) || o.warmup < 0) throw new Error('--warmup takes a number of steps ≥ 0 (0: none)');
  o.workers ??= [...new Set([1, Math.min(2, availableParallelism())])];
  if (o.workers.some((w) => !Number.isInteger(w) || w < 1)) throw new Error('--workers takes a list of integers ≥ 1, e.g. 1,2');
  return o;
}

/** A python3 that can import brian2 ($BRIAN_PYTHON, python3 on PATH, /usr/bin/python3), or null. */
function findBrianPython() {
  for (const py of [process.env.BRIAN_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean)) {
    const r = spawnSync(py, ['-c', 'import brian2; print(brian2.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { py, version: r.stdout.trim() };
  }
  return null;
}

function runDendrite(ir, k, steps, workers, reference, live = false) {
  // The reference: the TypeScript kernels and live-weight delivery (kernels: 'ts'). The timed runs: the default
  // kernels (WebAssembly for CUBA) and fixed weights (the benchmark never changes a weight); one thread is the
  // single-thread Emulator, more the ParallelEmulator (the main thread + workers − 1 worker threads).
  const emu = reference ? new Emulator(ir, { kernels: 'ts' })
    : live ? new Emulator(ir)
    : workers === 1 ? new Emulator(ir, { fixedWeights: true }) : new ParallelEmulator(ir, { workers, fixedWeights: true });
  try {
    setInitialV(emu, k);
    // Digest of the (step, id) int32 little-endian pairs of every spike. The pairs are collected in a buffer and
    // hashed a chunk at a time (SHA-256 of a byte stream does not depend on how it is split), so the timed loop
    // pays two stores per spike. Int32Array stores are little-endian on every machine this runs on (checked).
    if (endianness() !== 'LE') throw new Error('the spike digest assumes a little-endian machine');
    const hash = createHash('sha256');
    const chunk = new Int32Array(1 << 16);
    const bytes = new Uint8Array(chunk.buffer);
    let fill = 0;
    let spikes = 0;
    const c0 = process.cpuUsage(); // process CPU time (all threads): less sensitive to other sessions' load than wall time
    const t0 = performance.now();
    // run(): with more than one thread, the pipelined form (one barrier per step; the callback reads only the
    // spike list, which is all it may read there)
    emu.run(steps, (e) => {
      const n = e.spikeCount;
      const t = e.t;
      const ids = e.spikes;
      for (let j = 0; j < n; j++) {
        if (fill === chunk.length) {
          hash.update(bytes);
          fill = 0;
        }
        chunk[fill++] = t;
        chunk[fill++] = ids[j];
      }
      spikes += n;
    });
    hash.update(bytes.subarray(0, 4 * fill));
    const runS = (performance.now() - t0) / 1000;
    const cu = process.cpuUsage(c0);
    const cpuS = (cu.user + cu.system) / 1e6;
    const events = emu.cores.reduce((s, c) => s + c.counters.synapticEvents, 0);
    return { runS, cpuS, spikes, events, digest: hash.digest('hex').slice(0, 16), threads: emu instanceof ParallelEmulator ? emu.threads : 1 };
  } finally {
    if (emu instanceof ParallelEmulator) emu.close();
  }
}

function runBrian(py, N, p, duration, seed, repeats = 1) {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-bench-brian-'));
  try {
    copyFileSync(join(here, 'brian-cuba.py'), join(dir, 'cuba.py'));
    const t0 = performance.now();
    const out = execFileSync(py, [join(dir, 'cuba.py'), String(N), String(p), String(duration), String(seed), join(dir, 'project'), String(repeats)], {
      encoding: 'utf8', cwd: dir, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    return { ...JSON.parse(line), wallS: (performance.now() - t0) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x, d = 3) => (x >= 1e6 ? x.toExponential(2) : x.toFixed(d));

/** The run with the median key (the lower middle one for an even count). */
function median(runs, key) {
  return [...runs].sort((a, b) => key(a) - key(b))[(runs.length - 1) >> 1];
}

/** ", runs 0.31–0.45 s (median shown)" for repeated runs, "" for one. */
function spread(times) {
  if (times.length < 2) return '';
  return `; ${times.length} runs ${fmt(Math.min(...times))}–${fmt(Math.max(...times))} s (median shown)`;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const steps = Math.round(o.duration / CUBA.dt);
  const brian = o.brian ? findBrianPython() : null;
  if (o.brian && !brian) {
    process.stdout.write('Brian2 not found (tried $BRIAN_PYTHON, python3, /usr/bin/python3): install it with\n' +
      '  apt-get install python3-brian\n(or set BRIAN_PYTHON to a python that has brian2). Running the Dendrite side only.\n\n');
  }
  process.stdout.write(`CUBA benchmark: fan-in ${o.fanin} (p = fanin/N), ${o.duration} s biological time = ${steps} steps of 0.1 ms, ` +
    `Dendrite threads ${o.workers.join(', ')}, ${availableParallelism()} CPUs (load average ${loadavg()[0].toFixed(1)}), node ${process.version}` +
    (brian ? `, Brian2 ${brian.version} cpp_standalone (${brian.py})` : '') + '\n\n');
  const results = [];
  const header = ['N', 'simulator', 'run s', 'cpu s', 'spikes', 'syn. events', 'events/s', 'rate Hz', 'note'];
  const rows = [header];
  for (const N of o.sizes) {
    const p = Math.min(1, o.fanin / N);
    const tb = performance.now();
    const { ir, synapses, k } = buildCubaIr({ N, p, coreSize: o.coreSize, seed: o.seed, steps });
    const buildS = (performance.now() - tb) / 1000;
    const res = { N, p, synapses, buildS, dendrite: [], brian: null };
    const configs = o.workers.map((w) => ({ w, reference: false, live: false }));
    if (o.reference) configs.unshift({ w: 1, reference: true, live: false });
    if (o.live) configs.push({ w: 1, reference: false, live: true });
    // Rounds interleave the configurations, so a slow phase of the machine hits all of them alike.
    const runs = configs.map(() => []);
    // two untimed runs per configuration: V8 settles its feedback over a process's first emulators, not steps
    const cold = o.warmup > 0 ? configs.map(({ w, reference, live }) => runDendrite(ir, k, o.warmup, w, reference, live)) : [];
    if (o.warmup > 0) configs.forEach(({ w, reference, live }) => runDendrite(ir, k, o.warmup, w, reference, live));
    for (let r = 0; r < o.repeat; r++) configs.forEach(({ w, reference, live }, i) => runs[i].push(runDendrite(ir, k, steps, w, reference, live)));
    configs.forEach(({ reference, live }, i) => {
      const d = median(runs[i], (x) => x.runS);
      // Live-weight rows are shown, not used for the ratio (the bench never changes a weight).
      res.dendrite.push({ ...d, reference: reference || live, live, runsS: runs[i].map((x) => x.runS), digests: runs[i].map((x) => x.digest) });
      rows.push([String(N), reference ? 'Dendrite reference Emulator' : live ? 'Dendrite 1 thread, live w' : `Dendrite ${d.threads} thread${d.threads > 1 ? 's' : ''}`,
        fmt(d.runS), fmt(d.cpuS), String(d.spikes), String(d.events), fmt(d.events / d.runS, 0), fmt(d.spikes / N / o.duration, 2),
        `digest ${d.digest}, ${synapses} synapses, built in ${fmt(buildS, 1)} s` + spread(runs[i].map((x) => x.runS))]);
    });
    if (brian) {
      // compiled once, its binary run o.repeat times (the script reports the median run)
      const b = runBrian(brian.py, N, p, o.duration, o.seed, o.repeat);
      res.brian = { ...b, runsS: b.runs_s };
      if (o.brianCpu) res.brianSetup = runBrian(brian.py, N, p, 10 * CUBA.dt, o.seed);
      rows.push([String(N), 'Brian2 cpp_standalone', fmt(b.run_s), '—', String(b.spikes), String(b.events), fmt(b.events / b.run_s, 0),
        fmt(b.rate_hz, 2), `${b.synapses} synapses, ${fmt(b.wallS, 1)} s incl. codegen+compile` +
          (b.binary_cpu_s !== undefined ? `; binary ${fmt(b.binary_wall_s)} s wall, ${fmt(b.binary_cpu_s)} s CPU incl. its set-up` : '') +
          spread(b.runs_s)]);
    }
    results.push(res);
    printTable(rows.splice(1));
    if (cold.length > 0) {
      res.warmup = { steps: o.warmup, runsS: cold.map((c) => c.runS) };
      process.stdout.write(`N=${N}: warm-up (untimed above): the first ${o.warmup} steps took ` +
        configs.map(({ reference, live }, i) => `${fmt(cold[i].runS)} s (${reference ? 'reference' : live ? '1 thread, live w' : `${cold[i].threads} thread${cold[i].threads > 1 ? 's' : ''}`})`).join(', ') +
        ' on a new emulator each (in the first size of a process this includes compiling the step loop)\n');
    }
    if (res.brian) {
      const best = res.dendrite.filter((d) => !d.reference).reduce((a, b) => (b.runS < a.runS ? b : a));
      const one = res.dendrite.find((d) => !d.reference && d.threads === 1);
      process.stdout.write(`N=${N}: ratio (Brian2 cpp_standalone time / Dendrite time): ${(res.brian.run_s / best.runS).toFixed(2)}` +
        ` (Dendrite ${best.threads} thread${best.threads > 1 ? 's' : ''}${one && one !== best ? `; 1 thread: ${(res.brian.run_s / one.runS).toFixed(2)}` : ''})\n`);
      if (res.brianSetup) {
        // On a loaded machine wall times are inflated by other processes; CPU times much less. Brian's loop CPU is
        // estimated as its binary's CPU for the full duration minus its CPU for 10 steps (same set-up: arrays read,
        // results written), against Dendrite's step-loop CPU.
        const loopCpu = res.brian.binary_cpu_s - res.brianSetup.binary_cpu_s;
        const bestCpu = res.dendrite.filter((d) => !d.reference).reduce((a, b) => (b.cpuS < a.cpuS ? b : a));
        res.cpuRatio = loopCpu / bestCpu.cpuS;
        process.stdout.write(`N=${N}: Brian2 loop CPU ≈ ${fmt(res.brian.binary_cpu_s)} − ${fmt(res.brianSetup.binary_cpu_s)} (10 steps) = ${fmt(loopCpu)} s; ` +
          `ratio by CPU time (Brian2 loop CPU / Dendrite step-loop CPU): ${res.cpuRatio.toFixed(2)} ` +
          `(Dendrite ${bestCpu.threads} thread${bestCpu.threads > 1 ? 's' : ''}, ${fmt(bestCpu.cpuS)} s)\n`);
      }
      const rd = best.spikes / N / o.duration;
      const rel = Math.abs(rd - res.brian.rate_hz) / res.brian.rate_hz;
      res.rateCheck = { dendriteHz: rd, brianHz: res.brian.rate_hz, relDiff: rel, pass: rel <= RATE_TOLERANCE };
      process.stdout.write(`N=${N}: rate check (fixed vs float): Dendrite ${rd.toFixed(2)} Hz, Brian2 ${res.brian.rate_hz.toFixed(2)} Hz, ` +
        `relative difference ${(100 * rel).toFixed(1)} % — ${rel <= RATE_TOLERANCE ? 'PASS' : 'FAIL'} (tolerance ${100 * RATE_TOLERANCE} %)\n`);
    }
    const digests = new Set(res.dendrite.flatMap((d) => d.digests));
    process.stdout.write(`N=${N}: spike digests of all Dendrite runs ${digests.size === 1 ? 'identical' : 'DIFFER'}\n\n`);
    if (digests.size !== 1) process.exitCode = 1;
  }
  process.stdout.write(`load average at the end: ${loadavg()[0].toFixed(1)} (timings on a loaded machine are inflated; compare within one run)\n`);
  if (o.json) writeFileSync(o.json, JSON.stringify({ argv: process.argv.slice(2), node: process.version, cpus: availableParallelism(), loadavg: loadavg(), results }, null, 2));
}

function printTable(rows) {
  const all = [['N', 'simulator', 'run s', 'cpu s', 'spikes', 'syn. events', 'events/s', 'rate Hz', 'note'], ...rows];
  const w = all[0].map((_, i) => Math.max(...all.map((r) => r[i].length)));
  for (const r of all) process.stdout.write(r.map((c, i) => (i >= 2 && i <= 7 ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd() + '\n');
}

try {
  main();
} catch (e) {
  process.stderr.write(`bench:cuba: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
}
