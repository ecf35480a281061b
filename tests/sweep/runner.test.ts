/**
 * The sweep runner: resumability (results.jsonl, skip by point id), worker threads (dist/sweep/worker.js, built
 * by `npm test`'s pretest) giving the same results as the in-thread path, and recorded diagnostics.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGrid } from '../../sweep/grid.js';
import { readResults, RESULTS_JSONL, runSweep } from '../../sweep/runner.js';
import { runOptions, smallNetwork, tempDir, timeless, writeNetwork } from './helpers.js';

function grid(file: string, seeds = [1, 2]) {
  const o = runOptions(file, 150);
  const g = buildGrid({ target: 'default', sets: [], vary: [{ path: 'synapse.weight.mant_bits', values: ['2', '4', '8'] }], seeds }, { file, steps: o.steps });
  return { o, points: g.points! };
}

describe('runSweep', () => {
  it('resumes: a run limited to k points, then a rerun, computes only the rest and ends with the full result', async () => {
    const dir = tempDir();
    const file = writeNetwork(dir, smallNetwork());
    const { o, points } = grid(file);
    const out = join(dir, 'out');
    const first = await runSweep(points, o, { workers: 1, outDir: out, limit: 2 });
    expect(first.ran).toBe(2);
    expect(first.remaining).toBe(points.length - 2);
    expect(readResults(out).size).toBe(2);

    const seen: string[] = [];
    const second = await runSweep(points, o, { workers: 1, outDir: out, onPoint: (r) => seen.push(r.id) });
    expect(second.skipped).toBe(2);
    expect(second.ran).toBe(points.length - 2);
    expect(seen).toEqual(points.slice(2).map((p) => p.id));
    expect(second.results.map((r) => r.id)).toEqual(points.map((p) => p.id));
    const lines = readFileSync(join(out, RESULTS_JSONL), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(points.length);

    // The same grid from scratch gives the same results.
    const fresh = await runSweep(points, o, { workers: 1 });
    expect(second.results.map(timeless)).toEqual(fresh.results.map(timeless));
    // A third run has nothing to do.
    const third = await runSweep(points, o, { workers: 1, outDir: out });
    expect(third.ran).toBe(0);
  });

  it('ignores a torn last line and reruns failed points', async () => {
    const dir = tempDir();
    const file = writeNetwork(dir, smallNetwork());
    const { o, points } = grid(file, [1]);
    const out = join(dir, 'out');
    await runSweep(points, o, { workers: 1, outDir: out, limit: 1 });
    appendFileSync(join(out, RESULTS_JSONL), JSON.stringify({ ...timeless((await runSweep(points.slice(1, 2), o, { workers: 1 })).results[0]!), seconds: 0, status: 'failed' }) + '\n{"id":"tor');
    const have = readResults(out);
    expect(have.size).toBe(1);
    const r = await runSweep(points, o, { workers: 1, outDir: out });
    expect(r.ran).toBe(2);
  });

  it('worker threads give the same results as the in-thread path', async () => {
    const dir = tempDir();
    const file = writeNetwork(dir, smallNetwork());
    const { o, points } = grid(file);
    const one = await runSweep(points, o, { workers: 1 });
    const two = await runSweep(points, o, { workers: 2, outDir: join(dir, 'w2') });
    expect(two.ran).toBe(points.length);
    expect(two.results.map(timeless)).toEqual(one.results.map(timeless));
    expect(one.results.every((r) => r.status === 'ok')).toBe(true);
  }, 180_000); // generous: worker start-up is slow on a loaded 2-core machine

  it('records a point that does not fit the chip as diagnostics, and does not rerun it', async () => {
    const dir = tempDir();
    const file = writeNetwork(dir, smallNetwork({ neurons: 10 }));
    const o = runOptions(file, 50);
    const g = buildGrid({ target: 'default', sets: ['chip.cores=1', 'chip.max_chips=1'], vary: [{ path: 'core.compartments', values: ['4', '64'] }], seeds: [1] }, { file });
    const out = join(dir, 'out');
    const r = await runSweep(g.points!, o, { workers: 1, outDir: out });
    expect(r.results.map((x) => x.status)).toEqual(['diagnostics', 'ok']);
    expect(r.results[0]!.error).toMatch(/SNN3\d\d\d/);
    const again = await runSweep(g.points!, o, { workers: 1, outDir: out });
    expect(again.ran).toBe(0);
  });
});
