// Compile-time benchmark: lowers programmatically built networks of 10^6 and 10^7 synapses for the default
// and loihi1 targets and prints wall time and peak memory. Run with `npm run bench:compile` (builds dist/ first).
// Numbers are measurements of this machine, not assertions.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const { lower } = await import('../dist/compiler/lower/lower.js');
const { resolveTarget } = await import('../dist/compiler/target/load.js');

const span = { file: 'bench.snn', start: 0, end: 1 };
const lif = {
  typeName: 'LIF', base: 'LIF', span,
  states: [{ name: 'v', span, role: 'membrane', tau: 0.02, rest: 0, initial: 0, integrates: [] }],
  ports: [{ name: 'in', span, target: 'v' }],
  membrane: 'v', threshold: 1, reset: { kind: 'value', value: 0 }, refractory: 0.002, bias: 0, spiking: true,
};

/** A 3-layer feed-forward network with about `synapses` dense synapses. */
function network(synapses) {
  const n = Math.round(Math.sqrt(synapses / 2));
  const proj = (pre, post, seed) => ({
    name: `${pre}->${post}`, span, pre, post, port: 'in', feedback: false, connector: { kind: 'dense' },
    weight: { kind: 'uniform', lo: -0.05, hi: 0.05 }, seed, delay: 0, pTransmit: 1, rule: null,
  });
  return {
    name: 'bench', file: 'bench.snn', span, dt: 0.001, seed: 1,
    populations: [
      { name: 'in', span, size: n, source: { kind: 'poisson_fixed', rate: 20, span } },
      { name: 'h', span, size: n, neuron: lif },
      { name: 'o', span, size: n, neuron: lif },
    ],
    projections: [proj('in', 'h', 1), proj('h', 'o', 2)],
    rules: [], signals: [], probes: [],
  };
}

function run(synapses, targetName) {
  const t = resolveTarget(targetName, targetName === 'loihi1' ? ['chip.max_chips=64'] : []);
  if (!t.profile) throw new Error(JSON.stringify(t.diagnostics));
  const net = network(synapses);
  global.gc?.();
  const before = process.memoryUsage();
  let peak = before.rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  const r = lower(net, t.profile);
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  const total = r.ir ? r.ir.cores.reduce((s, c) => s + c.synapses.targets.length, 0) : 0;
  console.log(
    `${targetName.padEnd(8)} ${synapses.toExponential(0).padStart(6)} synapses: ${ms.toFixed(0).padStart(6)} ms, ` +
      `${r.ir ? r.ir.cores.length : '-'} cores, ${total.toLocaleString('en-US')} emitted, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB` +
      (errors.length ? `, ${errors.length} errors: ${errors[0].message}` : ''),
  );
}

const sizes = process.argv.includes('--quick') ? [1e6] : [1e6, 1e7];
if (process.argv.includes('--child')) {
  run(Number(process.argv.at(-2)), process.argv.at(-1));
} else {
  // Each case in its own process so peak memory is per case; /usr/bin/time -v adds the kernel's max RSS.
  const self = fileURLToPath(import.meta.url);
  const timeV = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-v'] : [];
  for (const size of sizes) {
    for (const target of ['default', 'loihi1']) {
      const cmd = [...timeV, process.execPath, '--max-old-space-size=8192', self, '--child', String(size), target];
      const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
      process.stdout.write(r.stdout ?? '');
      const max = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
      if (max) console.log(`         /usr/bin/time -v: max RSS ${(Number(max[1]) / 1024).toFixed(0)} MiB`);
      if (r.status !== 0) console.log(`${target} ${size}: failed: ${(r.stderr ?? '').split('\n').slice(-4).join(' ')}`);
    }
  }
}
