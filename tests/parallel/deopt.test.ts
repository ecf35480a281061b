/**
 * Every new emulator of a process must run on the code V8 optimised for the previous ones. Before this was fixed,
 * each new emulator handed the optimised step loop arrays of another elements kind, a new WebAssembly call target
 * and closures, and it bailed out ("wrong map", "wrong call target"; docs/performance.md, eighth pass): 40–100 ms
 * of unoptimised steps at the start of every 2-thread run. The probe runs five emulators of each kind in one
 * process under `--trace-deopt` and this test reads V8's bail-out log.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../compiler/paths.js';

const probe = fileURLToPath(new URL('./fixtures/deopt-probe.mjs', import.meta.url));

/** The probe's stdout split at its "=== emulator K" markers: per emulator index, the lines it printed. */
function byEmulator(flags: string[]): Map<number, string[]> {
  const r = spawnSync(process.execPath, [...flags, probe, packageRoot(), '5'], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain('=== done');
  const out = new Map<number, string[]>();
  let cur = -1;
  for (const line of r.stdout.split('\n')) {
    const m = /^=== emulator (\d+)/.exec(line);
    if (m) cur = Number(m[1]);
    else if (cur >= 0) (out.get(cur) ?? out.set(cur, []).get(cur)!).push(line);
  }
  return out;
}

/** Functions that run every step (or every wait) of a run. */
const HOT = /<JSFunction (integrate|route|deliver|deliverFlat|stepCycles|stepCubaWasm|stepLifUniform|pipeline|session|waitAtLeast|spinUntil|runSteps|step|run)\b/;

describe('V8 keeps the step loop optimised across emulators', () => {
  it('no "wrong map" or "wrong call target" bail-out in the step loop after the first emulator', () => {
    const log = byEmulator(['--trace-deopt']);
    const bad: string[] = [];
    for (const [i, lines] of log) {
      // the first two meet cold code (and a new class: the 1-thread emulator, then the parallel one): their
      // bail-outs are V8 learning once per process, not re-learning per emulator
      if (i < 2) continue;
      for (const l of lines) if (/reason: (wrong map|wrong call target)/.test(l) && HOT.test(l)) bad.push(`emulator ${i}: ${l.slice(0, 200)}`);
    }
    expect(bad).toEqual([]);
  });

  it('waiting between threads does not bail out over and over (no deopt loop)', () => {
    const log = byEmulator(['--trace-deopt']);
    const waits = [...log.values()].flat().filter((l) => l.includes('bailout') && /<JSFunction (waitAtLeast|spinUntil|sleepUntil)\b/.test(l));
    expect(waits.length).toBeLessThan(10);
  });

  it('the arrays the step loop reads are PACKED in every emulator', () => {
    const log = byEmulator(['--allow-natives-syntax']);
    const kinds = [...log.values()].flat().filter((l) => l.startsWith('kinds '));
    expect(kinds.length).toBe(5);
    for (const k of kinds) expect(k).not.toContain('holey');
  });
});
