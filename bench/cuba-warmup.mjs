#!/usr/bin/env node
/**
 * The start-up cost of new emulators in one process: builds E two-thread (or --workers) CUBA emulators one after
 * another and times, for each, its first 2,000 steps and its whole run. A new emulator should run on the code V8
 * optimised for the previous ones (docs/performance.md, eighth pass); when it does not, its first steps are slow.
 *
 * Flags: --size 4000   --steps 10000   --emulators 10   --workers 2
 *        --roots DIR[,DIR…] (package roots whose dist/ to time, interleaved emulator by emulator — e.g. a worktree of
 *        an older commit after `npm run build` there; default this one)
 * Needs `npm run build` first.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import { parseArgs as parseFlags } from 'node:util';
import { buildCubaIr, setInitialV } from './cuba-network.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const { values } = parseFlags({
    args: argv,
    options: {
      size: { type: 'string', default: '4000' }, steps: { type: 'string', default: '10000' },
      emulators: { type: 'string', default: '10' }, workers: { type: 'string', default: '2' }, roots: { type: 'string' },
    },
  });
  const o = {
    size: Number(values.size), steps: Number(values.steps), emulators: Number(values.emulators), workers: Number(values.workers),
    roots: values.roots !== undefined ? values.roots.split(',').map((r) => resolve(r)) : [resolve(here, '..')],
  };
  for (const k of ['size', 'emulators', 'workers']) if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`--${k} must be a positive integer`);
  if (!Number.isInteger(o.steps) || o.steps < 2001) throw new Error('--steps must be an integer above 2000');
  return o;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const { ir, k } = buildCubaIr({ N: o.size, p: 80 / o.size, coreSize: 1024, seed: 1, steps: o.steps });
  const mods = [];
  for (const root of o.roots) mods.push(await import(pathToFileURL(resolve(root, 'dist', 'emulator', 'parallel', 'parallel-emulator.js')).href));
  const first = o.roots.map(() => []);
  const whole = o.roots.map(() => []);
  for (let e = 0; e < o.emulators; e++) {
    for (let i = 0; i < o.roots.length; i++) {
      const emu = new mods[i].ParallelEmulator(ir, { workers: o.workers, fixedWeights: true });
      try {
        setInitialV(emu, k);
        const t0 = performance.now();
        emu.run(2000);
        const t1 = performance.now();
        emu.run(o.steps - 2000);
        first[i].push(t1 - t0);
        whole[i].push(performance.now() - t0);
      } finally {
        emu.close();
      }
    }
  }
  const ms = (v) => v.map((x) => x.toFixed(0)).join(' ');
  const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
  process.stdout.write(`CUBA ${o.size}, ${o.workers} threads, ${o.emulators} emulators per root in one process, ${o.steps} steps each ` +
    `(load average ${loadavg()[0].toFixed(1)})\n`);
  o.roots.forEach((root, i) => {
    const later = (v) => v.slice(2);
    process.stdout.write(`${root}\n  first 2000 steps (ms): ${ms(first[i])}\n  whole run (ms):        ${ms(whole[i])}\n` +
      (o.emulators > 2 ? `  median from the third emulator on: first 2000 steps ${median(later(first[i])).toFixed(0)} ms, whole run ${median(later(whole[i])).toFixed(0)} ms\n` : ''));
  });
}

main().catch((e) => {
  process.stderr.write(`bench/cuba-warmup: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
